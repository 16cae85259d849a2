"""An Open Referral HSDS 3.0 export of listed groups, for human-services directories:
the spec's API meta (/feeds/hsds), its paged /services and a service by id, each group
one service (https://docs.openreferral.org/en/3.0/).

HSDS ids are UUIDs, so a group's is derived from its own id (uuid5), stable for as
long as the group is. HSDS has no IANA zone: a schedule says its times with the UTC
offset in force at the series' next meeting, and names the zone in its description,
so a reader across a daylight-saving change is told the new offset on its next read.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.errors import invalid, not_found
from server.api.jsonio import json_response
from server.context import ctx
from server.db.models import Group, Meeting, Series, utcnow
from server.feeds.meeting_guide import weekly_pattern
from server.html import absolute
from server.slugs import group_path

NAMESPACE = uuid.UUID("6f1d3c1e-5b1a-4f0e-9c39-2a8f8f3e7d10")  # Hearth's, for uuid5
VERSION = "3.0"
PROFILE = "https://docs.openreferral.org/en/3.0/"
OPENAPI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]  # the Meeting Guide's day numbers
NAMES = ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"]
MAX_PER_PAGE = 200
HEADERS = {"Cache-Control": "public, max-age=300"}


def hsds_id(kind: str, hearth_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{hearth_id}"))


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _offset(at: datetime, zone: str) -> tuple[float, str]:
    """The UTC offset in force at `at` in `zone`, as hours and as "+01:00"."""
    delta = at.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta else 0
    sign, whole = ("-" if minutes < 0 else "+"), abs(minutes)
    return minutes / 60, f"{sign}{whole // 60:02d}:{whole % 60:02d}"


def _recurrence(rule: dict[str, Any], day: int) -> dict[str, Any] | None:
    """The RRULE fields of a series' rule, or None for a rule HSDS is not given."""
    if "weekly" in rule:
        parts, out = rule["weekly"], {"freq": "WEEKLY", "byday": DAYS[day]}
        out["interval"] = parts.get("interval", 1)
    elif "monthly" in rule and rule["monthly"].get("weekday") in DAYS:
        parts = rule["monthly"]
        out = {"freq": "MONTHLY", "byday": f"{parts.get('nth', 1)}{parts['weekday']}"}
    else:
        return None
    if parts.get("count") is not None:
        out["count"] = parts["count"]
    if parts.get("until") is not None:
        out["until"] = str(parts["until"])
    return out


def schedule(
    request: Request, group: Group, series: Series | None, ahead: list[Meeting]
) -> dict[str, Any] | None:
    """One series (or one meeting on its own) as an HSDS schedule."""
    day, opens, closes, zone = weekly_pattern(ahead)
    hours, offset = _offset(ahead[0].starts_at, zone)
    first = ahead[0].starts_at.astimezone(ZoneInfo(zone)).date().isoformat()
    last = ahead[-1].starts_at.astimezone(ZoneInfo(zone)).date().isoformat()
    out: dict[str, Any] = {
        "id": hsds_id("schedule", series.id if series else ahead[0].id),
        "service_id": hsds_id("group", group.id),
        "valid_from": first,
        "valid_to": last,
        "dtstart": first,
        "timezone": hours,
        "opens_at": f"{opens}{offset}",
        "closes_at": f"{closes}{offset}",
        "attending_type": "online",
    }
    if series is None:
        out["description"] = f"Once, on {first} at {opens} ({zone} time)."
        link = f"/m/{ahead[0].id}"
    else:
        recurrence = _recurrence(series.rule, day)
        if recurrence is None:
            return None
        out |= recurrence
        every = "Every week" if recurrence.get("interval", 1) == 1 else "Every other week"
        if recurrence["freq"] == "MONTHLY":
            every = f"Monthly ({recurrence['byday']})"
        out["description"] = f"{every} on {NAMES[day]} at {opens} ({zone} time)."
        link = f"/s/{series.id}"
    out["schedule_link"] = absolute(
        request, link if group.visibility == "open" else group_path(group.id, group.name)
    )
    return out


async def _ahead(session: AsyncSession, groups: list[Group]) -> dict[str, list[Meeting]]:
    rows = await session.scalars(
        select(Meeting)
        .where(
            Meeting.group_id.in_([g.id for g in groups]),
            Meeting.ends_at > utcnow(),
            Meeting.cancelled.is_(False),
            Meeting.ended_at.is_(None),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    out: dict[str, list[Meeting]] = {g.id: [] for g in groups}
    for m in rows:
        out[m.group_id].append(m)
    return out


def service(request: Request, group: Group, ahead: list[Meeting], full: bool) -> dict[str, Any]:
    changed = max([group.updated_at, *(m.updated_at for m in ahead)])
    out: dict[str, Any] = {
        "id": hsds_id("group", group.id),
        "name": group.name,
        "description": group.description,
        "url": absolute(request, group_path(group.id, group.name)),
        "status": "active" if ahead else "inactive",
        "application_process": (
            "Join online from the group's page, no sign-up needed."
            if group.visibility == "open"
            else "By invitation only: the group's page says how to ask for one."
        ),
        "fees_description": "Free.",
        "last_modified": _stamp(changed),
    }
    if full:
        code = group.language.split("-")[0]
        lang = {"id": hsds_id("language", group.id), "service_id": out["id"], "code": code}
        out["languages"] = [lang]
        out["schedules"] = []
    return out


async def _with_schedules(
    request: Request, session: AsyncSession, group: Group, ahead: list[Meeting]
) -> dict[str, Any]:
    out = service(request, group, ahead, full=True)
    by_series: dict[str | None, list[Meeting]] = {}
    for m in ahead:
        by_series.setdefault(m.series_id, []).append(m)
    series = {
        s.id: s for s in await session.scalars(select(Series).where(Series.group_id == group.id))
    }
    for sid, meetings in by_series.items():
        if sid is None:  # meetings on their own: the next 20 of them
            made = [schedule(request, group, None, [m]) for m in meetings[:20]]
        else:
            made = [schedule(request, group, series[sid], meetings)] if sid in series else []
        out["schedules"] += [s for s in made if s is not None]
    return out


def _page_number(request: Request, name: str, default: int, limit: int) -> int:
    raw = request.query_params.get(name, str(default))
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= limit:
        raise invalid({name: f"A whole number from 1 to {limit}."})
    return int(raw)


async def api_meta(request: Request) -> Response:
    return json_response(
        {"version": VERSION, "profile": PROFILE, "openapi_url": OPENAPI}, headers=HEADERS
    )


async def services(request: Request) -> Response:
    page = _page_number(request, "page", 1, 10**6)
    per_page = _page_number(request, "per_page", 50, MAX_PER_PAGE)
    async with ctx(request).session() as session:
        groups = list(
            await session.scalars(select(Group).where(Group.listed.is_(True)).order_by(Group.id))
        )
        total = len(groups)
        shown = groups[(page - 1) * per_page : page * per_page]
        ahead = await _ahead(session, shown) if shown else {}
    pages = max(1, math.ceil(total / per_page))
    contents = [service(request, g, ahead[g.id], full=False) for g in shown]
    return json_response(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page >= pages,
            "empty": not contents,
            "contents": contents,
        },
        headers=HEADERS,
    )


async def one_service(request: Request) -> Response:
    wanted = request.path_params["id"]
    async with ctx(request).session() as session:
        listed = await session.scalars(select(Group).where(Group.listed.is_(True)))
        group = next((g for g in listed if hsds_id("group", g.id) == wanted), None)
        if group is None:
            raise not_found("service")
        ahead = (await _ahead(session, [group]))[group.id]
        out = await _with_schedules(request, session, group, ahead)
    return json_response(out, headers=HEADERS)


routes: list[BaseRoute] = [
    Route("/feeds/hsds", api_meta, methods=["GET"]),
    Route("/feeds/hsds/services", services, methods=["GET"]),
    Route("/feeds/hsds/services/{id}", one_service, methods=["GET"]),
]
