"""The private line: a facilitator to one participant, an attendee to the facilitators.

There is no attendee-to-attendee line: peer-support formats warn against private
messages between members, and a hostile attendee could use one to reach someone
unseen. Whispers are like messages: in the room log only, gone with the room.
"""

from __future__ import annotations

from rooms import alerts
from rooms import protocol as p
from rooms.entry import Ctx, Refused, limited
from rooms.state import FACILITATORS, Participant, facilitators_and, pair


def whisper(ctx: Ctx, person: Participant, command: p.Whisper) -> p.Ok:
    """Muted attendees may still whisper: the facilitators are who they may need."""
    room = ctx.room
    body: dict[str, object] = {
        "participant_id": person.id,
        "pseudonym": person.pseudonym,
        "to": None,
        "to_pseudonym": None,
        "text": command.text,
    }
    if person.role != "facilitator":
        if command.to is not None:
            raise Refused(
                "not_allowed", "Private messages go to the facilitators, not to one person."
            )
        limited(alerts.take_whisper(person, ctx.at))
        ctx.emit("whisper", body, facilitators_and(person.id))
        return p.Ok()
    if command.to is None:
        ctx.emit("whisper", body, FACILITATORS)
        return p.Ok()
    target = room.participants.get(command.to)
    if target is None or target.status == "gone" or target.id == person.id:
        raise Refused("no_such_participant", "Nobody by that id is here or waiting.")
    body["to"] = target.id
    body["to_pseudonym"] = target.pseudonym
    ctx.emit("whisper", body, pair(person.id, target.id))
    return p.Ok()
