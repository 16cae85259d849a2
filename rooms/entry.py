"""What the reduction of one log entry collects, and the lookups every rule shares.

A rule refuses by raising `Refused`; everything it decides goes through `Ctx`:
events numbered from the room's own counter, and the effects the shell carries out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rooms import config
from rooms import protocol as p
from rooms.state import ALL, Audience, Event, Message, Participant, Room


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


@dataclass(frozen=True, slots=True)
class Forget:
    """The shell drops the event numbered `seq` from the history a resume replays: a
    message taken back or deleted is not delivered again."""

    seq: int
    after_seq: int


Effect = Greet | Closing | Forget


@dataclass(slots=True)
class Result:
    events: list[Event] = field(default_factory=list)
    outcome: p.Outcome = field(default_factory=p.Ok)
    effects: list[Effect] = field(default_factory=list)


class Refused(Exception):
    def __init__(self, code: p.ErrorCode, message: str) -> None:
        self.code = code
        self.message = message


class Ctx:
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

    def forget(self, seq: int) -> None:
        self.effects.append(Forget(seq, self.room.event_seq))

    def close(
        self,
        participant_id: str | None,
        code: p.CloseCode,
        reason: str,
        error: p.Err | None = None,
    ) -> None:
        self.effects.append(Closing(participant_id, code, reason, error, self.room.event_seq))


def limited(refusal: str | None) -> None:
    if refusal is not None:
        raise Refused("rate_limited", refusal)


def config_of(room: Room) -> config.RoomConfig:
    assert room.config is not None
    return room.config


def present(room: Room, participant_id: str) -> Participant:
    target = room.participants.get(participant_id)
    if target is None or target.status != "in":
        raise Refused("no_such_participant", "No such participant in the room.")
    return target


def waiting_person(room: Room, participant_id: str) -> Participant:
    target = room.participants.get(participant_id)
    if target is None or target.status != "waiting":
        raise Refused("no_such_participant", "Nobody by that id is waiting.")
    return target


def message_of(room: Room, message_id: str) -> Message:
    message = room.messages.get(message_id)
    if message is None or message.deleted:
        raise Refused("no_such_message", "No such message.")
    return message
