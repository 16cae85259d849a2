"""What facilitators do to people and messages, and how anyone leaves the room."""

from __future__ import annotations

from typing import Literal

from rooms import alerts, tally
from rooms import protocol as p
from rooms.entry import Ctx, Refused, message_of, present, waiting_person
from rooms.floor import drop_hand, next_in_round, release
from rooms.messages import withdraw
from rooms.state import (
    ALL,
    FACILITATORS,
    MAX_DEPARTED_SPEAKERS,
    Participant,
    Room,
    SpeakerStat,
    facilitators_and,
    only,
)


def mute(ctx: Ctx, person: Participant, command: p.Mute) -> p.Ok:
    target = present(ctx.room, command.participant_id)
    if target.role == "facilitator":
        raise Refused("not_allowed", "Facilitators cannot be muted.")
    if not target.muted:
        target.muted = True
        ctx.emit("muted", {"participant_id": target.id, "by": person.id})
        drop_hand(ctx, target)
        if ctx.room.floor is not None and ctx.room.floor.participant_id == target.id:
            release(ctx, "revoked")
            next_in_round(ctx)
    return p.Ok()


def unmute(ctx: Ctx, person: Participant, command: p.Unmute) -> p.Ok:
    target = present(ctx.room, command.participant_id)
    if target.muted:
        target.muted = False
        ctx.emit("unmuted", {"participant_id": target.id, "by": person.id})
    return p.Ok()


def remove(ctx: Ctx, command: p.Remove) -> p.Ok:
    target = ctx.room.participants.get(command.participant_id)
    if target is None or target.status == "gone":
        raise Refused("no_such_participant", "No such participant.")
    if target.role == "facilitator":
        raise Refused("not_allowed", "Facilitators cannot be removed.")
    ctx.room.removed_tokens.add(target.token_hash)
    depart(ctx, target, "removed")
    # The same browser in another tab is the same person: it goes too, or the removal
    # would not stick until that tab is closed.
    if target.device_hash is not None:
        for other in list(ctx.room.participants.values()):
            if (
                other.device_hash == target.device_hash
                and other.status != "gone"
                and other.role != "facilitator"
            ):
                ctx.room.removed_tokens.add(other.token_hash)
                depart(ctx, other, "removed")
    return p.Ok()


def delete(ctx: Ctx, person: Participant, command: p.Delete) -> p.Ok:
    message = message_of(ctx.room, command.message_id)
    withdraw(ctx, message, person.id, retracted=False)
    return p.Ok()


def admit(ctx: Ctx, command: p.Admit) -> p.Ok:
    target = waiting_person(ctx.room, command.participant_id)
    target.status = "in"
    ctx.emit("admitted", {"participant_id": target.id}, only(target.id))
    ctx.greet(target.id)
    ctx.emit("joined", {"participant": target.public()})
    target.admitted_seq = ctx.room.event_seq
    tally.let_in(ctx.room, target, from_lobby=True)
    alerts.resolve_knock(ctx, target.id)
    return p.Ok()


def deny(ctx: Ctx, command: p.Deny) -> p.Ok:
    target = waiting_person(ctx.room, command.participant_id)
    target.status = "gone"
    ctx.room.departed.append(target.id)
    ctx.emit("denied", {"participant_id": target.id}, facilitators_and(target.id))
    ctx.close(
        target.id,
        p.CloseCode.FORBIDDEN,
        "denied",
        p.Err("denied", "A facilitator did not admit you."),
    )
    alerts.resolve_knock(ctx, target.id)
    return p.Ok()


def change_settings(ctx: Ctx, command: p.SettingsChange) -> p.Ok:
    ctx.room.settings.update(command)
    ctx.emit("settings_changed", {"settings": ctx.room.settings.as_dict()})
    return p.Ok()


def depart(ctx: Ctx, person: Participant, reason: Literal["left", "removed", "timeout"]) -> None:
    room = ctx.room
    waiting = person.status == "waiting"
    if room.floor is not None and room.floor.participant_id == person.id:
        release(ctx, "left")
        person.status = "gone"
        next_in_round(ctx)
    person.status = "gone"
    person.hand_raised_at = None
    room.departed.append(person.id)
    body = {"participant_id": person.id, "reason": reason}
    ctx.emit("left", body, FACILITATORS if waiting else ALL)
    if waiting:
        alerts.resolve_knock(ctx, person.id)
    if reason == "removed":
        refusal = p.Err("removed", "A facilitator removed you from this meeting.")
        ctx.close(person.id, p.CloseCode.FORBIDDEN, "removed", refusal)
    elif reason == "timeout":
        # Only a worker that was stopped past the grace still holds a connection here.
        ctx.close(person.id, p.CloseCode.TRY_AGAIN, "timed out")
    else:
        ctx.close(person.id, p.CloseCode.NORMAL, "left")


def forget_departed(room: Room) -> None:
    """Frees those who went in the previous entry, keeping only what rules need: the
    removed tokens (kept apart), the ordinal counter, and a speaker's statistics."""
    for pid in room.departed:
        person = room.participants.pop(pid, None)
        if person is not None and person.shares:
            stat = SpeakerStat(pid, person.pseudonym, person.order, person.shares, person.held_ms)
            room.departed_speakers[pid] = stat
            if len(room.departed_speakers) > MAX_DEPARTED_SPEAKERS:
                del room.departed_speakers[next(iter(room.departed_speakers))]
    room.departed.clear()


def end(ctx: Ctx, by: str | None) -> None:
    room = ctx.room
    if room.floor is not None:
        release(ctx, "revoked")
    room.round = None
    room.ended = True
    room.ended_at_ms = ctx.at
    ctx.emit("meeting_ended", {"by": by})
    ctx.close(None, p.CloseCode.NORMAL, "meeting ended")
