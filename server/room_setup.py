"""What a room is opened with, and how long its log lives: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from rooms import config, protocol
from server.clock import now_ms
from server.config import Settings
from server.db.formats import segments_of
from server.db.models import Format, Group, Meeting, Resource
from server.db.resources import room_resources


def log_ttl_seconds(ends_at_ms: int, retention_seconds: int) -> int:
    """How long a room log lives: until `retention` after the (scheduled) end."""
    left = int((ends_at_ms - now_ms()) / 1000)
    return max(60, left + retention_seconds)


def room_limits(settings: Settings) -> config.RoomLimits:
    """The room's alert limits (rooms/alerts.py), from the settings."""
    return config.RoomLimits(
        help_interval_seconds=settings.help_interval_seconds,
        reports_per_minute=settings.reports_per_minute,
        hand_raises_per_minute=settings.hand_raises_per_minute,
        room_alerts_per_minute=settings.room_alerts_per_minute,
    )


def room_agenda(plan: Format | None) -> list[config.Segment]:
    """A format's parts as the room core runs them (none: the meeting has no format)."""
    if plan is None:
        return []
    return msgspec.convert(segments_of(plan), list[config.Segment])


def room_config(
    settings: Settings,
    meeting: Meeting,
    group: Group,
    resources: list[Resource],
    plan: Format | None,
) -> config.RoomConfig:
    """What a room runs on, from its meeting and group as they are now: when the room
    opens, and again whenever an organiser edits either while it is open."""
    return config.RoomConfig(
        meeting_id=meeting.id,
        title=meeting.title or group.name,
        group_name=group.name,
        language=group.language,
        starts_at_ms=int(meeting.starts_at.timestamp() * 1000),
        ends_at_ms=int(meeting.ends_at.timestamp() * 1000),
        capacity=group.capacity,
        lobby=group.lobby,
        late_joiners_see_history=group.late_joiners_see_history,
        share_seconds=group.share_seconds,
        crosstalk=group.crosstalk,
        grace_seconds=settings.resume_grace_seconds,
        lobby_when_unattended=group.lobby_when_unattended,
        resources=room_resources(resources),
        limits=room_limits(settings),
        links_from_facilitators_only=group.links_from_facilitators_only,
        masked_words=tuple(group.masked_words or ()),
        format_name=plan.name if plan is not None else None,
        agenda=room_agenda(plan),
        group_id=group.id,
    )


@dataclass(frozen=True, slots=True)
class RoomSetup:
    """The room's config (as of opening time), and what the server keeps beside it."""

    config: config.RoomConfig
    group_id: str
    retention_seconds: int

    @property
    def meeting_id(self) -> str:
        return self.config.meeting_id

    def ttl_seconds(self) -> int:
        return log_ttl_seconds(self.config.ends_at_ms, self.retention_seconds)

    def open_command(self) -> protocol.Open:
        return protocol.Open(config=self.config)
