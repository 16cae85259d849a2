"""The state of one room. Plain data: the reducer changes it, views read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from rooms.config import RoomConfig
from rooms.protocol import EventType, iso

Role = Literal["attendee", "facilitator"]
Status = Literal["in", "waiting", "gone"]
QueuePolicy = Literal["fifo", "fewest_shares_first"]
# Whether a facilitator is here (rooms/chair.py): held, all dropped but within the
# grace period (reconnecting), or none left (empty: shares pause).
Chair = Literal["held", "reconnecting", "empty"]

AlertKind = Literal["help", "report", "knock"]
AlertStatus = Literal["open", "claimed", "resolved"]

# Who may see an event: everyone in the room, facilitators, facilitators and one
# participant, one participant only, or two participants only (a whisper: its two
# ids, space-separated; either may be waiting in the lobby).
Audience = tuple[Literal["all", "facilitators", "facilitators_and", "only", "pair"], str | None]
ALL: Audience = ("all", None)
FACILITATORS: Audience = ("facilitators", None)


def only(participant_id: str) -> Audience:
    return ("only", participant_id)


def facilitators_and(participant_id: str) -> Audience:
    return ("facilitators_and", participant_id)


def pair(a: str, b: str) -> Audience:
    return ("pair", f"{a} {b}")


@dataclass(slots=True)
class Settings:
    crosstalk: bool = False
    share_seconds: int = 180
    locked: bool = False
    lobby: bool = False
    slow_mode_seconds: int = 0
    queue_policy: QueuePolicy = "fifo"
    queue_open: bool = True  # whether attendees may raise a hand now

    def update(self, changes: object) -> None:
        """Takes each setting `changes` (a `settings` command, a format part's settings)
        names with a value; one it leaves out or sets to None stays as it is."""
        for name in self.__slots__:
            value = getattr(changes, name, None)
            if value is not None:
                setattr(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "crosstalk": self.crosstalk,
            "share_seconds": self.share_seconds,
            "locked": self.locked,
            "lobby": self.lobby,
            "slow_mode_seconds": self.slow_mode_seconds,
            "queue_policy": self.queue_policy,
            "queue_open": self.queue_open,
        }


@dataclass(slots=True)
class Participant:
    id: str
    pseudonym: str
    role: Role
    status: Status
    token_hash: str
    conn: str
    order: int
    muted: bool = False
    hand_raised_at: int | None = None
    disconnected_at_ms: int | None = None
    shares: int = 0
    held_ms: int = 0
    last_said_ms: int | None = None
    # The room's event seq when this participant was let in (None while it waits):
    # a resume replays only events after it, what the participant could have seen live.
    admitted_seq: int | None = None
    # What the alert limits count (rooms/alerts.py): log times within the last minute.
    help_at_ms: int | None = None
    report_times: list[int] = field(default_factory=list)
    hand_times: list[int] = field(default_factory=list)
    # The keyed hash of the browser's device value (never the value), for a keep-out.
    device_hash: str | None = None
    whisper_times: list[int] = field(default_factory=list)
    # The event seq of this participant's last role change (0: none): a resume replays
    # events meant for facilitators only from after it (rooms/views.py, can_replay).
    role_seq: int = 0
    promoted: bool = False  # a co-host: made a facilitator in this meeting (rooms/chair.py)

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "pseudonym": self.pseudonym,
            "role": self.role,
            "muted": self.muted,
            "hand_raised": self.hand_raised_at is not None,
            "cohost": self.promoted,
        }


@dataclass(slots=True)
class ReportAlert:
    """Who reported one message (its alert's count), and that alert."""

    reporters: set[str] = field(default_factory=set)
    alert_id: str = ""  # its alert in Room.alerts (gone once dropped from there)


@dataclass(slots=True)
class Alert:
    """What the facilitators share about one help request, reported message or knock.

    `participant_id`/`pseudonym` are its subject: who asks for help, who wrote the
    reported message, who knocks. `note` is the help note or the latest report reason;
    `text` the reported message's text. Kept in memory only, gone with the room."""

    id: str
    kind: AlertKind
    participant_id: str
    pseudonym: str
    at_ms: int
    status: AlertStatus = "open"
    claimed_by: str | None = None
    count: int = 1
    note: str = ""
    message_id: str | None = None
    text: str | None = None

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "claimed_by": self.claimed_by,
            "count": self.count,
            "participant_id": self.participant_id,
            "pseudonym": self.pseudonym,
            "note": self.note,
            "message_id": self.message_id,
            "text": self.text,
            "at": iso(self.at_ms),
        }


@dataclass(frozen=True, slots=True)
class SpeakerStat:
    """What the statistics keep of someone who shared and then left."""

    participant_id: str
    pseudonym: str
    order: int
    shares: int
    held_ms: int


@dataclass(slots=True)
class Floor:
    participant_id: str
    turn_id: int
    started_at_ms: int
    ends_at_ms: int
    # While the chair is empty the share's clock stops: what was left, until it resumes.
    paused_left_ms: int | None = None


@dataclass(slots=True)
class Round:
    order: list[str]
    index: int = 0


@dataclass(slots=True)
class Message:
    id: str
    participant_id: str
    pseudonym: str
    text: str
    share: bool
    seq: int
    at_ms: int
    deleted: bool = False
    masked: int = 0  # words the group's list masked in it
    reactions: dict[str, set[str]] = field(default_factory=dict)


PollResults = Literal["everyone", "facilitators"]


@dataclass(slots=True)
class Poll:
    """The open poll (rooms/polls.py). `votes`, who chose what, exists only so that each
    participant counts once; closing the poll drops it with the poll, and only the
    counts leave the room."""

    id: str
    question: str | None  # None: the scale's own question, in each client's language
    options: list[str]
    scale: str | None
    results: PollResults
    votes: dict[str, int] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        return {
            "poll_id": self.id,
            "question": self.question,
            "options": list(self.options),
            "scale": self.scale,
            "results": self.results,
        }


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    at_ms: int
    type: EventType
    body: dict[str, Any]
    audience: Audience


MAX_MESSAGES = 2000
MAX_ALERTS = 500  # open, claimed and resolved together; the oldest resolved go first
MAX_RESOLVED_ALERTS = 50  # resolved alerts kept beyond this are dropped, oldest first
MAX_DEPARTED_SPEAKERS = 500  # the oldest are dropped from the statistics beyond this


@dataclass(slots=True)
class Room:
    meeting_id: str
    config: RoomConfig | None = None
    settings: Settings = field(default_factory=Settings)
    participants: dict[str, Participant] = field(default_factory=dict)
    floor: Floor | None = None
    round: Round | None = None
    messages: dict[str, Message] = field(default_factory=dict)
    removed_tokens: set[str] = field(default_factory=set)
    # Who went in the last entry: still here for that entry's fan-out and effects,
    # freed at the start of the next one (a long meeting must not grow with its past).
    departed: list[str] = field(default_factory=list)
    departed_speakers: dict[str, SpeakerStat] = field(default_factory=dict)
    reports: dict[str, ReportAlert] = field(default_factory=dict)  # by message id
    alert_times: list[int] = field(default_factory=list)  # help and reports, last minute
    alerts: dict[str, Alert] = field(default_factory=dict)  # by alert id, oldest first
    # A room opens "held": the empty chair is about facilitators who were here and went.
    chair: Chair = "held"
    # The format's current part (-1: not started), and when each part started, in
    # order (what the organiser's minutes-per-part figures come from).
    agenda_index: int = -1
    segments_run: list[tuple[int, int]] = field(default_factory=list)
    poll: Poll | None = None  # at most one open at a time
    ended: bool = False
    ended_at_ms: int | None = None  # the log time of the end, what the tally runs to
    event_seq: int = 0
    counter_participants: int = 0
    counter_messages: int = 0
    counter_turns: int = 0
    counter_hands: int = 0
    counter_alerts: int = 0
    counter_polls: int = 0
    # What the organisers' figures count (rooms/tally.py): the most in at once, those
    # let in (each browser once), those admitted from the lobby.
    peak_present: int = 0
    counter_attended: int = 0
    counter_let_in: int = 0
    attended_devices: set[str] = field(default_factory=set)

    @classmethod
    def empty(cls, meeting_id: str) -> Room:
        return cls(meeting_id=meeting_id)

    def present(self) -> list[Participant]:
        return [p for p in self.participants.values() if p.status == "in"]

    def queue(self) -> list[str]:
        hands = [
            p
            for p in self.participants.values()
            if p.status == "in" and p.hand_raised_at is not None
        ]
        if self.settings.queue_policy == "fewest_shares_first":
            hands.sort(key=lambda p: (p.shares, p.hand_raised_at))
        else:
            hands.sort(key=lambda p: p.hand_raised_at or 0)
        return [p.id for p in hands]
