"""Finding listed groups: the one search behind GET /api/catalogue and the page at `/`.

Groups are few enough to filter in Python (every listed group is read, as before);
meetings are not, so each group's upcoming meetings are numbered in the database and
only the first few are read: three to show, or MATCH_WINDOW when a day, time, "now"
or "soon" filter has to look through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.api.catalogue_filters import Filters, group_matches, meeting_matches
from server.api.languages import normalise
from server.api.meetings import meeting_out
from server.context import AppContext
from server.db.models import Group, Meeting
from server.slugs import group_path

NEXT_MEETINGS = 3
# Half a year of a weekly group: enough to find its Tuesdays, or its evening meetings.
MATCH_WINDOW = 26


@dataclass(frozen=True)
class Found:
    total: int  # groups matching, over all pages
    groups: list[dict[str, Any]]  # this page's, as the public sees them


async def _upcoming(
    session: AsyncSession, ids: list[str], now: datetime, per_group: int
) -> dict[str, list[Meeting]]:
    upcoming: dict[str, list[Meeting]] = {gid: [] for gid in ids}
    if not ids:
        return upcoming
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
        .where(ranked.c.n <= per_group)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    for m in rows:
        upcoming[m.group_id].append(m)
    return upcoming


def places_left(app: AppContext, group: Group, meeting: Meeting | None) -> int:
    """The group's capacity, less the people in the next meeting's room when that room
    is open on this worker (its replica has the whole room, wherever they joined).
    A room open only on another worker counts as empty: the number is a guide, and
    the room itself decides who gets in."""
    replica = app.hub.replicas.get(meeting.id) if app.hub and meeting else None
    if replica is None:
        return group.capacity
    seated = sum(1 for p in replica.room.participants.values() if p.status != "gone")
    return max(0, group.capacity - seated)


def describe(
    app: AppContext, group: Group, meetings: list[Meeting], now: datetime
) -> dict[str, Any]:
    """A group as the public sees it, with the meetings given (at most three)."""
    closed = group.visibility == "closed"
    nexts = []
    for m in meetings[:NEXT_MEETINGS]:
        item = meeting_out(m, app.settings.room_open_minutes, now)
        del item["group_id"], item["series_id"], item["format_id"]
        item["join_url"] = None if closed else f"/m/{m.id}"
        nexts.append(item)
    return {
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "topics": group.topics,
        "language": normalise(group.language) or group.language,
        "visibility": group.visibility,
        "invite_only": closed,
        "timezone": group.timezone,
        "capacity": group.capacity,
        "places_left": places_left(app, group, meetings[0] if meetings else None),
        "next_meetings": nexts,
        "calendar_url": f"/groups/{group.id}/calendar.ics",
        "page_url": group_path(group.id, group.name),
    }


async def describe_one(
    app: AppContext, session: AsyncSession, group: Group, now: datetime
) -> dict[str, Any]:
    meetings = (await _upcoming(session, [group.id], now, NEXT_MEETINGS))[group.id]
    return describe(app, group, meetings, now)


async def search(app: AppContext, session: AsyncSession, filters: Filters, now: datetime) -> Found:
    """Listed groups matching `filters`, soonest meeting first, one page of them.
    With a meeting filter, a group shows only its meetings that match."""
    groups = [
        g
        for g in await session.scalars(select(Group).where(Group.listed.is_(True)))
        if group_matches(filters, g.name, g.description, g.topics, g.language)
    ]
    window = MATCH_WINDOW if filters.timed else NEXT_MEETINGS
    upcoming = await _upcoming(session, [g.id for g in groups], now, window)
    matched: list[tuple[Group, list[Meeting]]] = []
    for g in groups:
        meetings = upcoming[g.id]
        if filters.timed:
            meetings = [
                m for m in meetings if meeting_matches(filters, m.starts_at, m.ends_at, now)
            ]
            if not meetings:
                continue
        matched.append((g, meetings))
    far = now + timedelta(days=36500)
    matched.sort(key=lambda gm: (gm[1][0].starts_at if gm[1] else far, gm[0].name, gm[0].id))
    start = (filters.page - 1) * filters.per_page
    shown = matched[start : start + filters.per_page]
    return Found(len(matched), [describe(app, g, ms, now) for g, ms in shown])
