"""Telling open rooms about changes made through the HTTP API.

A room takes its meeting and its group as they are when it opens; without this,
people would stay in a cancelled or deleted meeting until its scheduled end, and
a crisis line pinned during a meeting would only show up at the next one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import protocol
from server.clock import now_ms, utc_now
from server.context import AppContext
from server.db.formats import meeting_format
from server.db.models import Group, Meeting, Resource
from server.db.resources import group_resources, room_resources
from server.log.base import LogUnavailable
from server.room_setup import room_config
from server.schedule import status

log = logging.getLogger("hearth.api")


def open_now(app: AppContext, meeting: Meeting) -> bool:
    """Whether the meeting's room admits people now (so people may be in it)."""
    state = status(
        meeting.starts_at,
        meeting.ends_at,
        meeting.cancelled,
        meeting.ended_at,
        utc_now(),
        app.settings.room_open_minutes,
    )
    return state == "open"


async def open_meetings(app: AppContext, session: AsyncSession, group_id: str) -> list[Meeting]:
    upcoming = await session.scalars(
        select(Meeting).where(Meeting.group_id == group_id, Meeting.ends_at > utc_now())
    )
    return [m for m in upcoming if open_now(app, m)]


async def end_rooms(app: AppContext, meeting_ids: Iterable[str]) -> None:
    """Ends these rooms at once: their meetings were called off while open."""
    now = now_ms()
    for meeting_id in meeting_ids:
        # Admission already refuses newcomers; if the log is down, the room ends on schedule.
        await _tell(app, meeting_id, protocol.Close(cancelled=True), now)


async def pin_resources(
    app: AppContext, meetings: Sequence[Meeting], resources: list[Resource]
) -> None:
    """Gives open rooms the group's resources as they are now (crisis lines first)."""
    command = protocol.SetResources(resources=room_resources(resources))
    for meeting in meetings:
        await _tell(app, meeting.id, command, int(meeting.ends_at.timestamp() * 1000))


async def reconfigure_rooms(
    app: AppContext, session: AsyncSession, meetings: Sequence[Meeting]
) -> None:
    """Gives open rooms their meeting, group and format as they are now (after a commit):
    a lobby switched on, a new end, a changed format reach people already in the room."""
    for meeting in meetings:
        # Read again: the database itself may have changed them (a deleted format's
        # format_id is set to null by its foreign key, not through these objects).
        try:
            await session.refresh(meeting)
        except InvalidRequestError:  # deleted meanwhile: its room ends by itself
            continue
        group = await session.get(Group, meeting.group_id, populate_existing=True)
        if group is None:
            continue
        resources = await group_resources(session, group.id)
        plan = await meeting_format(session, meeting)
        config = room_config(app.settings, meeting, group, resources, plan)
        await _tell(app, meeting.id, protocol.Reconfigure(config=config), config.ends_at_ms)


async def _tell(
    app: AppContext, meeting_id: str, command: protocol.SystemCommand, ends_at_ms: int
) -> None:
    if app.hub is None:
        return
    try:
        await app.hub.tell_room(meeting_id, command, ends_at_ms)
    except LogUnavailable:
        log.warning("could not tell an open room about a change (%s)", meeting_id)
