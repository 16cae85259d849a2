"""Admission to a meeting's room: what the database says before the room log decides.

The window, the group's invite rule and the facilitator token are checked here,
against the database; everything that depends on who else is in the room
(pseudonyms, capacity, the lock, the lobby) is decided by the reducer, in log order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import protocol
from server.clock import utc_now
from server.context import AppContext
from server.db.invites import redeem_invite
from server.db.keep_outs import kept_out
from server.db.models import Group, GroupFacilitator, Meeting, User
from server.db.resources import group_resources, room_resources
from server.room_setup import RoomSetup, room_limits


@dataclass(frozen=True, slots=True)
class Admission:
    setup: RoomSetup | None = None
    role: Literal["attendee", "facilitator"] = "attendee"
    facilitator_name: str | None = None
    error: protocol.Err | None = None
    invite: str | None = None  # the code whose use was counted, to give back if unused
    device_hash: str | None = None  # hello's device, hashed with the group's key
    lobby: bool = False  # a removal happened lately: newcomers wait in the lobby


def _refused(code: protocol.ErrorCode, message: str) -> Admission:
    return Admission(error=protocol.Err(code, message))


async def _still_runs(session: AsyncSession, user_id: int, group_id: str) -> bool:
    """A facilitator token holds only while its user may still run the group: an
    organiser, or one of the group's facilitators (unassigning one ends their tokens)."""
    user = await session.get(User, user_id)
    if user is None:
        return False
    if user.role == "organiser":
        return True
    assigned = await session.scalar(
        select(GroupFacilitator.user_id).where(
            GroupFacilitator.group_id == group_id, GroupFacilitator.user_id == user_id
        )
    )
    return assigned is not None


async def admit(app: AppContext, meeting_id: str, hello: protocol.Hello) -> Admission:
    settings = app.settings
    async with app.session() as session:
        meeting = await session.get(Meeting, meeting_id) if len(meeting_id) <= 32 else None
        if meeting is None:
            return _refused("meeting_not_found", "There is no such meeting.")
        group = await session.get(Group, meeting.group_id)
        assert group is not None
        now = utc_now()
        if meeting.cancelled:
            return _refused("meeting_ended", "This meeting was cancelled.")
        if meeting.ended_at is not None or now >= meeting.ends_at:
            return _refused("meeting_ended", "This meeting has ended.")
        if now < meeting.starts_at - timedelta(minutes=settings.room_open_minutes):
            return _refused(
                "meeting_not_open",
                f"The room opens {settings.room_open_minutes} minutes before the meeting.",
            )
        role: Literal["attendee", "facilitator"] = "attendee"
        facilitator_name = None
        redeemed = None
        device_hash = None
        if hello.device is not None:
            assert app.signer is not None
            device_hash = app.signer.device_hash(group.id, hello.device)
        if hello.facilitator_token is not None:
            assert app.signer is not None
            claim = app.signer.read_facilitator_token(hello.facilitator_token, meeting_id)
            if claim is None or not await _still_runs(session, claim.user_id, group.id):
                return _refused("not_allowed", "That facilitator token is not valid here.")
            role, facilitator_name = "facilitator", claim.username
        elif device_hash is not None and await kept_out(session, group.id, device_hash):
            return _refused("banned", "This browser is kept out of this group for now.")
        elif hello.resume is None and group.visibility == "closed":
            if not hello.invite:
                return _refused("invite_required", "This group is invite only.")
            problem = await redeem_invite(session, group.id, hello.invite)
            if problem is not None:
                return _refused("invite_invalid", "That invite is not valid (expired or used up).")
            redeemed = hello.invite
        resources = await group_resources(session, group.id)
        setup = RoomSetup(
            config=protocol.RoomConfig(
                meeting_id=meeting.id,
                title=meeting.title or group.name,
                group_name=group.name,
                language=group.language,
                starts_at_ms=int(meeting.starts_at.timestamp() * 1000),
                ends_at_ms=int(meeting.ends_at.timestamp() * 1000),
                capacity=group.capacity,
                lobby=group.lobby,
                late_joiners_see_history=group.late_joiners_see_history,
                share_seconds=group.share_seconds,
                crosstalk=group.crosstalk,
                grace_seconds=settings.resume_grace_seconds,
                lobby_when_unattended=group.lobby_when_unattended,
                resources=room_resources(resources),
                limits=room_limits(settings),
                links_from_facilitators_only=group.links_from_facilitators_only,
                masked_words=tuple(group.masked_words or ()),
            ),
            group_id=group.id,
            retention_seconds=settings.room_retention_seconds,
        )
        return Admission(
            setup=setup,
            role=role,
            facilitator_name=facilitator_name,
            invite=redeemed,
            device_hash=device_hash,
            lobby=group.lobby_until is not None and now < group.lobby_until,
        )
