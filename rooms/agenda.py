"""Running the meeting's format: one part after another, each with its settings.

A facilitator moves the room on (`next_segment`, `goto_segment`); one log entry
applies the new part's settings all at once and says so (`segment_started`), so
every worker and every browser switch together. Nothing moves on by itself: the
planned minutes are a guide the facilitator sees overrun, not a timer that cuts
anyone off mid-share.

`next_segment` names the part its sender saw as current: two facilitators who click
"Next" at the same moment move the room on once, not twice.
"""

from __future__ import annotations

from typing import Any

from rooms import config
from rooms import floor as floor_rules
from rooms import protocol as p
from rooms.entry import Ctx, Refused, config_of
from rooms.protocol import iso
from rooms.state import Room

MINUTE_MS = 60_000
MAX_SEGMENTS_RUN = 200  # what the minutes-per-part figures keep; a goto loop stops there


def next_segment(ctx: Ctx, command: p.NextSegment) -> p.Ok:
    room = ctx.room
    agenda = _agenda(room)
    if command.current is not None and command.current != room.agenda_index:
        return p.Ok()  # stale: the room moved on since the sender looked
    index = room.agenda_index + 1
    if index >= len(agenda):
        raise Refused("not_allowed", "This is the last part of the meeting.")
    _start(ctx, index)
    return p.Ok()


def goto_segment(ctx: Ctx, command: p.GotoSegment) -> p.Ok:
    room = ctx.room
    agenda = _agenda(room)
    if command.index >= len(agenda):
        raise Refused("bad_request", f"This meeting's format has {len(agenda)} parts.")
    if command.index != room.agenda_index:
        _start(ctx, command.index)
    return p.Ok()


def _agenda(room: Room) -> list[config.Segment]:
    agenda = config_of(room).agenda
    if not agenda:
        raise Refused("not_allowed", "This meeting has no format to follow.")
    return agenda


def _start(ctx: Ctx, index: int) -> None:
    room = ctx.room
    segment = config_of(room).agenda[index]
    room.agenda_index = index
    room.segments_run.append((index, ctx.at))
    if len(room.segments_run) > MAX_SEGMENTS_RUN:
        del room.segments_run[0]
    room.settings.update(segment.settings)
    ctx.emit("segment_started", {"segment": segment_view(room)})
    if segment.kind == "round":
        if any(x.role == "attendee" and not x.muted for x in room.present()):
            floor_rules.start_round(ctx)
    elif room.round is not None:
        floor_rules.end_round(ctx)


def started_at_ms(room: Room) -> int | None:
    return room.segments_run[-1][1] if room.agenda_index >= 0 and room.segments_run else None


def segment_view(room: Room) -> dict[str, Any] | None:
    """The current part: what it is, when it started and is planned to end, and the
    room's settings now (the part's own applied over the room's)."""
    started = started_at_ms(room)
    if started is None:
        return None
    segment = config_of(room).agenda[room.agenda_index]
    return {
        "index": room.agenda_index,
        "title": segment.title,
        "kind": segment.kind,
        "minutes": segment.minutes,
        "reading": segment.reading,
        "invite_commitment": segment.invite_commitment,
        "started_at": iso(started),
        "ends_at": iso(started + segment.minutes * MINUTE_MS),
        "settings": room.settings.as_dict(),
    }


def agenda_view(room: Room) -> dict[str, Any] | None:
    """`welcome.agenda`: the whole format and where the room is in it."""
    config = config_of(room)
    if not config.agenda:
        return None
    return {
        "format": config.format_name,
        "segments": [
            {
                "title": s.title,
                "kind": s.kind,
                "minutes": s.minutes,
                "reading": s.reading,
                "invite_commitment": s.invite_commitment,
            }
            for s in config.agenda
        ],
        "current": segment_view(room),
    }


def minutes_per_segment(room: Room, now_ms: int) -> list[int]:
    """Whole minutes the room spent in each part, by index (a part visited twice adds up)."""
    used = [0] * len(config_of(room).agenda)
    runs = room.segments_run
    for i, (index, started) in enumerate(runs):
        ended = runs[i + 1][1] if i + 1 < len(runs) else now_ms
        if index < len(used):
            used[index] += max(0, ended - started)
    return [round(ms / MINUTE_MS) for ms in used]
