"""apply(room, submission, at_ms) -> Result: the rules of a meeting, deterministically.

Every worker applies the same log entries in the same order and gets the same
events, so nothing here reads a clock or a random source: time is `at_ms` from
the log, randomness is a seed carried in the command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

from rooms import alerts, names
from rooms import protocol as p
from rooms.state import (
    ALL,
    FACILITATORS,
    MAX_DEPARTED_SPEAKERS,
    MAX_MESSAGES,
    Audience,
    Event,
    Floor,
    Message,
    Participant,
    Room,
    Round,
    SpeakerStat,
    facilitators_and,
    only,
)


@dataclass(frozen=True, slots=True)
class Greet:
    """The shell sends this participant a full `welcome`: a facilitator let it in."""

    participant_id: str
    after_seq: int


@dataclass(frozen=True, slots=True)
class Closing:
    """The shell closes this participant's connection (everyone's when None), after
    sending `error` when there is one: the room decides who is out, the shell only
    carries it out, right after the event numbered `after_seq`."""

    participant_id: str | None
    code: p.CloseCode
    reason: str
    error: p.Err | None
    after_seq: int


Effect = Greet | Closing


@dataclass(slots=True)
class Result:
    events: list[Event] = field(default_factory=list)
    outcome: p.Outcome = field(default_factory=p.Ok)
    effects: list[Effect] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, code: p.ErrorCode, message: str) -> None:
        self.code = code
        self.message = message


class _Ctx:
    """Collects the events and effects of one entry, numbering events from the room's counter."""

    __slots__ = ("at", "effects", "events", "room")

    def __init__(self, room: Room, at_ms: int) -> None:
        self.room = room
        self.at = at_ms
        self.events: list[Event] = []
        self.effects: list[Effect] = []

    def emit(self, type_: p.EventType, body: dict[str, Any], audience: Audience = ALL) -> None:
        self.room.event_seq += 1
        self.events.append(Event(self.room.event_seq, self.at, type_, body, audience))

    def greet(self, participant_id: str) -> None:
        self.effects.append(Greet(participant_id, self.room.event_seq))

    def close(
        self,
        participant_id: str | None,
        code: p.CloseCode,
        reason: str,
        error: p.Err | None = None,
    ) -> None:
        self.effects.append(Closing(participant_id, code, reason, error, self.room.event_seq))


def apply(room: Room, submission: p.Submission, at_ms: int) -> Result:
    if room.departed:
        _forget_departed(room)
    ctx = _Ctx(room, at_ms)
    command = submission.command
    try:
        if isinstance(command, p.Open):
            outcome: p.Ok | p.Err = _open(ctx, command)
        elif room.config is None:
            raise _Refused("meeting_not_found", "This room has not been opened.")
        elif room.ended:
            raise _Refused("meeting_ended", "The meeting has ended.")
        elif submission.actor is None:
            outcome = _system(ctx, command)
        else:
            outcome = _client(ctx, submission.actor, command)
    except _Refused as refusal:
        return Result(ctx.events, p.Err(refusal.code, refusal.message), ctx.effects)
    if isinstance(outcome, p.Ok) and outcome.seq is None and ctx.events:
        outcome = p.Ok(ctx.events[0].seq, outcome.participant_id, outcome.waiting)
    return Result(ctx.events, outcome, ctx.effects)


# System commands ------------------------------------------------------------------


def _open(ctx: _Ctx, command: p.Open) -> p.Ok:
    room = ctx.room
    if room.config is None:
        c = command.config
        room.config = c
        room.settings.crosstalk = c.crosstalk
        room.settings.share_seconds = c.share_seconds
        room.settings.lobby = c.lobby
    return p.Ok()


def _system(ctx: _Ctx, command: p.Command) -> p.Ok:
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
        return p.Ok()
    if isinstance(command, p.Timeout):
        person = ctx.room.participants.get(command.participant_id)
        grace = _config(ctx.room).grace_seconds * 1000
        if (
            person is not None
            and person.status != "gone"
            and person.disconnected_at_ms is not None
            and ctx.at >= person.disconnected_at_ms + grace
        ):
            _depart(ctx, person, "timeout")
        return p.Ok()
    if isinstance(command, p.Expire):
        floor = ctx.room.floor
        if floor is not None and floor.turn_id == command.turn_id and ctx.at >= floor.ends_at_ms:
            _release(ctx, "expired")
            _next_in_round(ctx)
        return p.Ok()
    if isinstance(command, p.SetResources):
        config = _config(ctx.room)
        if command.resources != config.resources:
            ctx.room.config = msgspec.structs.replace(config, resources=command.resources)
            ctx.emit("resources_changed", {"resources": p.resource_dicts(command.resources)})
        return p.Ok()
    if isinstance(command, p.Close):
        if command.cancelled or ctx.at >= _config(ctx.room).ends_at_ms:
            _end(ctx, None)
        return p.Ok()
    raise _Refused("bad_request", "Not a system command.")


def _join(ctx: _Ctx, command: p.Join) -> p.Ok:
    room = ctx.room
    config = _config(room)
    if command.token_hash in room.removed_tokens:
        raise _Refused("removed", "You were removed from this meeting.")
    facilitator = command.role == "facilitator"
    taken = {x.pseudonym for x in room.participants.values() if x.status != "gone"}
    if command.pseudonym is None or not command.pseudonym.strip():
        pseudonym = names.generate(command.name_seed, config.language, taken)
    else:
        pseudonym = names.normalise(command.pseudonym)
        problem = names.problem(pseudonym)
        if problem is not None:
            raise _Refused("pseudonym_invalid", problem)
        if not facilitator and names.reserved(pseudonym):
            raise _Refused("pseudonym_invalid", "That name is kept for those running the meeting.")
        if names.key(pseudonym) in {names.key(t) for t in taken}:
            raise _Refused("pseudonym_taken", "Someone here already has that name.")
    if not facilitator:
        if room.settings.locked:
            raise _Refused("room_locked", "The room is locked.")
        seated = [x for x in room.participants.values() if x.status != "gone"]
        if len(seated) >= config.capacity:
            # A seat kept for a dropped attendee in their grace period goes to the newcomer:
            # the longest gone leaves as on grace expiry, so dropping and rejoining cannot
            # keep a room full with nobody in it.
            dropped = [
                x for x in seated if x.disconnected_at_ms is not None and x.role != "facilitator"
            ]
            if not dropped:
                raise _Refused("room_full", "The room is full.")
            _depart(ctx, min(dropped, key=lambda x: (x.disconnected_at_ms, x.order)), "timeout")
    room.counter_participants += 1
    waiting = not facilitator and (
        command.waiting or (room.settings.lobby and not command.lobby_exempt)
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
    )
    room.participants[person.id] = person
    if waiting:
        ctx.emit("knock", {"participant_id": person.id, "pseudonym": pseudonym}, FACILITATORS)
    else:
        ctx.emit("joined", {"participant": person.public()})
        person.admitted_seq = room.event_seq
    return p.Ok(participant_id=person.id, waiting=waiting)


def _resume(ctx: _Ctx, command: p.Resume) -> p.Ok:
    room = ctx.room
    if command.token_hash in room.removed_tokens:
        raise _Refused("removed", "You were removed from this meeting.")
    for person in room.participants.values():
        if person.token_hash == command.token_hash and person.status != "gone":
            person.conn = command.conn
            person.disconnected_at_ms = None
            return p.Ok(participant_id=person.id, waiting=person.status == "waiting")
    raise _Refused("resume_failed", "That session has expired; join again.")


# Client commands -----------------------------------------------------------------


def _client(ctx: _Ctx, actor: str, command: p.Command) -> p.Ok:
    person = ctx.room.participants.get(actor)
    if person is None or person.status == "gone":
        raise _Refused("not_allowed", "You are not in this meeting.")
    if isinstance(command, p.Leave):
        _depart(ctx, person, "left")
        return p.Ok()
    if person.status == "waiting":
        raise _Refused("not_allowed", "Wait for a facilitator to let you in.")
    if type(command) in _FACILITATOR_ONLY and person.role != "facilitator":
        raise _Refused("not_allowed", "Only a facilitator may do that.")
    match command:
        case p.Say():
            return _say(ctx, person, command)
        case p.RaiseHand():
            return _raise_hand(ctx, person)
        case p.LowerHand():
            _drop_hand(ctx, person)
            return p.Ok()
        case p.Yield():
            return _yield(ctx, person)
        case p.Pass():
            return _pass(ctx, person)
        case p.React():
            return _react(ctx, person, command)
        case p.Help():
            return _help(ctx, person, command)
        case p.Report():
            return _report(ctx, person, command)
        case p.Grant():
            return _grant(ctx, command)
        case p.Revoke():
            return _revoke(ctx)
        case p.ExtendFloor():
            return _extend_floor(ctx, command)
        case p.StartRound():
            return _start_round(ctx)
        case p.EndRound():
            return _end_round(ctx)
        case p.Mute():
            return _mute(ctx, person, command)
        case p.Unmute():
            return _unmute(ctx, person, command)
        case p.Remove():
            return _remove(ctx, command)
        case p.Delete():
            return _delete(ctx, person, command)
        case p.Admit():
            return _admit(ctx, command)
        case p.Deny():
            return _deny(ctx, command)
        case p.SettingsChange():
            return _settings(ctx, command)
        case p.End():
            _end(ctx, person.id)
            return p.Ok()
    raise _Refused("bad_request", "Not a room command.")


_FACILITATOR_ONLY: frozenset[type] = frozenset({
    p.Grant, p.Revoke, p.ExtendFloor, p.StartRound, p.EndRound, p.Mute, p.Unmute, p.Remove,
    p.Delete, p.Admit, p.Deny, p.SettingsChange, p.End,
})  # fmt: skip


def _say(ctx: _Ctx, person: Participant, command: p.Say) -> p.Ok:
    room = ctx.room
    facilitator = person.role == "facilitator"
    if person.muted:
        raise _Refused("muted", "You are muted.")
    holder = room.floor.participant_id if room.floor else None
    if (
        holder is not None
        and holder != person.id
        and not room.settings.crosstalk
        and not facilitator
    ):
        raise _Refused("not_your_turn", "Someone is sharing; crosstalk is off.")
    slow = room.settings.slow_mode_seconds * 1000
    last = person.last_said_ms
    if slow and not facilitator and last is not None and ctx.at < last + slow:
        raise _Refused("slow_mode", f"Slow mode: one message every {slow // 1000} seconds.")
    person.last_said_ms = ctx.at
    room.counter_messages += 1
    share = holder == person.id
    message = Message(
        f"m{room.counter_messages}", person.id, person.pseudonym, command.text, share,
        room.event_seq + 1, ctx.at,
    )  # fmt: skip
    room.messages[message.id] = message
    if len(room.messages) > MAX_MESSAGES:
        del room.messages[next(iter(room.messages))]
    ctx.emit(
        "message",
        {
            "message_id": message.id,
            "participant_id": person.id,
            "pseudonym": person.pseudonym,
            "text": message.text,
            "share": share,
        },
    )
    return p.Ok()


def _raise_hand(ctx: _Ctx, person: Participant) -> p.Ok:
    room = ctx.room
    if person.muted:
        raise _Refused("muted", "You are muted.")
    if room.floor is not None and room.floor.participant_id == person.id:
        raise _Refused("not_allowed", "You have the floor already.")
    if person.hand_raised_at is None:
        _limited(alerts.take_hand(room, person, ctx.at))
        room.counter_hands += 1
        person.hand_raised_at = room.counter_hands
        ctx.emit("hand_raised", {"participant_id": person.id, "queue": room.queue()})
    return p.Ok()


def _yield(ctx: _Ctx, person: Participant) -> p.Ok:
    if ctx.room.floor is None or ctx.room.floor.participant_id != person.id:
        raise _Refused("not_your_turn", "You do not have the floor.")
    _release(ctx, "yielded")
    _next_in_round(ctx)
    return p.Ok()


def _pass(ctx: _Ctx, person: Participant) -> p.Ok:
    room = ctx.room
    if room.floor is None or room.floor.participant_id != person.id or room.round is None:
        raise _Refused("not_your_turn", "You can pass only on your turn in a round.")
    # A pass is not a share: neither the statistics nor "fewest shares first" count it.
    person.shares -= 1
    _release(ctx, "passed")
    _next_in_round(ctx)
    return p.Ok()


def _react(ctx: _Ctx, person: Participant, command: p.React) -> p.Ok:
    message = _message(ctx.room, command.message_id)
    voters = message.reactions.setdefault(command.emoji, set())
    # A toggle: the same emoji again from the same person takes the reaction back.
    if person.id in voters:
        voters.discard(person.id)
    else:
        voters.add(person.id)
    ctx.emit(
        "reaction",
        {"message_id": message.id, "emoji": command.emoji, "count": len(voters)},
    )
    return p.Ok()


def _help(ctx: _Ctx, person: Participant, command: p.Help) -> p.Ok:
    if person.role == "facilitator":
        raise _Refused("not_allowed", "Help requests go to facilitators.")
    _limited(alerts.take_help(ctx.room, person, ctx.at))
    body = {"participant_id": person.id, "pseudonym": person.pseudonym, "note": command.note}
    ctx.emit("help_requested", body, facilitators_and(person.id))
    return p.Ok()


def _report(ctx: _Ctx, person: Participant, command: p.Report) -> p.Ok:
    """The first report of a message is one alert with its text; later ones (one per
    participant) only update its count."""
    message = _message(ctx.room, command.message_id)
    taken = alerts.take_report(ctx.room, person, message.id, ctx.at)
    if isinstance(taken, str):
        raise _Refused("rate_limited", taken)
    kind, alert = taken
    assert alert is not None
    body = {"report_id": alert.report_id, "message_id": message.id, "count": len(alert.reporters)}
    if kind == "new":
        ctx.emit("report", {**body, "text": message.text, "reason": command.reason}, FACILITATORS)
    elif kind == "update":
        ctx.emit("report_updated", {**body, "reason": command.reason}, FACILITATORS)
    return p.Ok()


def _grant(ctx: _Ctx, command: p.Grant) -> p.Ok:
    room = ctx.room
    if command.participant_id is None:
        queue = room.queue()
        if not queue:
            raise _Refused("queue_empty", "Nobody has raised a hand.")
        target = room.participants[queue[0]]
    else:
        target = _present(room, command.participant_id)
    if target.muted:
        raise _Refused("muted", "That participant is muted.")
    _give_floor(ctx, target)
    return p.Ok()


def _revoke(ctx: _Ctx) -> p.Ok:
    if ctx.room.floor is None:
        raise _Refused("not_allowed", "Nobody has the floor.")
    _release(ctx, "revoked")
    _next_in_round(ctx)
    return p.Ok()


def _extend_floor(ctx: _Ctx, command: p.ExtendFloor) -> p.Ok:
    """Moves the running share's end later; the timers read it from the room, so the
    expiry moves with it."""
    floor = ctx.room.floor
    if floor is None:
        raise _Refused("not_allowed", "Nobody has the floor.")
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


def _start_round(ctx: _Ctx) -> p.Ok:
    room = ctx.room
    order = [x.id for x in sorted(room.present(), key=lambda x: x.order)
             if x.role == "attendee" and not x.muted]  # fmt: skip
    if not order:
        raise _Refused("not_allowed", "There is nobody to go around.")
    if room.round is not None:
        ctx.emit("round_ended", {})
    if room.floor is not None:
        _release(ctx, "revoked")  # the round starts with its first person
    room.round = Round(order)
    ctx.emit("round_started", {"order": list(order)})
    _next_in_round(ctx, start=True)
    return p.Ok()


def _end_round(ctx: _Ctx) -> p.Ok:
    room = ctx.room
    if room.round is None:
        raise _Refused("not_allowed", "No round is going on.")
    if room.floor is not None and room.floor.participant_id in room.round.order:
        _release(ctx, "revoked")
    room.round = None
    ctx.emit("round_ended", {})
    return p.Ok()


def _mute(ctx: _Ctx, person: Participant, command: p.Mute) -> p.Ok:
    target = _present(ctx.room, command.participant_id)
    if target.role == "facilitator":
        raise _Refused("not_allowed", "Facilitators cannot be muted.")
    if not target.muted:
        target.muted = True
        ctx.emit("muted", {"participant_id": target.id, "by": person.id})
        _drop_hand(ctx, target)
        if ctx.room.floor is not None and ctx.room.floor.participant_id == target.id:
            _release(ctx, "revoked")
            _next_in_round(ctx)
    return p.Ok()


def _unmute(ctx: _Ctx, person: Participant, command: p.Unmute) -> p.Ok:
    target = _present(ctx.room, command.participant_id)
    if target.muted:
        target.muted = False
        ctx.emit("unmuted", {"participant_id": target.id, "by": person.id})
    return p.Ok()


def _remove(ctx: _Ctx, command: p.Remove) -> p.Ok:
    target = ctx.room.participants.get(command.participant_id)
    if target is None or target.status == "gone":
        raise _Refused("no_such_participant", "No such participant.")
    if target.role == "facilitator":
        raise _Refused("not_allowed", "Facilitators cannot be removed.")
    ctx.room.removed_tokens.add(target.token_hash)
    _depart(ctx, target, "removed")
    return p.Ok()


def _delete(ctx: _Ctx, person: Participant, command: p.Delete) -> p.Ok:
    message = _message(ctx.room, command.message_id)
    message.deleted = True
    message.text = ""
    ctx.emit("message_deleted", {"message_id": message.id, "by": person.id})
    return p.Ok()


def _admit(ctx: _Ctx, command: p.Admit) -> p.Ok:
    target = _waiting(ctx.room, command.participant_id)
    target.status = "in"
    ctx.emit("admitted", {"participant_id": target.id}, only(target.id))
    ctx.greet(target.id)
    ctx.emit("joined", {"participant": target.public()})
    target.admitted_seq = ctx.room.event_seq
    return p.Ok()


def _deny(ctx: _Ctx, command: p.Deny) -> p.Ok:
    target = _waiting(ctx.room, command.participant_id)
    target.status = "gone"
    ctx.room.departed.append(target.id)
    ctx.emit("denied", {"participant_id": target.id}, facilitators_and(target.id))
    ctx.close(
        target.id,
        p.CloseCode.FORBIDDEN,
        "denied",
        p.Err("denied", "A facilitator did not admit you."),
    )
    return p.Ok()


def _settings(ctx: _Ctx, command: p.SettingsChange) -> p.Ok:
    s = ctx.room.settings
    for name in (
        "crosstalk",
        "share_seconds",
        "locked",
        "lobby",
        "slow_mode_seconds",
        "queue_policy",
    ):
        value = getattr(command, name)
        if value is not None:
            setattr(s, name, value)
    ctx.emit("settings_changed", {"settings": s.as_dict()})
    return p.Ok()


# Shared steps ------------------------------------------------------------------------


def _limited(refusal: str | None) -> None:
    if refusal is not None:
        raise _Refused("rate_limited", refusal)


def _config(room: Room) -> p.RoomConfig:
    assert room.config is not None
    return room.config


def _present(room: Room, participant_id: str) -> Participant:
    target = room.participants.get(participant_id)
    if target is None or target.status != "in":
        raise _Refused("no_such_participant", "No such participant in the room.")
    return target


def _waiting(room: Room, participant_id: str) -> Participant:
    target = room.participants.get(participant_id)
    if target is None or target.status != "waiting":
        raise _Refused("no_such_participant", "Nobody by that id is waiting.")
    return target


def _message(room: Room, message_id: str) -> Message:
    message = room.messages.get(message_id)
    if message is None or message.deleted:
        raise _Refused("no_such_message", "No such message.")
    return message


def _drop_hand(ctx: _Ctx, person: Participant) -> None:
    if person.hand_raised_at is not None:
        person.hand_raised_at = None
        ctx.emit("hand_lowered", {"participant_id": person.id, "queue": ctx.room.queue()})


def _give_floor(ctx: _Ctx, target: Participant) -> None:
    room = ctx.room
    if room.floor is not None:
        _release(ctx, "revoked")
    if target.hand_raised_at is not None:
        _drop_hand(ctx, target)
    room.counter_turns += 1
    ends = ctx.at + room.settings.share_seconds * 1000
    room.floor = Floor(target.id, room.counter_turns, ctx.at, ends)
    target.shares += 1
    ctx.emit(
        "floor_granted",
        {"participant_id": target.id, "turn_id": room.counter_turns, "ends_at": p.iso(ends)},
    )


def _release(ctx: _Ctx, reason: str) -> None:
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


def _next_in_round(ctx: _Ctx, start: bool = False) -> None:
    """In a round, the floor moves to the next attendee still here, or the round ends."""
    room = ctx.room
    rnd = room.round
    if rnd is None or room.floor is not None:
        return
    index = rnd.index if start else rnd.index + 1
    while index < len(rnd.order):
        target = room.participants.get(rnd.order[index])
        if target is not None and target.status == "in" and not target.muted:
            rnd.index = index
            _give_floor(ctx, target)
            return
        index += 1
    room.round = None
    ctx.emit("round_ended", {})


def _depart(ctx: _Ctx, person: Participant, reason: Literal["left", "removed", "timeout"]) -> None:
    room = ctx.room
    waiting = person.status == "waiting"
    if room.floor is not None and room.floor.participant_id == person.id:
        _release(ctx, "left")
        person.status = "gone"
        _next_in_round(ctx)
    person.status = "gone"
    person.hand_raised_at = None
    room.departed.append(person.id)
    body = {"participant_id": person.id, "reason": reason}
    ctx.emit("left", body, FACILITATORS if waiting else ALL)
    if reason == "removed":
        refusal = p.Err("removed", "A facilitator removed you from this meeting.")
        ctx.close(person.id, p.CloseCode.FORBIDDEN, "removed", refusal)
    elif reason == "timeout":
        # Only a worker that was stopped past the grace still holds a connection here.
        ctx.close(person.id, p.CloseCode.TRY_AGAIN, "timed out")
    else:
        ctx.close(person.id, p.CloseCode.NORMAL, "left")


def _forget_departed(room: Room) -> None:
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


def _end(ctx: _Ctx, by: str | None) -> None:
    room = ctx.room
    if room.floor is not None:
        _release(ctx, "revoked")
    room.round = None
    room.ended = True
    ctx.emit("meeting_ended", {"by": by})
    ctx.close(None, p.CloseCode.NORMAL, "meeting ended")


# Timers --------------------------------------------------------------------------------


def due_actions(room: Room, now_ms: int) -> list[p.Command]:
    """The timer entries due at `now_ms`; the reducer ignores any that turn out stale."""
    if room.config is None or room.ended:
        return []
    due: list[p.Command] = []
    if now_ms >= room.config.ends_at_ms:
        return [p.Close()]
    if room.floor is not None and now_ms >= room.floor.ends_at_ms:
        due.append(p.Expire(turn_id=room.floor.turn_id))
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
    if room.floor is not None:
        deadlines.append(room.floor.ends_at_ms)
    grace = room.config.grace_seconds * 1000
    deadlines.extend(
        x.disconnected_at_ms + grace
        for x in room.participants.values()
        if x.status != "gone" and x.disconnected_at_ms is not None
    )
    return min(deadlines)
