"""VTIMEZONE components for a zone over a few years, one observance per change.

icalendar's own (`add_missing_timezones`) lists each rule's later onsets in one
multi-valued RDATE; ical.js, the parser in Thunderbird and many web calendars, reads
only the first value of an RDATE and not the observance's DTSTART beside it, so it
put all of 2027 in summer time (tests/server/api/test_calendar.py caught it). It also
writes a daylight onset in the local time after the jump, where RFC 5545's own
examples use the time before (TZOFFSETFROM). So each change here is an observance of
its own, with only DTSTART, the form every reader takes, and only for the years the
events span, which keeps the feed small.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import icalendar

_STEP = timedelta(hours=6)  # shorter than any two changes of offset are apart


def _offset(zone: ZoneInfo, at: datetime) -> timedelta:
    return at.astimezone(zone).utcoffset() or timedelta()


def _change(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The instant (to the second) the offset changes between `before` and `after`."""
    was = _offset(zone, before)
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        if _offset(zone, middle) == was:
            before = middle
        else:
            after = middle
    return after.replace(microsecond=0)


def _observance(zone: ZoneInfo, at: datetime, was: timedelta) -> icalendar.cal.Component:
    local = at.astimezone(zone)
    is_dst = bool(local.dst())
    part = icalendar.TimezoneDaylight() if is_dst else icalendar.TimezoneStandard()
    part.add("dtstart", (at + was).replace(tzinfo=None))  # in the offset before it
    part.add("tzoffsetfrom", was)
    part.add("tzoffsetto", local.utcoffset() or timedelta())
    part.add("tzname", local.tzname() or zone.key)
    return part


@cache
def vtimezone(name: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The zone as it is from 1 January of `first_year` to the end of `last_year`."""
    zone = ZoneInfo(name)
    tz = icalendar.Timezone()
    tz.add("tzid", name)
    at = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    tz.add_component(_observance(zone, at, _offset(zone, at)))
    while at < end:
        nxt = at + _STEP
        if _offset(zone, nxt) != _offset(zone, at):
            change = _change(zone, at, nxt)
            tz.add_component(_observance(zone, change, _offset(zone, at)))
        at = nxt
    return tz
