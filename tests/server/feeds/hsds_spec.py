"""HSDS 3.0's fields as its JSON schemas give them (schema/service.json, schedule.json,
language.json and the API's Page, openreferral/specification branch 3.0), written out
so the export is checked against the specification, not against itself."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

Check = Callable[[Any], bool]


def _uuid(v: Any) -> bool:
    try:
        return isinstance(v, str) and str(uuid.UUID(v)) == v
    except ValueError:
        return False


def _date(v: Any) -> bool:
    try:
        return isinstance(v, str) and date.fromisoformat(v).isoformat() == v
    except ValueError:
        return False


def _datetime(v: Any) -> bool:
    try:
        return isinstance(v, str) and datetime.fromisoformat(v).tzinfo is not None
    except ValueError:
        return False


def _text(v: Any) -> bool:
    return isinstance(v, str)


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _uri(v: Any) -> bool:
    return isinstance(v, str) and v.startswith(("https://", "http://"))


# "HH:MM format and should include timezone information ... 'Z' ... or an offset"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(Z|[+-]\d{2}:\d{2})$")
DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

PAGE: dict[str, Check] = {
    "total_items": lambda v: isinstance(v, int),
    "total_pages": lambda v: isinstance(v, int),
    "page_number": lambda v: isinstance(v, int),
    "size": lambda v: isinstance(v, int),
    "first_page": lambda v: isinstance(v, bool),
    "last_page": lambda v: isinstance(v, bool),
    "empty": lambda v: isinstance(v, bool),
    "contents": lambda v: isinstance(v, list),
}
SERVICE_REQUIRED = {"id", "name", "status"}
SERVICE: dict[str, Check] = {
    "id": _uuid,
    "organization_id": _uuid,
    "name": _text,
    "description": _text,
    "url": _uri,
    "status": lambda v: v in {"active", "inactive", "defunct", "temporarily closed"},
    "application_process": _text,
    "fees_description": _text,
    "last_modified": _datetime,
    "languages": lambda v: isinstance(v, list),
    "schedules": lambda v: isinstance(v, list),
}
SCHEDULE: dict[str, Check] = {
    "id": _uuid,
    "service_id": _uuid,
    "valid_from": _date,
    "valid_to": _date,
    "dtstart": _date,
    "timezone": _number,  # "expressed as a UTC offset"
    "until": _date,
    "count": _number,
    "wkst": lambda v: v in DAYS,
    "freq": lambda v: v in {"WEEKLY", "MONTHLY"},
    "interval": _number,
    "byday": lambda v: (
        isinstance(v, str)
        and all(re.fullmatch(r"-?\d?(MO|TU|WE|TH|FR|SA|SU)", d) for d in v.split(","))
    ),
    "description": _text,
    "opens_at": lambda v: isinstance(v, str) and bool(_TIME.match(v)),
    "closes_at": lambda v: isinstance(v, str) and bool(_TIME.match(v)),
    "schedule_link": _uri,
    "attending_type": _text,
    "notes": _text,
}
LANGUAGE: dict[str, Check] = {
    "id": _uuid,
    "service_id": _uuid,
    "name": _text,
    "code": lambda v: isinstance(v, str) and bool(re.fullmatch(r"[a-z]{2,3}", v)),
    "note": _text,
}


def problems(
    item: dict[str, Any], table: dict[str, Check], required: set[str], where: str
) -> list[str]:
    out = [f"{where}: missing {f}" for f in sorted(required - set(item))]
    out += [f"{where}: unknown field {f}" for f in sorted(set(item) - set(table))]
    out += [f"{where}: bad {f}: {v!r}" for f, v in item.items() if f in table and not table[f](v)]
    return out


def service_problems(service: dict[str, Any]) -> list[str]:
    out = problems(service, SERVICE, SERVICE_REQUIRED, "service")
    for s in service.get("schedules", []):
        out += problems(s, SCHEDULE, {"id"}, "schedule")
    for lang in service.get("languages", []):
        out += problems(lang, LANGUAGE, {"id"}, "language")
    return out
