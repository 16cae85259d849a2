"""Read-only views of a room: who may see what, and what a newcomer is shown."""

from __future__ import annotations

from typing import Any

from rooms.config import resource_dicts
from rooms.protocol import iso
from rooms.state import Event, Room


def is_open(room: Room) -> bool:
    return room.config is not None


def is_ended(room: Room) -> bool:
    return room.ended


def is_member(room: Room, participant_id: str) -> bool:
    person = room.participants.get(participant_id)
    return person is not None and person.status != "gone"


def is_facilitator(room: Room, participant_id: str) -> bool:
    person = room.participants.get(participant_id)
    return person is not None and person.status == "in" and person.role == "facilitator"


def can_see(room: Room, event: Event, participant_id: str) -> bool:
    """Whether this participant receives this event, by what they are now: the fan-out
    reads it after the whole entry, so a promotion's own events already reach its co-host."""
    person = room.participants.get(participant_id)
    if person is None:
        return False
    kind, target = event.audience
    if kind == "only":
        return target == participant_id
    if kind == "pair":
        return target is not None and participant_id in target.split(" ")
    if person.status == "waiting":
        return event.type == "meeting_ended"
    if kind == "all":
        return True
    if kind == "facilitators_and" and target == participant_id:
        return True
    return person.role == "facilitator"


def can_replay(room: Room, event: Event, participant_id: str) -> bool:
    """Whether a resume may deliver this event: only what this participant could have
    seen live, which is nothing from before it was let in (nor from its lobby wait)."""
    person = room.participants.get(participant_id)
    if person is None or person.admitted_seq is None or event.seq <= person.admitted_seq:
        return False
    kind, target = event.audience
    by_role = kind == "facilitators" or (kind == "facilitators_and" and target != participant_id)
    if by_role and event.seq <= person.role_seq:
        return False  # meant for facilitators before this participant became one
    return can_see(room, event, participant_id)


def last_event_seq(room: Room) -> int:
    return room.event_seq


def you(room: Room, participant_id: str) -> dict[str, Any]:
    person = room.participants[participant_id]
    return {"id": person.id, "pseudonym": person.pseudonym, "role": person.role}


def meeting_view(room: Room) -> dict[str, Any]:
    config = room.config
    assert config is not None
    return {
        "id": config.meeting_id,
        "title": config.title,
        "group": config.group_name,
        "group_id": config.group_id,
        "language": config.language,
        "starts_at": iso(config.starts_at_ms),
        "ends_at": iso(config.ends_at_ms),
        "status": "ended" if room.ended else "open",
    }


def snapshot(room: Room, viewer_id: str) -> dict[str, Any]:
    config = room.config
    assert config is not None
    floor = room.floor
    state: dict[str, Any] = {
        "participants": [x.public() for x in sorted(room.present(), key=lambda x: x.order)],
        "queue": room.queue(),
        "floor": None
        if floor is None
        else {
            "participant_id": floor.participant_id,
            "turn_id": floor.turn_id,
            "started_at": iso(floor.started_at_ms),
            "ends_at": iso(floor.ends_at_ms),
            "paused": floor.paused_left_ms is not None,
        },
        "settings": room.settings.as_dict(),
        "resources": resource_dicts(config.resources),
        "round": None if room.round is None else {"order": list(room.round.order)},
        "chair": room.chair,
    }
    if is_facilitator(room, viewer_id):
        state["lobby"] = lobby_view(room)
    return state


def lobby_view(room: Room) -> list[dict[str, Any]]:
    """Who waits in the lobby, for facilitators (`welcome.state.lobby`, `facilitator_view`)."""
    return [
        {"id": x.id, "pseudonym": x.pseudonym}
        for x in room.participants.values()
        if x.status == "waiting"
    ]


def alerts_view(room: Room) -> list[dict[str, Any]]:
    """Every alert the room keeps, oldest first: for facilitators' `welcome.alerts`."""
    return [alert.public() for alert in room.alerts.values()]


def poll_view(room: Room, viewer_id: str) -> dict[str, Any] | None:
    """The open poll for `welcome`, with this viewer's own choice only (so a reload shows
    it): nobody else's, and no counts while it is open."""
    poll = room.poll
    if poll is None:
        return None
    return {**poll.public(), "your_vote": poll.votes.get(viewer_id)}


def recent_messages(room: Room) -> list[dict[str, Any]]:
    """Earlier messages, for groups that let late joiners see them."""
    return [
        {
            "type": "message",
            "seq": m.seq,
            "at": iso(m.at_ms),
            "message_id": m.id,
            "participant_id": m.participant_id,
            "pseudonym": m.pseudonym,
            "text": m.text,
            "share": m.share,
            "masked": m.masked,
        }
        for m in room.messages.values()
        if not m.deleted
    ]


def speaker_stats(room: Room, now_ms: int) -> list[dict[str, Any]]:
    """Shares and seconds held per participant, the running share included; those who
    shared and left are counted too."""
    rows: list[tuple[int, dict[str, Any]]] = [
        (x.order, _stat_row(x.participant_id, x.pseudonym, x.shares, x.held_ms))
        for x in room.departed_speakers.values()
    ]
    for person in room.participants.values():
        held = person.held_ms
        floor = room.floor
        if floor is not None and floor.participant_id == person.id:
            held += max(0, min(now_ms, floor.ends_at_ms) - floor.started_at_ms)
        if person.shares or person.status == "in":
            rows.append((person.order, _stat_row(person.id, person.pseudonym, person.shares, held)))
    return [row for _, row in sorted(rows, key=lambda r: r[0])]


def _stat_row(participant_id: str, pseudonym: str, shares: int, held_ms: int) -> dict[str, Any]:
    return {
        "participant_id": participant_id,
        "pseudonym": pseudonym,
        "shares": shares,
        "seconds": held_ms // 1000,
    }
