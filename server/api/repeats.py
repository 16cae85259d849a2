"""The `repeat` of a new series: weekly (every 1-4 weeks) or monthly by weekday.

Its occurrences are wall-clock times in the meeting's zone (server/schedule.py), and
the `series` row keeps the rule as it was asked for, so a feed or a calendar can say
"every other Tuesday" or "the last Friday of the month" rather than list dates. Every
refusal names its dotted field (`repeat.monthly.nth`), as the body decoder does.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import msgspec

from server.api.errors import invalid
from server.schedule import MAX_SPAN, monthly, weekly, within_two_years

Count = Annotated[int, msgspec.Meta(ge=1, le=104)]
Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class Weekly(msgspec.Struct, forbid_unknown_fields=True):
    interval: Annotated[int, msgspec.Meta(ge=1, le=4)] = 1
    count: Count | None = None
    until: date | None = None


class Monthly(msgspec.Struct, forbid_unknown_fields=True):
    weekday: Weekday
    nth: Literal[1, 2, 3, 4, -1]
    count: Count | None = None
    until: date | None = None


class Repeat(msgspec.Struct, forbid_unknown_fields=True):
    # Both optional here only to name the field when neither is given.
    weekly: Weekly | None = None
    monthly: Monthly | None = None


def _bounds(field: str, count: int | None, until: date | None, first: date) -> None:
    if (count is None) == (until is None):
        raise invalid({field: "Give either count or until, not both."})
    if until is not None:
        if until < first:
            raise invalid({f"{field}.until": "Must not be before the first meeting."})
        if until > first + MAX_SPAN:
            raise invalid({f"{field}.until": "At most two years of meetings."})


def occurrences(
    repeat: Repeat, local_first: datetime, zone: ZoneInfo
) -> tuple[list[datetime], dict[str, Any]]:
    """(the series' local starts, naive; its rule as the `series` row keeps it)."""
    if repeat.weekly is not None and repeat.monthly is not None:
        raise invalid({"repeat": "Give one of weekly and monthly."})
    rule: Weekly | Monthly
    if repeat.monthly is not None:
        rule, field = repeat.monthly, "repeat.monthly"
        _bounds(field, rule.count, rule.until, local_first.date())
        starts = monthly(local_first, rule.weekday, rule.nth, rule.count, rule.until)
    elif repeat.weekly is not None:
        rule, field = repeat.weekly, "repeat.weekly"
        _bounds(field, rule.count, rule.until, local_first.date())
        starts = weekly(local_first, zone, rule.count, rule.until, rule.interval)
    else:
        raise invalid({"repeat.weekly": "This field is required."})
    if not starts:
        raise invalid({f"{field}.until": "No meeting of this rule falls by this date."})
    if not within_two_years(starts):
        raise invalid({f"{field}.count": "At most two years of meetings."})
    made = {k: v for k, v in msgspec.to_builtins(rule).items() if v is not None}
    return starts, {field.split(".")[1]: made}
