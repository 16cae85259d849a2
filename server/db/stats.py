"""Writing and reading the figures a meeting leaves (rooms/tally.py), one row each.

Every worker holding a room sees it end and offers the same tally, and a worker whose
last connection to a room goes offers the tally as it stands (nobody may be left to see
the scheduled end). So the write is one INSERT that, when the row is there, replaces it
only with a later tally of the room: an ended one over one that was not, else a higher
event seq. Identical offers from several workers change nothing, and an ended row is
never replaced. A failed write is logged and dropped: the figures are a courtesy to the
organiser, never a reason to hold a room up.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rooms.tally import MeetingTally
from server.db.models import Meeting, MeetingStats, utcnow

log = logging.getLogger("hearth.stats")


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


async def record_meeting_stats(
    db: async_sessionmaker[AsyncSession], group_id: str, tally: MeetingTally
) -> None:
    """Stores a meeting's tally, or a later one over it; never raises (a deleted
    meeting, a database down)."""
    values = {
        "meeting_id": tally.meeting_id,
        "group_id": group_id,
        "starts_at": _at(tally.starts_at_ms),
        "ended_at": _at(tally.ended_at_ms),
        "peak_present": tally.peak_present,
        "attended": tally.attended,
        "let_in": tally.let_in,
        "shares": tally.shares,
        "polls": tally.polls,
        "format_name": tally.format_name,
        "segments": [{"title": s.title, "minutes": s.minutes} for s in tally.segments],
        "seq": tally.seq,
        "final": tally.final,
        "recorded_at": utcnow(),
    }
    try:
        async with db() as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = insert(MeetingStats).values(**values)
            row, offered = MeetingStats.__table__.c, statement.excluded
            later = ~row.final & (offered.final | (offered.seq > row.seq))
            changed = {k: offered[k] for k in values if k != "meeting_id"}
            upsert = statement.on_conflict_do_update(
                index_elements=["meeting_id"], set_=changed, where=later
            )
            await session.execute(upsert)
            await session.commit()
    except Exception as exc:
        log.warning("could not record a meeting's figures: %s", type(exc).__name__)


async def group_stats(
    session: AsyncSession,
    group_id: str,
    start: datetime | None,
    end: datetime | None,
    limit: int,
) -> list[tuple[MeetingStats, str]]:
    """A group's rows by start, newest first, each with its meeting's title: those
    starting from `start` and before `end`."""
    query = (
        select(MeetingStats, Meeting.title)
        .join(Meeting, Meeting.id == MeetingStats.meeting_id)
        .where(MeetingStats.group_id == group_id)
    )
    if start is not None:
        query = query.where(MeetingStats.starts_at >= start)
    if end is not None:
        query = query.where(MeetingStats.starts_at < end)
    order = (MeetingStats.starts_at.desc(), MeetingStats.meeting_id.desc())
    result = await session.execute(query.order_by(*order).limit(limit))
    return [(row, title) for row, title in result]
