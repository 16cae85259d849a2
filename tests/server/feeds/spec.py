"""The Meeting Guide specification's fields, written out from its README
(github.com/code4recovery/spec, as of commit 404117a) so that the feed is checked
against the spec and not against itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from server.schedule import known_zone

HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
UPDATED = re.compile(r"^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
SLUG = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # URL-safe, no spaces, 64 at most


def _text(limit: int | None = None) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and (limit is None or len(v) <= limit)


def _day(v: Any) -> bool:
    days = v if isinstance(v, list) else [v]
    return all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days)


def _absolute_url(v: Any) -> bool:
    return isinstance(v, str) and v.startswith(("https://", "http://"))


# Reserved codes of the spec's "Meeting Types" table (its "Proposed New Types" apart).
TYPES = {
    "11", "12x12", "A", "ABSI", "AF", "AL", "AL-AN", "AM", "AR", "ASL", "B", "BA", "BE", "BG",
    "BI", "BRK", "C", "CAN", "CF", "D", "DA", "DB", "DD", "DE", "DR", "EL", "EN", "FA", "FI",
    "FF", "FR", "G", "GR", "H", "HE", "HI", "HR", "HU", "IS", "ITA", "JA", "KA", "KOR", "L",
    "LGBTQ", "LIT", "LS", "LT", "M", "MED", "ML", "MT", "N", "NB", "NDG", "NE", "NL", "NO", "O",
    "OUT", "P", "POA", "POC", "POL", "POR", "PUN", "RUS", "S", "SEN", "SK", "SL", "SM", "SP",
    "ST", "SV", "T", "TC", "TH", "TL", "TR", "TUR", "UK", "W", "X", "XB", "XT", "Y",
}  # fmt: skip

REQUIRED = {"name", "slug"}
# For weekly meetings "day and time are required"; online ones need a conference_url
# (or phone) "to be considered active".
REQUIRED_HERE = REQUIRED | {"day", "time", "conference_url"}
FIELDS: dict[str, Callable[[Any], bool]] = {
    "name": _text(255),
    "slug": lambda v: (isinstance(v, str) and bool(SLUG.match(v))) or isinstance(v, int),
    "day": _day,
    "time": lambda v: isinstance(v, str) and bool(HH_MM.match(v)),
    "end_time": lambda v: isinstance(v, str) and bool(HH_MM.match(v)),
    "timezone": lambda v: isinstance(v, str) and known_zone(v) is not None,
    "conference_url": _absolute_url,
    "conference_url_notes": _text(),
    "conference_phone": lambda v: isinstance(v, str) and bool(re.match(r"^\+?[\d,*#]+$", v)),
    "types": lambda v: isinstance(v, list) and all(isinstance(t, str) and t in TYPES for t in v),
    "notes": _text(),
    "updated": lambda v: isinstance(v, str) and bool(UPDATED.match(v)),
    "group": _text(),
    "url": _absolute_url,
    # Not in the spec's README: the field the 12 Step Meeting List feeds carry and
    # TSML UI reads; Hearth's own extension, documented in docs/api.md.
    "attendance_option": lambda v: v in {"in_person", "online", "hybrid", "inactive"},
}


def problems(entry: dict[str, Any]) -> list[str]:
    """What is wrong with one meeting of a feed, by the table above."""
    out = [f"missing {f}" for f in sorted(REQUIRED_HERE - set(entry))]
    out += [f"unknown field {f}" for f in sorted(set(entry) - set(FIELDS))]
    out += [f"bad {f}: {v!r}" for f, v in entry.items() if f in FIELDS and not FIELDS[f](v)]
    return out
