"""Co-hosts and the empty chair: who runs the room, and what happens when nobody does.

A facilitator may make an attendee a co-host (`promote`) for this meeting and take
the role back (`demote`). The chair is `held` while a facilitator is here and
connected, `reconnecting` while every facilitator left in the room has dropped but
is still within the grace period, and `empty` once none is left: then the running
share's clock stops (its holder may still write), a go-around does not move on, and
if the group asks for it newcomers wait in the lobby. The first facilitator back
holds the chair again and the share goes on with the time it had left.

Pure, like the reducer: every time is the entry's `at_ms`.
"""

from __future__ import annotations

from rooms import protocol as p
from rooms import views
from rooms.entry import Ctx, Refused
from rooms.floor import drop_hand, next_in_round
from rooms.state import Chair, Participant, Room, only


def promote(ctx: Ctx, person: Participant, command: p.Promote) -> p.Ok:
    target = ctx.room.participants.get(command.participant_id)
    if target is None or target.status == "gone":
        raise Refused("no_such_participant", "No such participant in the room.")
    if target.status == "waiting":
        raise Refused("not_allowed", "Let them in from the lobby first.")
    if target.role == "facilitator":
        raise Refused("not_allowed", "They are a facilitator already.")
    drop_hand(ctx, target)
    if target.muted:
        target.muted = False
        ctx.emit("unmuted", {"participant_id": target.id, "by": person.id})
    target.role = "facilitator"
    target.promoted = True
    _role_changed(ctx, target, person)
    # What a facilitator's welcome has and an attendee's lacks, in the same entry.
    view = {"alerts": views.alerts_view(ctx.room), "lobby": views.lobby_view(ctx.room)}
    ctx.emit("facilitator_view", view, only(target.id))
    review(ctx)
    return p.Ok()


def demote(ctx: Ctx, person: Participant, command: p.Demote) -> p.Ok:
    target = ctx.room.participants.get(command.participant_id)
    if target is None or target.status != "in":
        raise Refused("no_such_participant", "No such participant in the room.")
    if target.id == person.id:
        raise Refused("not_allowed", "You cannot demote yourself.")
    if target.role != "facilitator":
        raise Refused("not_allowed", "They are not a facilitator.")
    if not target.promoted:
        # A co-host must not be able to unseat the facilitator who made them one.
        raise Refused("not_allowed", "Only co-hosts made in this meeting can be demoted.")
    target.role = "attendee"
    target.promoted = False
    _role_changed(ctx, target, person)
    review(ctx)
    return p.Ok()


def _role_changed(ctx: Ctx, target: Participant, by: Participant) -> None:
    body = {
        "participant_id": target.id,
        "pseudonym": target.pseudonym,
        "role": target.role,
        "by": by.id,
    }
    ctx.emit("role_changed", body)
    target.role_seq = ctx.room.event_seq


# The chair ---------------------------------------------------------------------------


def _wanted(room: Room) -> Chair:
    facilitators = [x for x in room.participants.values()
                    if x.role == "facilitator" and x.status == "in"]  # fmt: skip
    if any(x.disconnected_at_ms is None for x in facilitators):
        return "held"
    return "reconnecting" if facilitators else "empty"


def review(ctx: Ctx, about: Participant | None = None) -> None:
    """After a facilitator came, dropped, came back or went (`about`, if it is one): what
    the chair is now. Only then, so a room no facilitator has entered yet stays `held`."""
    if about is not None and about.role != "facilitator":
        return
    room = ctx.room
    wanted = _wanted(room)
    if wanted == room.chair:
        return
    was = room.chair
    room.chair = wanted
    floor = room.floor
    if floor is not None and wanted == "empty" and floor.paused_left_ms is None:
        floor.paused_left_ms = max(0, floor.ends_at_ms - ctx.at)
    elif floor is not None and was == "empty" and floor.paused_left_ms is not None:
        # The pause moves the whole share later: it counts neither as time shared nor
        # in the statistics.
        shift = ctx.at + floor.paused_left_ms - floor.ends_at_ms
        floor.ends_at_ms += shift
        floor.started_at_ms += shift
        floor.paused_left_ms = None
    running = floor is not None and floor.paused_left_ms is None
    ends = p.iso(floor.ends_at_ms) if floor is not None and running else None
    ctx.emit("chair_changed", {"chair": wanted, "floor_ends_at": ends})
    if was == "empty":
        next_in_round(ctx)


def lobby_for_newcomers(room: Room) -> bool:
    """Whether the group sends newcomers to the lobby now that nobody runs the room."""
    return room.chair == "empty" and room.config is not None and room.config.lobby_when_unattended
