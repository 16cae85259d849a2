"""Wall-clock scheduling: local times in an IANA zone, weekly series, meeting status.

Pure functions, no I/O. A weekly series keeps its local wall-clock time across
daylight-saving changes, so its UTC time moves instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule

MAX_OCCURRENCES = 104


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
    first: datetime, zone: ZoneInfo, count: int | None = None, until: date | None = None
) -> list[datetime]:
    """Local wall-clock starts of a weekly series (naive, in `zone`)."""
    rule = rrule(
        WEEKLY,
        dtstart=first,
        count=count,
        until=datetime.combine(until, time.max) if until is not None else None,
    )
    return list(rule)[:MAX_OCCURRENCES]


def status(
    starts_at: datetime,
    ends_at: datetime,
    cancelled: bool,
    ended_at: datetime | None,
    now: datetime,
    open_minutes: int,
) -> str:
    if cancelled:
        return "cancelled"
    if ended_at is not None or now >= ends_at:
        return "ended"
    if now >= starts_at - timedelta(minutes=open_minutes):
        return "open"
    return "scheduled"


def local_wall_clock(at: datetime, zone_name: str) -> str:
    return at.astimezone(ZoneInfo(zone_name)).strftime("%Y-%m-%dT%H:%M")
