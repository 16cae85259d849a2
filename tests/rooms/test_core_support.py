"""A test-local wrapper around the pure room core: a meeting you can talk to.

`Meeting` opens a room, joins people and applies commands through
`reducer.apply`, recording every event and outcome so scenarios read like what
happens in a real meeting. No event loop, no clock: time is `meeting.now`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rooms import config as room_config
from rooms import protocol as p
from rooms import reducer, views
from rooms.state import Event, Room

START_MS = 1_700_000_000_000
HOUR_MS = 3_600_000


def config(**overrides: Any) -> room_config.RoomConfig:
    values: dict[str, Any] = {
        "meeting_id": "m1",
        "title": "Tuesday evening circle",
        "group_name": "Hearth friends",
        "language": "en",
        "starts_at_ms": START_MS,
        "ends_at_ms": START_MS + HOUR_MS,
        "capacity": 20,
        "lobby": False,
        "late_joiners_see_history": False,
        "share_seconds": 180,
        "crosstalk": False,
        "grace_seconds": 60,
    }
    values.update(overrides)
    return room_config.RoomConfig(**values)


@dataclass
class Meeting:
    """One room plus everything it said, in order."""

    room: Room
    now: int = START_MS
    events: list[Event] = field(default_factory=list)
    outcomes: list[p.Ok | p.Err] = field(default_factory=list)
    effects: list[reducer.Effect] = field(default_factory=list)
    _conns: int = 0
    _seeds: int = 0

    @classmethod
    def open(cls, **overrides: Any) -> Meeting:
        meeting = cls(Room.empty(overrides.get("meeting_id", "m1")))
        outcome = meeting.system(p.Open(config=config(**overrides)))
        assert isinstance(outcome, p.Ok)
        return meeting

    # Applying ------------------------------------------------------------------

    def submit(self, actor: str | None, command: p.Command) -> reducer.Result:
        result = reducer.apply(self.room, p.Submission(actor, "w1", command), self.now)
        self.events.extend(result.events)
        self.outcomes.append(result.outcome)
        self.effects.extend(result.effects)
        return result

    def system(self, command: p.Command) -> p.Ok | p.Err:
        return self.submit(None, command).outcome

    def do(self, actor: str, command: p.Command) -> p.Ok | p.Err:
        return self.submit(actor, command).outcome

    def ok(self, actor: str | None, command: p.Command) -> p.Ok:
        outcome = self.submit(actor, command).outcome
        assert isinstance(outcome, p.Ok), outcome
        return outcome

    def refused(self, actor: str | None, command: p.Command) -> str:
        """Applies a command that must be refused; returns the error code."""
        before = self.room.event_seq
        outcome = self.submit(actor, command).outcome
        assert isinstance(outcome, p.Err), outcome
        assert self.room.event_seq == before, "a refused command emitted events"
        return outcome.code

    def advance(self, seconds: float) -> None:
        self.now += int(seconds * 1000)

    # Joining -----------------------------------------------------------------

    def join_outcome(
        self,
        role: str = "attendee",
        pseudonym: str | None = None,
        *,
        token: str | None = None,
        lobby_exempt: bool = False,
        seed: int | None = None,
        device: str | None = None,
    ) -> p.Ok | p.Err:
        self._conns += 1
        self._seeds += 1
        command = p.Join(
            conn=f"c{self._conns}",
            role=role,  # type: ignore[arg-type]
            pseudonym=pseudonym,
            name_seed=self._seeds if seed is None else seed,
            token_hash=token or f"token-{self._conns}",
            lobby_exempt=lobby_exempt,
            device_hash=device,
        )
        return self.system(command)

    def join(self, role: str = "attendee", pseudonym: str | None = None, **kw: Any) -> str:
        outcome = self.join_outcome(role, pseudonym, **kw)
        assert isinstance(outcome, p.Ok), outcome
        assert outcome.participant_id is not None
        return outcome.participant_id

    def facilitator(self, pseudonym: str | None = "Host") -> str:
        return self.join("facilitator", pseudonym)

    # Reading -----------------------------------------------------------------

    def since(self, seq: int) -> list[Event]:
        return [e for e in self.events if e.seq > seq]

    def types_since(self, seq: int) -> list[str]:
        return [e.type for e in self.since(seq)]

    def last(self, type_: str) -> Event:
        for event in reversed(self.events):
            if event.type == type_:
                return event
        raise AssertionError(f"no {type_} event")

    def seen_by(self, pid: str) -> list[str]:
        return [e.type for e in self.events if views.can_see(self.room, e, pid)]

    def sees(self, pid: str, event: Event) -> bool:
        return views.can_see(self.room, event, pid)

    @property
    def seq(self) -> int:
        return self.room.event_seq

    def pseudonym(self, pid: str) -> str:
        return self.room.participants[pid].pseudonym

    def queue(self) -> list[str]:
        return self.room.queue()

    def holder(self) -> str | None:
        return None if self.room.floor is None else self.room.floor.participant_id

    def turn(self) -> int:
        assert self.room.floor is not None
        return self.room.floor.turn_id

    def say(self, pid: str, text: str = "hello") -> str:
        """Posts a message that must be accepted; returns its message id."""
        self.ok(pid, p.Say(text=text))
        return str(self.last("message").body["message_id"])


def test_meeting_helper_opens_and_joins() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    assert [e.type for e in meeting.events] == ["joined", "joined"]
    assert meeting.room.participants[host].role == "facilitator"
    assert meeting.pseudonym(ann) == "Ann"
