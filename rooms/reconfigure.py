"""An open room follows its organiser's edits: the meeting, its group, its format.

A room used to keep the config it opened with, so a lobby switched on at 18:55 did
nothing for a room opened at 18:46, and a meeting lengthened while it ran still
closed at the old end. The server now sends the config as it is after each edit
(`reconfigure`), and this applies it in one entry on every worker.

What the organiser changed wins over the room's own settings, and only that: a
group's lobby switched on turns the room's lobby on, but a facilitator's slow mode or
crosstalk stays unless the organiser changed that group setting too. A new end in
the past closes the room at its next timer; people already in stay when the
capacity goes down.
"""

from __future__ import annotations

from rooms import agenda, config, views
from rooms import protocol as p
from rooms.entry import Ctx, config_of
from rooms.state import Room

# Group settings that are also live room settings (rooms/state.Settings).
ROOM_SETTINGS = ("crosstalk", "share_seconds", "lobby")
MEETING_FIELDS = ("title", "group_name", "language", "starts_at_ms", "ends_at_ms")


def reconfigure(ctx: Ctx, command: p.Reconfigure) -> p.Ok:
    room = ctx.room
    old, new = config_of(room), command.config
    if new.meeting_id != old.meeting_id or new == old:
        return p.Ok()
    room.config = new
    changed = [n for n in ROOM_SETTINGS if getattr(old, n) != getattr(new, n)]
    for name in changed:
        setattr(room.settings, name, getattr(new, name))
    if changed:
        ctx.emit("settings_changed", {"settings": room.settings.as_dict()})
    if any(getattr(old, n) != getattr(new, n) for n in MEETING_FIELDS):
        ctx.emit("meeting_changed", {"meeting": views.meeting_view(room)})
    if old.resources != new.resources:
        ctx.emit("resources_changed", {"resources": config.resource_dicts(new.resources)})
    if (old.agenda, old.format_name) != (new.agenda, new.format_name):
        _follow_agenda(room, new.agenda)
        ctx.emit("agenda_changed", {"agenda": agenda.agenda_view(room)})
    return p.Ok()


def _follow_agenda(room: Room, new: list[config.Segment]) -> None:
    """Keeps the room on its part where the new format still has one by that number."""
    if room.agenda_index >= len(new):
        room.agenda_index = len(new) - 1
