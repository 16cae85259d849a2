"""The public catalogue of listed groups (their calendar feed: server/calendars.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.errors import invalid, not_found
from server.api.jsonio import json_response
from server.api.meetings import meeting_out
from server.context import ctx
from server.db.models import Group, Meeting, utcnow

NEXT_MEETINGS = 3
MAX_GROUPS = 200


def _param(request: Request, name: str, limit: int) -> str:
    value = request.query_params.get(name, "").strip()
    if len(value) > limit or any(ord(c) < 32 for c in value):
        raise invalid({name: f"At most {limit} printable characters."})
    return value


def _matches(group: Group, words: list[str]) -> bool:
    haystack = " ".join([group.name, group.description, *group.topics]).casefold()
    return all(w in haystack for w in words)


async def _describe(
    session: AsyncSession, groups: list[Group], minutes: int, now: datetime
) -> list[dict[str, Any]]:
    """Groups as the public sees them, each with its next few meetings."""
    ids = [g.id for g in groups]
    upcoming: dict[str, list[Meeting]] = {gid: [] for gid in ids}
    if ids:
        # The first few upcoming meetings of each group, numbered in the database so
        # a group with two years of weekly meetings does not load them all.
        ranked = (
            select(
                Meeting.id,
                func.row_number()
                .over(partition_by=Meeting.group_id, order_by=(Meeting.starts_at, Meeting.id))
                .label("n"),
            )
            .where(
                Meeting.group_id.in_(ids),
                Meeting.ends_at > now,
                Meeting.cancelled.is_(False),
                Meeting.ended_at.is_(None),
            )
            .subquery()
        )
        rows = await session.scalars(
            select(Meeting)
            .join(ranked, ranked.c.id == Meeting.id)
            .where(ranked.c.n <= NEXT_MEETINGS)
            .order_by(Meeting.starts_at, Meeting.id)
        )
        for m in rows:
            upcoming[m.group_id].append(m)
    out: list[dict[str, Any]] = []
    for g in groups:
        closed = g.visibility == "closed"
        nexts = []
        for m in upcoming[g.id]:
            item = meeting_out(m, minutes, now)
            del item["group_id"], item["series_id"], item["format_id"]
            item["join_url"] = None if closed else f"/m/{m.id}"
            nexts.append(item)
        out.append(
            {
                "id": g.id,
                "name": g.name,
                "description": g.description,
                "topics": g.topics,
                "language": g.language,
                "visibility": g.visibility,
                "invite_only": closed,
                "timezone": g.timezone,
                "next_meetings": nexts,
                "calendar_url": f"/groups/{g.id}/calendar.ics",
            }
        )
    return out


async def catalogue(request: Request) -> Response:
    app = ctx(request)
    q = _param(request, "q", 200)
    topic = " ".join(_param(request, "topic", 40).lower().split())
    language = _param(request, "language", 16).lower()
    now = utcnow()
    minutes = app.settings.room_open_minutes
    async with app.session() as session:
        query = select(Group).where(Group.listed.is_(True))
        if language:
            query = query.where(Group.language == language)
        groups = [g for g in await session.scalars(query) if _matches(g, q.casefold().split())]
        if topic:
            groups = [g for g in groups if topic in g.topics]
        out = await _describe(session, groups, minutes, now)
    far = now + timedelta(days=36500)
    out.sort(
        key=lambda g: (g["next_meetings"][0]["starts_at"] if g["next_meetings"] else far, g["name"])
    )
    return json_response(out[:MAX_GROUPS])


async def public_group(request: Request) -> Response:
    """A group as its invite link shows it, listed or not: the id is the capability."""
    app = ctx(request)
    group_id = request.path_params["id"]
    async with app.session() as session:
        group = await session.get(Group, group_id) if len(group_id) <= 32 else None
        if group is None:
            raise not_found("group")
        out = (await _describe(session, [group], app.settings.room_open_minutes, utcnow()))[0]
        out["listed"] = group.listed
        if not group.listed:
            out["calendar_url"] = None
        out["guidelines"] = group.guidelines
        return json_response(out)


routes: list[BaseRoute] = [
    Route("/api/catalogue", catalogue, methods=["GET"]),
    Route("/api/groups/{id}/public", public_group, methods=["GET"]),
]
