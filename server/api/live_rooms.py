"""Ending rooms whose meeting the organiser called off while they were open.

Without this, people would stay in a cancelled (or deleted) meeting's room until
its scheduled end, with nobody able to see the meeting any more.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from server.context import AppContext
from server.db.models import Meeting, utcnow
from server.log.base import LogUnavailable
from server.schedule import status

log = logging.getLogger("hearth.api")


def open_now(app: AppContext, meeting: Meeting) -> bool:
    """Whether the meeting's room admits people now (so people may be in it)."""
    return (
        status(
            meeting.starts_at,
            meeting.ends_at,
            meeting.cancelled,
            meeting.ended_at,
            utcnow(),
            app.settings.room_open_minutes,
        )
        == "open"
    )


async def end_rooms(app: AppContext, meeting_ids: Iterable[str]) -> None:
    if app.hub is None:
        return
    for meeting_id in meeting_ids:
        try:
            await app.hub.end_room(meeting_id)
        except LogUnavailable:
            # Admission already refuses them; the room ends on its schedule instead.
            log.warning("could not end the room of a called-off meeting (%s)", meeting_id)
