"""The floor, raised hands and go-around rounds: who may speak, and for how long."""

from __future__ import annotations

from rooms import alerts
from rooms import protocol as p
from rooms.entry import Ctx, Refused, limited, present
from rooms.state import Floor, Participant, Round


def raise_hand(ctx: Ctx, person: Participant) -> p.Ok:
    room = ctx.room
    if person.muted:
        raise Refused("muted", "You are muted.")
    if room.floor is not None and room.floor.participant_id == person.id:
        raise Refused("not_allowed", "You have the floor already.")
    if person.hand_raised_at is None:
        limited(alerts.take_hand(room, person, ctx.at))
        room.counter_hands += 1
        person.hand_raised_at = room.counter_hands
        ctx.emit("hand_raised", {"participant_id": person.id, "queue": room.queue()})
    return p.Ok()


def yield_floor(ctx: Ctx, person: Participant) -> p.Ok:
    if ctx.room.floor is None or ctx.room.floor.participant_id != person.id:
        raise Refused("not_your_turn", "You do not have the floor.")
    release(ctx, "yielded")
    next_in_round(ctx)
    return p.Ok()


def pass_turn(ctx: Ctx, person: Participant) -> p.Ok:
    room = ctx.room
    if room.floor is None or room.floor.participant_id != person.id or room.round is None:
        raise Refused("not_your_turn", "You can pass only on your turn in a round.")
    # A pass is not a share: neither the statistics nor "fewest shares first" count it.
    person.shares -= 1
    release(ctx, "passed")
    next_in_round(ctx)
    return p.Ok()


def grant(ctx: Ctx, command: p.Grant) -> p.Ok:
    room = ctx.room
    if command.participant_id is None:
        queue = room.queue()
        if not queue:
            raise Refused("queue_empty", "Nobody has raised a hand.")
        target = room.participants[queue[0]]
    else:
        target = present(room, command.participant_id)
    if target.muted:
        raise Refused("muted", "That participant is muted.")
    give_floor(ctx, target)
    return p.Ok()


def revoke(ctx: Ctx) -> p.Ok:
    if ctx.room.floor is None:
        raise Refused("not_allowed", "Nobody has the floor.")
    release(ctx, "revoked")
    next_in_round(ctx)
    return p.Ok()


def extend_floor(ctx: Ctx, command: p.ExtendFloor) -> p.Ok:
    """Moves the running share's end later; the timers read it from the room, so the
    expiry moves with it."""
    floor = ctx.room.floor
    if floor is None:
        raise Refused("not_allowed", "Nobody has the floor.")
    floor.ends_at_ms += command.seconds * 1000
    ctx.emit(
        "floor_extended",
        {
            "participant_id": floor.participant_id,
            "turn_id": floor.turn_id,
            "ends_at": p.iso(floor.ends_at_ms),
        },
    )
    return p.Ok()


def start_round(ctx: Ctx) -> p.Ok:
    room = ctx.room
    order = [x.id for x in sorted(room.present(), key=lambda x: x.order)
             if x.role == "attendee" and not x.muted]  # fmt: skip
    if not order:
        raise Refused("not_allowed", "There is nobody to go around.")
    if room.round is not None:
        ctx.emit("round_ended", {})
    if room.floor is not None:
        release(ctx, "revoked")  # the round starts with its first person
    room.round = Round(order)
    ctx.emit("round_started", {"order": list(order)})
    next_in_round(ctx, start=True)
    return p.Ok()


def end_round(ctx: Ctx) -> p.Ok:
    room = ctx.room
    if room.round is None:
        raise Refused("not_allowed", "No round is going on.")
    if room.floor is not None and room.floor.participant_id in room.round.order:
        release(ctx, "revoked")
    room.round = None
    ctx.emit("round_ended", {})
    return p.Ok()


def drop_hand(ctx: Ctx, person: Participant) -> None:
    if person.hand_raised_at is not None:
        person.hand_raised_at = None
        ctx.emit("hand_lowered", {"participant_id": person.id, "queue": ctx.room.queue()})


def give_floor(ctx: Ctx, target: Participant) -> None:
    room = ctx.room
    if room.floor is not None:
        release(ctx, "revoked")
    if target.hand_raised_at is not None:
        drop_hand(ctx, target)
    room.counter_turns += 1
    ends = ctx.at + room.settings.share_seconds * 1000
    room.floor = Floor(target.id, room.counter_turns, ctx.at, ends)
    target.shares += 1
    ctx.emit(
        "floor_granted",
        {"participant_id": target.id, "turn_id": room.counter_turns, "ends_at": p.iso(ends)},
    )


def release(ctx: Ctx, reason: str) -> None:
    room = ctx.room
    floor = room.floor
    if floor is None:
        return
    room.floor = None
    holder = room.participants.get(floor.participant_id)
    if holder is not None and reason != "passed":
        holder.held_ms += max(0, min(ctx.at, floor.ends_at_ms) - floor.started_at_ms)
    ctx.emit(
        "floor_released",
        {"participant_id": floor.participant_id, "turn_id": floor.turn_id, "reason": reason},
    )


def next_in_round(ctx: Ctx, start: bool = False) -> None:
    """In a round, the floor moves to the next attendee still here, or the round ends.

    Not while the chair is empty: the round waits there for a facilitator."""
    room = ctx.room
    rnd = room.round
    if rnd is None or room.floor is not None or room.chair == "empty":
        return
    index = rnd.index if start else rnd.index + 1
    while index < len(rnd.order):
        target = room.participants.get(rnd.order[index])
        if target is not None and target.status == "in" and not target.muted:
            rnd.index = index
            give_floor(ctx, target)
            return
        index += 1
    room.round = None
    ctx.emit("round_ended", {})
