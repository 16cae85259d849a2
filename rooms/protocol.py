"""Protocol messages: client frames, internal log commands, events, and their encoding.

Decoding validates in one pass (msgspec), so a frame that gets past
decode_client_frame is well-typed; the reducer checks only the rules of the room.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Annotated, Any, Literal, Protocol, get_args

import msgspec

from rooms.config import QueuePolicy, ResourceInfo, RoomConfig

PROTOCOL_VERSION = 1
REACTIONS = ("❤️", "👏", "🙏", "🤗", "💪", "🌱")

RequestId = Annotated[str, msgspec.Meta(max_length=64)]
Pid = Annotated[str, msgspec.Meta(max_length=32)]
Mid = Annotated[str, msgspec.Meta(max_length=32)]
Note = Annotated[str, msgspec.Meta(max_length=500)]
DEVICE = "^[A-Za-z0-9_-]+$"  # base64url, no padding

ErrorCode = Literal[
    "bad_request", "too_large", "rate_limited", "not_allowed", "not_your_turn", "muted",
    "slow_mode", "no_such_participant", "no_such_message", "queue_empty", "invite_required",
    "invite_invalid", "pseudonym_taken", "pseudonym_invalid", "meeting_not_found",
    "meeting_not_open", "meeting_ended", "room_locked", "room_full", "removed", "denied",
    "resume_failed", "hello_required", "unavailable", "banned", "no_such_alert",
    "queue_closed",
    "links_not_allowed",
    "no_such_poll",
]  # fmt: skip
EventType = Literal[
    "joined", "left", "message", "message_deleted", "hand_raised", "hand_lowered",
    "floor_granted", "floor_released", "muted", "unmuted", "settings_changed", "knock",
    "reaction", "round_started", "round_ended", "meeting_ended",
    "admitted", "denied", "resources_changed", "floor_extended", "alert",
    "alert_updated", "whisper", "role_changed", "facilitator_view", "chair_changed",
    "segment_started", "meeting_changed", "agenda_changed",
    "poll", "poll_results", "poll_closed",
]  # fmt: skip
ERROR_CODES: tuple[ErrorCode, ...] = get_args(ErrorCode)
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
COMMAND_TYPES = (
    "hello", "say", "raise_hand", "lower_hand", "yield", "pass", "react", "help", "report",
    "leave", "ping", "grant", "revoke", "start_round", "end_round", "mute", "unmute", "remove",
    "delete", "admit", "deny", "settings", "end", "stats", "extend_floor", "whisper",
    "claim_alert", "resolve_alert", "promote", "demote", "retract",
    "next_segment", "goto_segment",
    "poll_start", "vote", "poll_close",
)  # fmt: skip
SERVER_MESSAGE_TYPES = ("welcome", "waiting", "ack", "error", "pong", "stats", "history_lost")


class CloseCode(IntEnum):
    """Every WebSocket close code the server sends, as docs/protocol.md lists them."""

    NORMAL = 1000  # left, or the meeting ended
    TOO_BIG = 1009
    RESTARTING = 1012
    TRY_AGAIN = 1013  # the room log is unreachable, or the client read too slowly
    HELLO = 4400
    FORBIDDEN = 4403
    NOT_FOUND = 4404
    NOT_OPEN = 4409
    HISTORY_LOST = 4410
    FLOOD = 4429


class ProtocolError(Exception):
    def __init__(self, code: ErrorCode, message: str, request_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id


class _Frame(msgspec.Struct, tag_field="type", forbid_unknown_fields=False):
    pass


class ResumeInfo(msgspec.Struct, frozen=True):
    token: Annotated[str, msgspec.Meta(max_length=128)]
    last_seq: Annotated[int, msgspec.Meta(ge=0)] = 0


class Hello(_Frame, tag="hello"):
    pseudonym: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    invite: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    facilitator_token: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    resume: ResumeInfo | None = None
    # What the browser derives from its own secret and the group (docs/protocol.md):
    # never stored nor logged, only hashed again with a per-group key at admission.
    device: Annotated[str, msgspec.Meta(min_length=16, max_length=64, pattern=DEVICE)] | None = None
    id: RequestId | None = None


class Say(_Frame, tag="say"):
    text: Annotated[str, msgspec.Meta(max_length=20_000)]
    id: RequestId | None = None
    # Internal: how many words the shell masked before the log (decoding resets it).
    masked: int = 0


class RaiseHand(_Frame, tag="raise_hand"):
    id: RequestId | None = None


class LowerHand(_Frame, tag="lower_hand"):
    id: RequestId | None = None


class Yield(_Frame, tag="yield"):
    id: RequestId | None = None


class Pass(_Frame, tag="pass"):
    id: RequestId | None = None


class React(_Frame, tag="react"):
    message_id: Mid
    emoji: Annotated[str, msgspec.Meta(max_length=16)]
    id: RequestId | None = None


class Help(_Frame, tag="help"):
    note: Note = ""
    id: RequestId | None = None


class Report(_Frame, tag="report"):
    message_id: Mid
    reason: Note = ""
    id: RequestId | None = None


class Whisper(_Frame, tag="whisper"):
    """A private line: a facilitator to one participant (`to`), an attendee to the
    facilitators as a group (no `to`)."""

    text: Annotated[str, msgspec.Meta(max_length=20_000)]
    to: Pid | None = None
    id: RequestId | None = None


class Retract(_Frame, tag="retract"):
    """The author takes back their own message (not moderation: never audited)."""

    message_id: Mid
    id: RequestId | None = None


class ClaimAlert(_Frame, tag="claim_alert"):
    alert_id: Annotated[str, msgspec.Meta(max_length=32)]
    id: RequestId | None = None


class ResolveAlert(_Frame, tag="resolve_alert"):
    alert_id: Annotated[str, msgspec.Meta(max_length=32)]
    id: RequestId | None = None


PollOption = Annotated[str, msgspec.Meta(max_length=400)]


class PollStart(_Frame, tag="poll_start"):
    """A question with `options`, or the built-in `scale` (rooms/polls.py has the rules:
    sizes here only bound the frame)."""

    question: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    options: Annotated[list[PollOption], msgspec.Meta(max_length=20)] | None = None
    scale: Literal["arriving"] | None = None
    results: Literal["everyone", "facilitators"] = "everyone"
    id: RequestId | None = None


class Vote(_Frame, tag="vote"):
    poll_id: Annotated[str, msgspec.Meta(max_length=32)]
    option: Annotated[int, msgspec.Meta(ge=0, le=99)]  # the open poll's own range: rooms/polls.py
    id: RequestId | None = None


class PollClose(_Frame, tag="poll_close"):
    poll_id: Annotated[str, msgspec.Meta(max_length=32)]
    id: RequestId | None = None


class Leave(_Frame, tag="leave"):
    id: RequestId | None = None


class Ping(_Frame, tag="ping"):
    id: RequestId | None = None


class Grant(_Frame, tag="grant"):
    participant_id: Pid | None = None
    id: RequestId | None = None


class Revoke(_Frame, tag="revoke"):
    id: RequestId | None = None


class ExtendFloor(_Frame, tag="extend_floor"):
    """Adds time to the running share: its end moves by `seconds`."""

    seconds: Annotated[int, msgspec.Meta(ge=1, le=600)]
    id: RequestId | None = None


class Promote(_Frame, tag="promote"):
    """A facilitator makes an attendee a co-host (a facilitator) for this meeting."""

    participant_id: Pid
    id: RequestId | None = None


class Demote(_Frame, tag="demote"):
    participant_id: Pid
    id: RequestId | None = None


class StartRound(_Frame, tag="start_round"):
    id: RequestId | None = None


class EndRound(_Frame, tag="end_round"):
    id: RequestId | None = None


class Mute(_Frame, tag="mute"):
    participant_id: Pid
    id: RequestId | None = None


class Unmute(_Frame, tag="unmute"):
    participant_id: Pid
    id: RequestId | None = None


class Remove(_Frame, tag="remove"):
    participant_id: Pid
    id: RequestId | None = None


class Delete(_Frame, tag="delete"):
    message_id: Mid
    id: RequestId | None = None


class Admit(_Frame, tag="admit"):
    participant_id: Pid
    id: RequestId | None = None


class Deny(_Frame, tag="deny"):
    participant_id: Pid
    id: RequestId | None = None


class SettingsChange(_Frame, tag="settings"):
    crosstalk: bool | None = None
    share_seconds: Annotated[int, msgspec.Meta(ge=30, le=1800)] | None = None
    locked: bool | None = None
    lobby: bool | None = None
    slow_mode_seconds: Annotated[int, msgspec.Meta(ge=0, le=300)] | None = None
    queue_policy: QueuePolicy | None = None
    queue_open: bool | None = None
    id: RequestId | None = None


class NextSegment(_Frame, tag="next_segment"):
    """`current`: the part the facilitator saw as current; if the room has moved on
    since (another facilitator clicked first), the command is stale and changes nothing."""

    current: Annotated[int, msgspec.Meta(ge=-1, le=1000)] | None = None
    id: RequestId | None = None


class GotoSegment(_Frame, tag="goto_segment"):
    index: Annotated[int, msgspec.Meta(ge=0, le=1000)]
    id: RequestId | None = None


class End(_Frame, tag="end"):
    id: RequestId | None = None


class Stats(_Frame, tag="stats"):
    id: RequestId | None = None


ClientFrame = (
    Hello | Say | RaiseHand | LowerHand | Yield | Pass | React | Help | Report | Leave | Ping
    | Grant | Revoke | StartRound | EndRound | Mute | Unmute | Remove | Delete | Admit | Deny
    | SettingsChange | End | Stats | ExtendFloor | Whisper | ClaimAlert | ResolveAlert
    | Promote | Demote | Retract | NextSegment | GotoSegment
    | PollStart | Vote | PollClose
)  # fmt: skip

# Internal commands: appended by servers, never accepted from a client.


class Open(_Frame, tag="open"):
    config: RoomConfig


class Join(_Frame, tag="join"):
    """Built by the server only: no client frame decodes to it. The last four fields
    are internal: `lobby_exempt` skips the lobby (facilitators, people let in before);
    `waiting` and `muted` bring back what a person was when the log lost the room's
    history, so that a rebuilt room neither admits its lobby nor unmutes anyone
    (`waiting` also sends a newcomer through the lobby after a removal in the group,
    server/admission.py)."""

    conn: str
    role: Literal["attendee", "facilitator"]
    pseudonym: str | None
    name_seed: int
    token_hash: str
    lobby_exempt: bool = False
    waiting: bool = False
    muted: bool = False
    # The keyed hash of hello's `device` (server/security.py, never the value): what a
    # removal keeps out (server/keep_outs.py).
    device_hash: str | None = None


class Resume(_Frame, tag="resume"):
    conn: str
    token_hash: str


class Disconnect(_Frame, tag="disconnect"):
    participant_id: str
    conn: str


class Timeout(_Frame, tag="timeout"):
    participant_id: str


class Expire(_Frame, tag="expire"):
    turn_id: int


class Close(_Frame, tag="close"):
    """The scheduled end (ignored before it), or `cancelled`: the organiser called the
    meeting off, or deleted it, while the room was open."""

    cancelled: bool = False


class SetResources(_Frame, tag="set_resources"):
    """The organiser pinned or unpinned a resource while the room was open."""

    resources: list[ResourceInfo]


class Reconfigure(_Frame, tag="reconfigure"):
    """Built by the server only: an organiser edited the meeting, its group or its
    format while the room was open, and this is the room's config as it is now."""

    config: RoomConfig


SystemCommand = (
    Open | Join | Resume | Disconnect | Timeout | Expire | Close | SetResources | Reconfigure
)
Command = ClientFrame | SystemCommand


class Submission(msgspec.Struct, frozen=True):
    """What the log stores: the command and who sent it, stamped by the server."""

    actor: str | None
    origin: str | None
    command: Command


# Outcomes ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ok:
    seq: int | None = None
    participant_id: str | None = None
    waiting: bool = False


@dataclass(frozen=True, slots=True)
class Err:
    code: ErrorCode
    message: str


Outcome = Ok | Err


# Encoding and decoding -----------------------------------------------------------

_client_decoder = msgspec.json.Decoder(ClientFrame)
_submission_decoder = msgspec.json.Decoder(Submission)
_encoder = msgspec.json.Encoder()


def _request_id(data: str | bytes) -> str | None:
    try:
        obj = msgspec.json.decode(data)
    except (msgspec.DecodeError, RecursionError):
        return None
    if isinstance(obj, dict):
        rid = obj.get("id")
        if isinstance(rid, str) and len(rid) <= 64:
            return rid
    return None


def decode_client_frame(data: str | bytes, max_text: int = 2000) -> ClientFrame:
    """Decodes and validates one frame, or raises ProtocolError (bad_request, too_large)."""
    try:
        frame: ClientFrame = _client_decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise ProtocolError("bad_request", _describe(str(exc)), _request_id(data)) from None
    except msgspec.DecodeError:
        raise ProtocolError("bad_request", "A frame must be one JSON object.", None) from None
    except RecursionError:
        # msgspec stops at the interpreter's recursion limit, long before the stack does.
        raise ProtocolError("bad_request", "The frame is nested too deeply.", None) from None
    if isinstance(frame, Say):
        text = frame.text.strip()
        if not text:
            raise ProtocolError("bad_request", "Say something: the text is empty.", frame.id)
        if len(text) > max_text:
            raise ProtocolError("too_large", f"At most {max_text} characters.", frame.id)
        frame = Say(text=text, id=frame.id)
    elif isinstance(frame, Whisper):
        text = frame.text.strip()
        if not text:
            raise ProtocolError("bad_request", "Say something: the text is empty.", frame.id)
        if len(text) > max_text:
            raise ProtocolError("too_large", f"At most {max_text} characters.", frame.id)
        frame = Whisper(text=text, to=frame.to, id=frame.id)
    elif isinstance(frame, React) and frame.emoji not in REACTIONS:
        raise ProtocolError("bad_request", f"Reactions are {' '.join(REACTIONS)}.", frame.id)
    return frame


def _describe(error: str) -> str:
    if "Invalid value" in error and "`$.type`" in error:
        return "Unknown message type."
    if error.startswith("Object missing required field `type`"):
        return "Every frame needs a type."
    if error.startswith("Expected `object`"):
        return "A frame must be one JSON object."
    return error


def encode_submission(submission: Submission) -> bytes:
    return _encoder.encode(submission)


def decode_submission(data: bytes) -> Submission:
    return _submission_decoder.decode(data)


def iso(at_ms: int) -> str:
    return (
        datetime.fromtimestamp(at_ms / 1000, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


class _EventLike(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def at_ms(self) -> int: ...
    @property
    def body(self) -> dict[str, Any]: ...


def encode_event(event: _EventLike) -> bytes:
    """The event's frame: `type`, `seq`, `at`, then its fields. Encoded once per worker."""
    return _encoder.encode(
        {"type": event.type, "seq": event.seq, "at": iso(event.at_ms), **event.body}
    )


def encode_server_message(message: dict[str, Any]) -> str:
    return _encoder.encode(message).decode()
