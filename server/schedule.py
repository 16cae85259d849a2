"""Wall-clock scheduling: local times in an IANA zone, weekly and monthly series, status.

Pure functions, no I/O. A series keeps its local wall-clock time across
daylight-saving changes, so its UTC time moves instead: occurrences are computed as
naive local times and only then placed in the zone (`localize`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from dateutil.rrule import FR, MO, MONTHLY, SA, SU, TH, TU, WE, WEEKLY, rrule, weekday

MAX_OCCURRENCES = 104
MAX_SPAN = timedelta(weeks=104)
WEEKDAYS: dict[str, weekday] = {
    "MO": MO, "TU": TU, "WE": WE, "TH": TH, "FR": FR, "SA": SA, "SU": SU,
}  # fmt: skip
# Files that sit in the zoneinfo directory but are not IANA zone names: "localtime"
# would silently follow the server's own zone.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(
        name
        for name in available_timezones()
        if name not in _NOT_ZONES and not name.startswith(("posix/", "right/"))
    )


def known_zone(name: str) -> ZoneInfo | None:
    """The zone for an IANA name ("Europe/London", "UTC"), or None for anything else."""
    if name not in _zone_names():
        return None
    return ZoneInfo(name)


def localize(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive local time in `zone` as an aware UTC datetime.

    A time that does not exist (the spring-forward gap) moves forward by the gap;
    an ambiguous one (the autumn repeat) takes its first occurrence (fold=0).
    """
    aware = local.replace(tzinfo=zone, fold=0)
    as_utc = aware.astimezone(UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) != local:
        # Nonexistent: zoneinfo used the offset from before the gap; moving forward
        # by the difference of the offsets lands just as far past the gap.
        before = aware.utcoffset() or timedelta()
        after = local.replace(tzinfo=zone, fold=1).utcoffset() or timedelta()
        as_utc = (local - min(before, after)).replace(tzinfo=UTC)
    return as_utc


def weekly(
    first: datetime,
    zone: ZoneInfo,
    count: int | None = None,
    until: date | None = None,
    interval: int = 1,
) -> list[datetime]:
    """Local wall-clock starts of a series every `interval` weeks (naive, in `zone`)."""
    rule = rrule(WEEKLY, dtstart=first, interval=interval, count=count, until=_end_of(until))
    return list(rule)[:MAX_OCCURRENCES]


def monthly(
    first: datetime,
    weekday: str,
    nth: int,
    count: int | None = None,
    until: date | None = None,
) -> list[datetime]:
    """Local wall-clock starts on the `nth` `weekday` of each month ("MO", 2: the second
    Monday; -1: the last), at `first`'s time of day, from `first`'s date on.

    dateutil yields only dates that match the rule, so a `first` that is not itself a
    second Monday starts the series at the next one rather than adding a stray date.
    """
    day = WEEKDAYS[weekday](nth)
    rule = rrule(MONTHLY, dtstart=first, byweekday=day, count=count, until=_end_of(until))
    return list(rule)[:MAX_OCCURRENCES]


def within_two_years(starts: list[datetime]) -> bool:
    """Whether a series ends within two years of its start (104 weeks, as weekly ones)."""
    return not starts or starts[-1] - starts[0] <= MAX_SPAN


def _end_of(until: date | None) -> datetime | None:
    return datetime.combine(until, time.max) if until is not None else None


def opens_at(starts_at: datetime, open_minutes: int) -> datetime:
    """When a meeting's room opens: `open_minutes` before it starts."""
    return starts_at - timedelta(minutes=open_minutes)


def status(
    starts_at: datetime,
    ends_at: datetime,
    cancelled: bool,
    ended_at: datetime | None,
    now: datetime,
    open_minutes: int,
) -> str:
    """cancelled, ended (ended early or past its end), open (the room admits), or scheduled."""
    if cancelled:
        return "cancelled"
    if ended_at is not None or now >= ends_at:
        return "ended"
    if now >= opens_at(starts_at, open_minutes):
        return "open"
    return "scheduled"


def local_wall_clock(at: datetime, zone_name: str) -> str:
    """An instant as wall-clock time in a zone, to the minute: "2026-12-01T19:00"."""
    return at.astimezone(ZoneInfo(zone_name)).strftime("%Y-%m-%dT%H:%M")
