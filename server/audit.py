"""The moderation audit: what was done, by which role to which role, and when.

A person is named by role and ordinal (their order of joining in that meeting, so
"facilitator #1 muted attendee #3"), never by pseudonym: the README promises a
pseudonym lives only as long as the meeting's room, and an audit row outlives it. Nor
by participant id or token, nor anything anyone wrote.

A removal also has effects beyond the room (record_removal): the removed browser's
keep-out, and the group's lobby for newcomers after a removal.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from rooms import protocol
from rooms.state import Room
from server.api.live_rooms import open_meetings, reconfigure_rooms
from server.context import AppContext
from server.db.keep_outs import keep_out
from server.db.models import AuditEntry, Group, Meeting, utcnow

log = logging.getLogger("hearth.audit")

AUDITED: dict[type, str] = {
    protocol.Mute: "mute",
    protocol.Unmute: "unmute",
    protocol.Remove: "remove",
    protocol.Delete: "delete",
    protocol.Admit: "admit",
    protocol.Deny: "deny",
    protocol.Grant: "grant",
    protocol.Revoke: "revoke",
    protocol.ExtendFloor: "extend_floor",
    protocol.SettingsChange: "settings",
    protocol.End: "end",
    protocol.ClaimAlert: "claim_alert",
    protocol.ResolveAlert: "resolve_alert",
    protocol.Promote: "promote",
    protocol.Demote: "demote",
}


def audit_row(
    room: Room, meeting_id: str, actor_id: str, command: protocol.ClientFrame
) -> AuditEntry | None:
    action = AUDITED.get(type(command))
    if action is None:
        return None
    target_id = getattr(command, "participant_id", None)
    if isinstance(command, protocol.ExtendFloor):
        target_id = room.floor.participant_id if room.floor is not None else None
    if isinstance(command, protocol.Delete):
        message = room.messages.get(command.message_id)
        target_id = message.participant_id if message is not None else None
    if isinstance(command, protocol.ClaimAlert | protocol.ResolveAlert):
        alert = room.alerts.get(command.alert_id)
        target_id = alert.participant_id if alert is not None else None
    actor = room.participants.get(actor_id)
    target = room.participants.get(target_id) if target_id is not None else None
    return AuditEntry(
        meeting_id=meeting_id,
        action=action,
        actor_role=actor.role if actor is not None else None,
        actor_ordinal=actor.order if actor is not None else None,
        target_role=target.role if target is not None else None,
        target_ordinal=target.order if target is not None else None,
        at=utcnow(),
    )


async def record(app: AppContext, row: AuditEntry, ended: bool) -> None:
    """Stores one audit row; a facilitator ending the meeting early also marks it ended."""
    try:
        async with app.session() as session:
            session.add(row)
            if ended:
                meeting = await session.get(Meeting, row.meeting_id)
                if meeting is not None and meeting.ended_at is None:
                    meeting.ended_at = row.at
            await session.commit()
    except Exception as exc:  # the meeting goes on even if the audit cannot be written
        log.warning("could not write an audit row: %s", type(exc).__name__)


async def record_removal(app: AppContext, group_id: str, device_hash: str | None) -> None:
    """After a removal: keeps the removed browser out of the group for its keep_out_days,
    and sends every newcomer through the lobby for its lobby_after_removal_minutes."""
    try:
        async with app.session() as session:
            group = await session.get(Group, group_id)
            if group is None:
                return
            lobby = group.lobby_after_removal_minutes > 0
            if lobby:
                until = utcnow() + timedelta(minutes=group.lobby_after_removal_minutes)
                group.lobby_until = max(until, group.lobby_until or until)
                await session.commit()
            kept = device_hash is not None and group.keep_out_days > 0
            if device_hash is not None:
                await keep_out(session, group_id, device_hash, group.keep_out_days)
            if lobby or kept:
                # Every worker's admission cache, in every open room of the group, reads
                # the keep-out and the lobby again (server/admission_cache.py).
                await reconfigure_rooms(app, session, await open_meetings(app, session, group_id))
    except Exception as exc:  # the meeting goes on even if the keep-out cannot be written
        log.warning("could not write a keep-out: %s", type(exc).__name__)
