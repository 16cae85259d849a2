"""What the catalogue's filters mean, for the page at `/` and for GET /api/catalogue.

One parser and one set of predicates, so the page people use with scripts off and
the API its scripts call cannot disagree. Pure: the query in, `Filters` out; a group
or a meeting in, yes or no out; "now" is passed in, never read.

Day and time are the viewer's, in the zone they give (`tz`, UTC without one, since
a server cannot know a reader's zone): a London group meeting at 18:00 is a Tuesday
afternoon meeting to someone in New York, and an hour earlier there for the two weeks
each spring when only one of the two has changed its clocks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from server.api.errors import invalid
from server.api.languages import normalise
from server.schedule import known_zone

# 0 is Sunday, as in the Meeting Guide feed and JavaScript's Date.getDay().
DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# Local start hours [from, to); night wraps past midnight.
TIMES: dict[str, tuple[int, int]] = {
    "morning": (5, 12),
    "afternoon": (12, 17),
    "evening": (17, 21),
    "night": (21, 5),
}
SOON = timedelta(hours=1)
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Filters:
    q: str = ""
    topic: str = ""
    language: str = ""  # canonical BCP 47, "" for any
    day: int | None = None
    time: str = ""  # a name from TIMES, or "" (from/to, or none)
    hours: tuple[int, int] | None = None
    tz: str = "UTC"
    now: bool = False
    soon: bool = False
    page: int = 1
    per_page: int = MAX_PER_PAGE

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def timed(self) -> bool:
        """Whether the filters look at meetings, not only at groups."""
        return self.day is not None or self.hours is not None or self.now or self.soon

    def query(self, **changes: str) -> dict[str, str]:
        """The filters as a query string's pairs (defaults left out), with `changes`:
        for links that add or drop one filter and keep the others."""
        pairs = {
            "q": self.q,
            "topic": self.topic,
            "language": self.language,
            "day": DAYS[self.day] if self.day is not None else "",
            "time": self.time,
            "from": str(self.hours[0]) if self.hours and not self.time else "",
            "to": str(self.hours[1]) if self.hours and not self.time else "",
            "tz": "" if self.tz == "UTC" else self.tz,
            "now": "1" if self.now else "",
            "soon": "1" if self.soon else "",
        }
        pairs.update(changes)
        return {k: v for k, v in pairs.items() if v}


def _text(params: Mapping[str, str], name: str, limit: int) -> str:
    value = params.get(name, "").strip()
    if len(value) > limit or any(ord(c) < 32 for c in value):
        raise invalid({name: f"At most {limit} printable characters."})
    return value


def _number(params: Mapping[str, str], name: str, low: int, high: int, default: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise invalid({name: f"A whole number from {low} to {high}."})
    return int(raw)


def _flag(params: Mapping[str, str], name: str) -> bool:
    raw = params.get(name, "").strip().lower()
    if raw not in ("", "0", "1", "true", "false"):
        raise invalid({name: "1 or 0."})
    return raw in ("1", "true")


def parse(params: Mapping[str, str], *, per_page: int = MAX_PER_PAGE) -> Filters:
    """The filters in a query string, or a 400 `invalid` naming the first bad one."""
    language = _text(params, "language", 35)
    canonical = normalise(language) if language else ""
    if canonical is None:
        raise invalid({"language": "A language tag such as en, ar or pt-BR."})
    day_raw = params.get("day", "").strip().lower()
    day: int | None = None
    if day_raw:
        if day_raw in DAYS:
            day = DAYS.index(day_raw)
        elif day_raw in {str(n) for n in range(7)}:
            day = int(day_raw)
        else:
            raise invalid({"day": "0 (Sunday) to 6, or sun, mon, tue, wed, thu, fri, sat."})
    time = params.get("time", "").strip().lower()
    hours: tuple[int, int] | None = None
    if time:
        if time not in TIMES:
            raise invalid({"time": "morning, afternoon, evening or night."})
        if params.get("from", "").strip() or params.get("to", "").strip():
            raise invalid({"time": "Either time or from and to, not both."})
        hours = TIMES[time]
    elif params.get("from", "").strip() or params.get("to", "").strip():
        hours = (_number(params, "from", 0, 23, 0), _number(params, "to", 1, 24, 24))
        if hours[0] == hours[1]:
            raise invalid({"to": "A different hour from `from`."})
    tz = _text(params, "tz", 64) or "UTC"
    if known_zone(tz) is None:
        raise invalid({"tz": "An IANA time zone such as Europe/London."})
    return Filters(
        q=_text(params, "q", 200),
        topic=" ".join(_text(params, "topic", 40).lower().split()),
        language=canonical,
        day=day,
        time=time,
        hours=hours,
        tz=tz,
        now=_flag(params, "now"),
        soon=_flag(params, "soon"),
        page=_number(params, "page", 1, 100_000, 1),
        per_page=_number(params, "per_page", 1, MAX_PER_PAGE, per_page),
    )


def group_matches(
    filters: Filters, name: str, description: str, topics: Sequence[str], language: str
) -> bool:
    """Every word of `q` somewhere in the group (any case), its topic, its language.
    The stored language is normalised too: rows from before tags were normalised
    may still say `pt-br`."""
    haystack = " ".join([name, description, *topics]).casefold()
    if not all(word in haystack for word in filters.q.casefold().split()):
        return False
    if filters.topic and filters.topic not in topics:
        return False
    return not filters.language or (normalise(language) or language) == filters.language


def in_hours(hour: int, hours: tuple[int, int]) -> bool:
    start, end = hours
    return start <= hour < end if start < end else hour >= start or hour < end


def meeting_matches(
    filters: Filters, starts_at: datetime, ends_at: datetime, now: datetime
) -> bool:
    """Whether a meeting is on the chosen day, at the chosen time of day (both by its
    start, in the viewer's zone), and running now or starting within the hour (either,
    when both are asked for)."""
    local = starts_at.astimezone(filters.zone)
    if filters.day is not None and (local.weekday() + 1) % 7 != filters.day:
        return False
    if filters.hours is not None and not in_hours(local.hour, filters.hours):
        return False
    if filters.now or filters.soon:
        running = filters.now and starts_at <= now < ends_at
        starting = filters.soon and now < starts_at <= now + SOON
        return running or starting
    return True
