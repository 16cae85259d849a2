"""A group's formats: the shape of a segment, and which format a meeting follows.

For the room side:
- `meeting_format(session, meeting)` is the meeting's own pick, else its group's
  default, else None (the meeting has no plan: the room runs on the group's settings).
- `segments_of(format)` gives its segments as plain dicts, each
  `{title, kind, minutes, reading, settings, invite_commitment}`: `reading` is None
  when there is none, `settings` holds only the room settings the organiser set for
  that segment (`{}`: keep whatever the room has). Settings keys and bounds are the
  room's own (rooms/protocol.py SettingsChange), plus `queue_open`: whether hands may
  be raised.

The structs here are the one definition of a segment: the API decodes bodies with
them, and `segments_of` re-reads what is stored with them, so a row written by an
older version fails loudly instead of handing a room a segment it cannot run.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.config import QueuePolicy
from server.db.models import Format, Group, Meeting

Kind = Literal["reading", "round", "shares", "discussion", "break", "closing"]
KINDS: tuple[str, ...] = ("reading", "round", "shares", "discussion", "break", "closing")
MAX_SEGMENTS = 30
MAX_TOTAL_MINUTES = 600
MAX_FORMATS = 20  # per group
NAME_MAX, TITLE_MAX, READING_MAX = 80, 80, 4000

# The room's bounds for the same settings (rooms/protocol.py SettingsChange).
ShareSeconds = Annotated[int, msgspec.Meta(ge=30, le=1800)]
SlowModeSeconds = Annotated[int, msgspec.Meta(ge=0, le=300)]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=180)]


class SegmentSettings(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """What a segment sets in the room; a field left out (or null) leaves it as it is."""

    crosstalk: bool | None = None
    share_seconds: ShareSeconds | None = None
    queue_open: bool | None = None
    queue_policy: QueuePolicy | None = None
    slow_mode_seconds: SlowModeSeconds | None = None


class Segment(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    kind: Kind
    minutes: Minutes
    reading: str | None = None
    settings: SegmentSettings | None = None
    # Only a `closing` segment may invite commitments (server/api/formats.py refuses
    # it elsewhere); what attendees write is kept in their browsers, never here.
    invite_commitment: bool = False


Segments = Annotated[list[Segment], msgspec.Meta(min_length=1, max_length=MAX_SEGMENTS)]


def segment_dict(segment: Segment) -> dict[str, Any]:
    """As stored and as the API and the room see it: reading None, settings only those set."""
    settings = msgspec.to_builtins(segment.settings) if segment.settings is not None else {}
    return {
        "title": segment.title,
        "kind": segment.kind,
        "minutes": segment.minutes,
        "reading": segment.reading or None,
        "settings": settings,
        "invite_commitment": segment.invite_commitment,
    }


def segments_of(format: Format) -> list[dict[str, Any]]:
    segments = msgspec.convert(format.segments, list[Segment], strict=True)
    return [segment_dict(s) for s in segments]


def total_minutes(segments: list[dict[str, Any]]) -> int:
    return sum(int(s["minutes"]) for s in segments)


async def group_formats(session: AsyncSession, group_id: str) -> list[Format]:
    rows = await session.scalars(
        select(Format).where(Format.group_id == group_id).order_by(Format.name_key, Format.id)
    )
    return list(rows)


async def format_of_group(session: AsyncSession, group_id: str, format_id: str) -> Format | None:
    if len(format_id) > 32:
        return None
    found: Format | None = await session.scalar(
        select(Format).where(Format.id == format_id, Format.group_id == group_id)
    )
    return found


async def meeting_format(session: AsyncSession, meeting: Meeting) -> Format | None:
    format_id = meeting.format_id
    if format_id is None:
        format_id = await session.scalar(
            select(Group.format_id).where(Group.id == meeting.group_id)
        )
    if format_id is None:
        return None
    return await format_of_group(session, meeting.group_id, format_id)
