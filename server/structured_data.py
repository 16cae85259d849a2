"""schema.org JSON-LD for a listed group's page, from plain data: no I/O, no clock.

A group is one `EventSeries`: its weekly (or monthly) series become `eventSchedule`
entries in the series' own IANA zone, so a crawler reads "Mondays 19:00 Europe/London"
rather than a UTC time that shifts twice a year; its next meetings are `subEvent`s with
offsets, so the same 19:00 shows as +00:00 in winter and +01:00 in summer.

The organiser is the group itself (an Organization): a page must never name a person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SCHEMA = "https://schema.org/"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Slot:
    """When a series usually meets: a weekday and a local start, for so many minutes."""

    weekday: int  # 0 is Monday
    start: time
    minutes: int


@dataclass(frozen=True)
class Occurrence:
    """One meeting as the page shows it; `join_url` absolute, None for invite-only."""

    title: str
    starts_at: datetime  # aware
    ends_at: datetime
    timezone: str
    cancelled: bool
    moved: bool
    join_url: str | None


@dataclass(frozen=True)
class Plan:
    """A series: the rule it was made by (the `series` table's `rule`), its zone, its
    usual slot and the local dates of its first and last meetings."""

    rule: dict[str, Any]
    timezone: str
    slot: Slot
    first: date
    last: date


@dataclass(frozen=True)
class GroupInfo:
    name: str
    description: str
    url: str  # the canonical page, absolute
    language: str


def local_slot(starts_at: datetime, ends_at: datetime, zone: str) -> Slot:
    local = starts_at.astimezone(ZoneInfo(zone))
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    return Slot(local.weekday(), local.time().replace(second=0, microsecond=0), minutes)


def usual_slot(meetings: Sequence[tuple[datetime, datetime]], zone: str) -> Slot | None:
    """The slot most of a series' meetings keep (the earliest meeting's on a tie): the
    series' time, from which a moved meeting differs."""
    slots = [local_slot(s, e, zone) for s, e in sorted(meetings)]
    if not slots:
        return None
    counts = Counter(slots)
    best = max(counts.values())
    return next(s for s in slots if counts[s] == best)


def iso(at: datetime, zone: str) -> str:
    """An instant in ISO 8601 with the zone's offset at that instant."""
    return at.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")


def _clock(at: time) -> str:
    return at.strftime("%H:%M")


def schedule(plan: Plan) -> dict[str, Any]:
    """A schema.org Schedule for a series, in the series' local time and IANA zone."""
    slot = plan.slot
    end = (datetime.combine(plan.first, slot.start) + timedelta(minutes=slot.minutes)).time()
    out: dict[str, Any] = {
        "@type": "Schedule",
        "byDay": SCHEMA + DAYS[slot.weekday],
        "startTime": _clock(slot.start),
        "endTime": _clock(end),
        "duration": f"PT{slot.minutes}M",
        "scheduleTimezone": plan.timezone,
        "startDate": plan.first.isoformat(),
        "endDate": plan.last.isoformat(),
    }
    if monthly := plan.rule.get("monthly"):
        out["repeatFrequency"] = "P1M"
        # byMonthWeek counts weeks of the month (1 to 5, or -1 for the last).
        out["byMonthWeek"] = int(monthly.get("nth", 1))
        weekday = str(monthly.get("weekday", RRULE_DAYS[slot.weekday]))
        if weekday in RRULE_DAYS:
            out["byDay"] = SCHEMA + DAYS[RRULE_DAYS.index(weekday)]
        rule = monthly
    else:
        rule = plan.rule.get("weekly") or {}
        out["repeatFrequency"] = f"P{int(rule.get('interval', 1))}W"
    if rule.get("count"):
        out["repeatCount"] = int(rule["count"])
    return out


def status(occurrence: Occurrence) -> str:
    if occurrence.cancelled:
        return SCHEMA + "EventCancelled"
    if occurrence.moved:
        return SCHEMA + "EventRescheduled"
    return SCHEMA + "EventScheduled"


def _common(group: GroupInfo, organizer: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventAttendanceMode": SCHEMA + "OnlineEventAttendanceMode",
        "inLanguage": group.language,
        "isAccessibleForFree": True,
        "organizer": organizer,
    }


def event(group: GroupInfo, occurrence: Occurrence, organizer: dict[str, Any]) -> dict[str, Any]:
    """One meeting. Its location is its join link, or (invite-only) the group's page."""
    return {
        "@type": "Event",
        "name": occurrence.title or group.name,
        "description": group.description or group.name,
        "url": group.url,
        "startDate": iso(occurrence.starts_at, occurrence.timezone),
        "endDate": iso(occurrence.ends_at, occurrence.timezone),
        "eventStatus": status(occurrence),
        "location": {"@type": "VirtualLocation", "url": occurrence.join_url or group.url},
        **_common(group, organizer),
    }


def event_series(
    group: GroupInfo, plans: Sequence[Plan], occurrences: Sequence[Occurrence]
) -> dict[str, Any]:
    """The whole JSON-LD document of a group's page."""
    organizer = {"@type": "Organization", "@id": group.url + "#group", "name": group.name}
    organizer["url"] = group.url
    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "EventSeries",
        "@id": group.url + "#meetings",
        "name": group.name,
        "description": group.description or group.name,
        "url": group.url,
        "location": {"@type": "VirtualLocation", "url": group.url},
        **_common(group, organizer),
    }
    if plans:
        out["eventSchedule"] = [schedule(p) for p in plans]
    if occurrences:
        first, last = occurrences[0], occurrences[-1]
        out["startDate"] = iso(first.starts_at, first.timezone)
        out["endDate"] = iso(last.ends_at, last.timezone)
        ref = {"@id": organizer["@id"]}
        out["subEvent"] = [event(group, o, ref) for o in occurrences]
    return out
