"""Every frame the server sends that is not an event: built here, and only here.

Events are encoded by rooms.protocol.encode_event, once per worker; these are the
per-connection replies around them.
"""

from __future__ import annotations

from typing import Any

from rooms import agenda, protocol, views
from rooms.state import Room


def error(code: protocol.ErrorCode, message: str, request_id: str | None = None) -> str:
    return protocol.encode_server_message(
        {"type": "error", "id": request_id, "code": code, "message": message}
    )


def refusal(err: protocol.Err, request_id: str | None = None) -> str:
    return error(err.code, err.message, request_id)


def reply(outcome: protocol.Outcome, request_id: str | None) -> str:
    """A command's `ack`, or its `error`."""
    if isinstance(outcome, protocol.Err):
        return refusal(outcome, request_id)
    return protocol.encode_server_message({"type": "ack", "id": request_id, "seq": outcome.seq})


def pong(request_id: str | None) -> str:
    return protocol.encode_server_message({"type": "pong", "id": request_id})


def history_lost() -> str:
    return protocol.encode_server_message({"type": "history_lost"})


def stats(room: Room, request_id: str | None, now_ms: int) -> str:
    return protocol.encode_server_message(
        {"type": "stats", "id": request_id, "speakers": views.speaker_stats(room, now_ms)}
    )


def waiting(room: Room, participant_id: str, resume_token: str) -> str:
    return protocol.encode_server_message(
        {
            "type": "waiting",
            "protocol": protocol.PROTOCOL_VERSION,
            "you": views.you(room, participant_id),
            "resume_token": resume_token,
            "meeting": views.meeting_view(room),
        }
    )


def welcome(
    room: Room, participant_id: str, resume_token: str, *, resumed: bool, history: bool
) -> str:
    """`history`: the group lets a newcomer read what was said before it came."""
    recent: list[dict[str, Any]] = views.recent_messages(room) if history else []
    message: dict[str, Any] = {
        "type": "welcome",
        "protocol": protocol.PROTOCOL_VERSION,
        "you": views.you(room, participant_id),
        "resume_token": resume_token,
        "meeting": views.meeting_view(room),
        "state": views.snapshot(room, participant_id),
        "seq": views.last_event_seq(room),
        "recent": recent,
        "resumed": resumed,
        "agenda": agenda.agenda_view(room),
        "poll": views.poll_view(room, participant_id),
    }
    if views.is_facilitator(room, participant_id):
        message["alerts"] = views.alerts_view(room)
    return protocol.encode_server_message(message)
