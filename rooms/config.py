"""What a room is opened with: the meeting, its group's settings, its format.

The servers build a RoomConfig from the database (server/room_setup.py) and append it
in `open` and `reconfigure`; every replica then reads the same values from the log, so
nothing here is looked up again while the room runs.
"""

from __future__ import annotations

from typing import Literal

import msgspec

QueuePolicy = Literal["fifo", "fewest_shares_first"]


class ResourceInfo(msgspec.Struct, frozen=True):
    title: str
    url: str
    kind: str


def resource_dicts(resources: list[ResourceInfo]) -> list[dict[str, str]]:
    """As clients see them, in `welcome` and `resources_changed`."""
    return [{"title": r.title, "url": r.url, "kind": r.kind} for r in resources]


class RoomLimits(msgspec.Struct, frozen=True):
    """How often anyone may alert the facilitators (rooms/alerts.py); the defaults are
    the settings' (docs/operations.md, "Limits and abuse")."""

    help_interval_seconds: int = 60  # one help request per participant per interval
    reports_per_minute: int = 5  # per participant
    hand_raises_per_minute: int = 6  # per participant
    room_alerts_per_minute: int = 30  # help requests and reports, the whole room


SegmentKind = Literal["reading", "round", "shares", "discussion", "break", "closing"]


class SegmentSettings(msgspec.Struct, frozen=True, omit_defaults=True):
    """The room settings a part of the meeting implies; one left out keeps the room's."""

    crosstalk: bool | None = None
    share_seconds: int | None = None
    queue_open: bool | None = None
    queue_policy: QueuePolicy | None = None
    slow_mode_seconds: int | None = None


class Segment(msgspec.Struct, frozen=True):
    """One part of a meeting's format (organiser content: it may be stored)."""

    title: str
    kind: SegmentKind
    minutes: int
    reading: str | None = None
    settings: SegmentSettings = msgspec.field(default_factory=SegmentSettings)
    # A closing part may invite each attendee to write a commitment for the week. The
    # room only passes the invitation on: what anyone writes stays in their browser.
    invite_commitment: bool = False


class RoomConfig(msgspec.Struct, frozen=True):
    meeting_id: str
    title: str
    group_name: str
    language: str
    starts_at_ms: int
    ends_at_ms: int
    capacity: int
    lobby: bool
    late_joiners_see_history: bool
    share_seconds: int
    crosstalk: bool
    grace_seconds: int = 60
    # Newcomers wait in the lobby while no facilitator is here (the chair is empty).
    lobby_when_unattended: bool = False
    resources: list[ResourceInfo] = []
    limits: RoomLimits = msgspec.field(default_factory=RoomLimits)
    # The group's message guard (rooms/messages.py): links from facilitators only, and
    # the words masked in every message (organiser content, not what anyone said).
    links_from_facilitators_only: bool = False
    masked_words: tuple[str, ...] = ()
    # The meeting's format: its name and parts, in order (empty: no format).
    format_name: str | None = None
    agenda: list[Segment] = []
    # The meeting's group ("" in logs written before it was kept): the browser keys what
    # it keeps for a group (a commitment for the week) by it, without telling the server.
    group_id: str = ""
