"""apply(room, submission, at_ms) -> Result: the rules of a meeting, deterministically.

Every worker applies the same log entries in the same order and gets the same
events, so nothing here reads a clock or a random source: time is `at_ms` from
the log, randomness is a seed carried in the command.
"""

from __future__ import annotations

import msgspec

from rooms import (
    agenda,
    alerts,
    chair,
    messages,
    moderation,
    names,
    polls,
    reconfigure,
    tally,
    whispers,
)
from rooms import config as room_config
from rooms import floor as floor_rules
from rooms import protocol as p
from rooms.entry import (
    Closing,
    Ctx,
    Effect,
    Forget,
    Greet,
    Refused,
    Result,
    config_of,
    message_of,
)
from rooms.state import (
    FACILITATORS,
    Participant,
    Room,
)

__all__ = [
    "Closing",
    "Effect",
    "Forget",
    "Greet",
    "Result",
    "apply",
    "due_actions",
    "next_deadline_ms",
]


def apply(room: Room, submission: p.Submission, at_ms: int) -> Result:
    if room.departed:
        moderation.forget_departed(room)
    ctx = Ctx(room, at_ms)
    command = submission.command
    try:
        if isinstance(command, p.Open):
            outcome: p.Ok | p.Err = _open(ctx, command)
        elif room.config is None:
            raise Refused("meeting_not_found", "This room has not been opened.")
        elif room.ended:
            raise Refused("meeting_ended", "The meeting has ended.")
        elif submission.actor is None:
            outcome = _system(ctx, command)
        else:
            outcome = _client(ctx, submission.actor, command)
    except Refused as refusal:
        return Result(ctx.events, p.Err(refusal.code, refusal.message), ctx.effects)
    if isinstance(outcome, p.Ok) and outcome.seq is None and ctx.events:
        outcome = p.Ok(ctx.events[0].seq, outcome.participant_id, outcome.waiting)
    return Result(ctx.events, outcome, ctx.effects)


# System commands ------------------------------------------------------------------


def _open(ctx: Ctx, command: p.Open) -> p.Ok:
    room = ctx.room
    if room.config is None:
        c = command.config
        room.config = c
        room.settings.crosstalk = c.crosstalk
        room.settings.share_seconds = c.share_seconds
        room.settings.lobby = c.lobby
    return p.Ok()


def _system(ctx: Ctx, command: p.Command) -> p.Ok:
    if isinstance(command, p.Join):
        return _join(ctx, command)
    if isinstance(command, p.Resume):
        return _resume(ctx, command)
    if isinstance(command, p.Disconnect):
        person = ctx.room.participants.get(command.participant_id)
        if (
            person is not None
            and person.status != "gone"
            and person.conn == command.conn
            and person.disconnected_at_ms is None
        ):
            person.disconnected_at_ms = ctx.at
            chair.review(ctx, person)
        return p.Ok()
    if isinstance(command, p.Timeout):
        person = ctx.room.participants.get(command.participant_id)
        grace = config_of(ctx.room).grace_seconds * 1000
        if (
            person is not None
            and person.status != "gone"
            and person.disconnected_at_ms is not None
            and ctx.at >= person.disconnected_at_ms + grace
        ):
            moderation.depart(ctx, person, "timeout")
            chair.review(ctx, person)
        return p.Ok()
    if isinstance(command, p.Expire):
        floor = ctx.room.floor
        if (
            floor is not None
            and floor.turn_id == command.turn_id
            and floor.paused_left_ms is None
            and ctx.at >= floor.ends_at_ms
        ):
            floor_rules.release(ctx, "expired")
            floor_rules.next_in_round(ctx)
        return p.Ok()
    if isinstance(command, p.SetResources):
        config = config_of(ctx.room)
        if command.resources != config.resources:
            ctx.room.config = msgspec.structs.replace(config, resources=command.resources)
            ctx.emit(
                "resources_changed", {"resources": room_config.resource_dicts(command.resources)}
            )
        return p.Ok()
    if isinstance(command, p.Reconfigure):
        return reconfigure.reconfigure(ctx, command)
    if isinstance(command, p.Close):
        if command.cancelled or ctx.at >= config_of(ctx.room).ends_at_ms:
            moderation.end(ctx, None)
        return p.Ok()
    raise Refused("bad_request", "Not a system command.")


def _join(ctx: Ctx, command: p.Join) -> p.Ok:
    room = ctx.room
    config = config_of(room)
    if command.token_hash in room.removed_tokens:
        raise Refused("removed", "You were removed from this meeting.")
    facilitator = command.role == "facilitator"
    taken = {x.pseudonym for x in room.participants.values() if x.status != "gone"}
    if command.pseudonym is None or not command.pseudonym.strip():
        pseudonym = names.generate(command.name_seed, config.language, taken)
    else:
        pseudonym = names.normalise(command.pseudonym)
        problem = names.problem(pseudonym)
        if problem is not None:
            raise Refused("pseudonym_invalid", problem)
        if not facilitator and names.reserved(pseudonym):
            raise Refused("pseudonym_invalid", "That name is kept for those running the meeting.")
        if names.key(pseudonym) in {names.key(t) for t in taken}:
            raise Refused("pseudonym_taken", "Someone here already has that name.")
    if not facilitator:
        if room.settings.locked:
            raise Refused("room_locked", "The room is locked.")
        seated = [x for x in room.participants.values() if x.status != "gone"]
        if len(seated) >= config.capacity:
            # A seat kept for a dropped attendee in their grace period goes to the newcomer:
            # the longest gone leaves as on grace expiry, so dropping and rejoining cannot
            # keep a room full with nobody in it.
            dropped = [
                x for x in seated if x.disconnected_at_ms is not None and x.role != "facilitator"
            ]
            if not dropped:
                raise Refused("room_full", "The room is full.")
            longest = min(dropped, key=lambda x: (x.disconnected_at_ms, x.order))
            moderation.depart(ctx, longest, "timeout")
    room.counter_participants += 1
    waiting = not facilitator and (
        command.waiting
        or (not command.lobby_exempt and (room.settings.lobby or chair.lobby_for_newcomers(room)))
    )
    person = Participant(
        id=f"p{room.counter_participants}",
        pseudonym=pseudonym,
        role=command.role,
        status="waiting" if waiting else "in",
        token_hash=command.token_hash,
        conn=command.conn,
        order=room.counter_participants,
        muted=command.muted and not facilitator,
        device_hash=command.device_hash,
    )
    room.participants[person.id] = person
    if waiting:
        ctx.emit("knock", {"participant_id": person.id, "pseudonym": pseudonym}, FACILITATORS)
        alerts.raise_alert(ctx, "knock", person.id, pseudonym)
    else:
        ctx.emit("joined", {"participant": person.public()})
        person.admitted_seq = room.event_seq
        tally.let_in(room, person, from_lobby=False)
        chair.review(ctx, person)
    return p.Ok(participant_id=person.id, waiting=waiting)


def _resume(ctx: Ctx, command: p.Resume) -> p.Ok:
    room = ctx.room
    if command.token_hash in room.removed_tokens:
        raise Refused("removed", "You were removed from this meeting.")
    for person in room.participants.values():
        if person.token_hash == command.token_hash and person.status != "gone":
            person.conn = command.conn
            person.disconnected_at_ms = None
            chair.review(ctx, person)
            return p.Ok(participant_id=person.id, waiting=person.status == "waiting")
    raise Refused("resume_failed", "That session has expired; join again.")


# Client commands -----------------------------------------------------------------


def _client(ctx: Ctx, actor: str, command: p.Command) -> p.Ok:
    person = ctx.room.participants.get(actor)
    if person is None or person.status == "gone":
        raise Refused("not_allowed", "You are not in this meeting.")
    if isinstance(command, p.Leave):
        moderation.depart(ctx, person, "left")
        chair.review(ctx, person)
        return p.Ok()
    if person.status == "waiting":
        raise Refused("not_allowed", "Wait for a facilitator to let you in.")
    if type(command) in _FACILITATOR_ONLY and person.role != "facilitator":
        raise Refused("not_allowed", "Only a facilitator may do that.")
    match command:
        case p.Say():
            return messages.say(ctx, person, command)
        case p.RaiseHand():
            return floor_rules.raise_hand(ctx, person)
        case p.LowerHand():
            floor_rules.drop_hand(ctx, person)
            return p.Ok()
        case p.Yield():
            return floor_rules.yield_floor(ctx, person)
        case p.Pass():
            return floor_rules.pass_turn(ctx, person)
        case p.React():
            return messages.react(ctx, person, command)
        case p.Retract():
            return messages.retract(ctx, person, command)
        case p.Help():
            return alerts.ask_help(ctx, person, command)
        case p.Report():
            return alerts.report(ctx, person, message_of(ctx.room, command.message_id), command)
        case p.Whisper():
            return whispers.whisper(ctx, person, command)
        case p.ClaimAlert():
            alerts.claim(ctx, person, command.alert_id)
            return p.Ok()
        case p.ResolveAlert():
            alerts.resolve(ctx, alerts.alert_of(ctx.room, command.alert_id))
            return p.Ok()
        case p.Grant():
            return floor_rules.grant(ctx, command)
        case p.Revoke():
            return floor_rules.revoke(ctx)
        case p.ExtendFloor():
            return floor_rules.extend_floor(ctx, command)
        case p.StartRound():
            return floor_rules.start_round(ctx)
        case p.EndRound():
            return floor_rules.end_round(ctx)
        case p.Mute():
            return moderation.mute(ctx, person, command)
        case p.Unmute():
            return moderation.unmute(ctx, person, command)
        case p.Remove():
            return moderation.remove(ctx, command)
        case p.Delete():
            return moderation.delete(ctx, person, command)
        case p.Admit():
            return moderation.admit(ctx, command)
        case p.Deny():
            return moderation.deny(ctx, command)
        case p.SettingsChange():
            return moderation.change_settings(ctx, command)
        case p.NextSegment():
            return agenda.next_segment(ctx, command)
        case p.GotoSegment():
            return agenda.goto_segment(ctx, command)
        case p.End():
            moderation.end(ctx, person.id)
            return p.Ok()
        case p.Promote():
            return chair.promote(ctx, person, command)
        case p.Demote():
            return chair.demote(ctx, person, command)
        case p.PollStart():
            return polls.start(ctx, command)
        case p.Vote():
            return polls.vote(ctx, person, command)
        case p.PollClose():
            return polls.close(ctx, command)
    raise Refused("bad_request", "Not a room command.")


_FACILITATOR_ONLY: frozenset[type] = frozenset({
    p.Grant, p.Revoke, p.ExtendFloor, p.StartRound, p.EndRound, p.Mute, p.Unmute, p.Remove,
    p.Delete, p.Admit, p.Deny, p.SettingsChange, p.End, p.ClaimAlert, p.ResolveAlert,
    p.Promote, p.Demote,
    p.NextSegment, p.GotoSegment,
    p.PollStart, p.PollClose,
})  # fmt: skip


# Timers --------------------------------------------------------------------------------


def due_actions(room: Room, now_ms: int) -> list[p.Command]:
    """The timer entries due at `now_ms`; the reducer ignores any that turn out stale."""
    if room.config is None or room.ended:
        return []
    due: list[p.Command] = []
    if now_ms >= room.config.ends_at_ms:
        return [p.Close()]
    floor = room.floor
    if floor is not None and floor.paused_left_ms is None and now_ms >= floor.ends_at_ms:
        due.append(p.Expire(turn_id=floor.turn_id))
    grace = room.config.grace_seconds * 1000
    for person in room.participants.values():
        gone_at = person.disconnected_at_ms
        if person.status != "gone" and gone_at is not None and now_ms >= gone_at + grace:
            due.append(p.Timeout(participant_id=person.id))
    return due


def next_deadline_ms(room: Room) -> int | None:
    if room.config is None or room.ended:
        return None
    deadlines = [room.config.ends_at_ms]
    if room.floor is not None and room.floor.paused_left_ms is None:
        deadlines.append(room.floor.ends_at_ms)
    grace = room.config.grace_seconds * 1000
    deadlines.extend(
        x.disconnected_at_ms + grace
        for x in room.participants.values()
        if x.status != "gone" and x.disconnected_at_ms is not None
    )
    return min(deadlines)
