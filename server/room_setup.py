"""What a room is opened with, and how long its log lives: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from rooms import protocol
from server.clock import now_ms
from server.config import Settings
from server.db.formats import segments_of
from server.db.models import Format


def log_ttl_seconds(ends_at_ms: int, retention_seconds: int) -> int:
    """How long a room log lives: until `retention` after the (scheduled) end."""
    left = int((ends_at_ms - now_ms()) / 1000)
    return max(60, left + retention_seconds)


def room_limits(settings: Settings) -> protocol.RoomLimits:
    """The room's alert limits (rooms/alerts.py), from the settings."""
    return protocol.RoomLimits(
        help_interval_seconds=settings.help_interval_seconds,
        reports_per_minute=settings.reports_per_minute,
        hand_raises_per_minute=settings.hand_raises_per_minute,
        room_alerts_per_minute=settings.room_alerts_per_minute,
    )


def room_agenda(plan: Format | None) -> list[protocol.Segment]:
    """A format's parts as the room core runs them (none: the meeting has no format)."""
    if plan is None:
        return []
    return msgspec.convert(segments_of(plan), list[protocol.Segment])


@dataclass(frozen=True, slots=True)
class RoomSetup:
    """The room's config (as of opening time), and what the server keeps beside it."""

    config: protocol.RoomConfig
    group_id: str
    retention_seconds: int

    @property
    def meeting_id(self) -> str:
        return self.config.meeting_id

    def ttl_seconds(self) -> int:
        return log_ttl_seconds(self.config.ends_at_ms, self.retention_seconds)

    def open_command(self) -> protocol.Open:
        return protocol.Open(config=self.config)
