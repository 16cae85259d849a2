"""Admission to a meeting's room: what the database says before the room log decides.

The window, the group's invite rule, keep-outs and the facilitator token are checked
here; everything that depends on who else is in the room (pseudonyms, capacity, the
lock, the lobby) is decided by the reducer, in log order. What the meeting and group
say is read once per open room and kept (server/admission_cache.py) until the room's
log shows an edit; what must be exact for each person stays a database read: redeeming
an invite (one conditional UPDATE) and a facilitator token's user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import protocol
from server.admission_cache import MeetingFacts
from server.admission_watch import AdmissionWatch
from server.clock import utc_now
from server.context import AppContext
from server.db.formats import meeting_format
from server.db.invites import redeem_invite
from server.db.keep_outs import kept_out_until
from server.db.models import Group, GroupFacilitator, Meeting, User
from server.db.resources import group_resources
from server.room_setup import RoomSetup, room_config


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


async def read_facts(app: AppContext, meeting_id: str) -> MeetingFacts | None:
    """The meeting's admission facts as the database has them now; None: no meeting."""
    if len(meeting_id) > 32:
        return None
    async with app.session() as session:
        meeting = await session.get(Meeting, meeting_id)
        if meeting is None:
            return None
        group = await session.get(Group, meeting.group_id)
        assert group is not None
        resources = await group_resources(session, group.id)
        plan = await meeting_format(session, meeting)
        setup = RoomSetup(
            config=room_config(app.settings, meeting, group, resources, plan),
            group_id=group.id,
            retention_seconds=app.settings.room_retention_seconds,
        )
        return MeetingFacts(
            group_id=group.id,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            cancelled=meeting.cancelled,
            ended_at=meeting.ended_at,
            closed=group.visibility == "closed",
            lobby_until=group.lobby_until,
            keep_out_days=group.keep_out_days,
            lobby_after_removal_minutes=group.lobby_after_removal_minutes,
            kept_out=await kept_out_until(session, group.id),
            setup=setup,
        )


def _window(app: AppContext, facts: MeetingFacts, now: datetime) -> Admission | None:
    if facts.cancelled:
        return _refused("meeting_ended", "This meeting was cancelled.")
    if facts.ended_at is not None or now >= facts.ends_at:
        return _refused("meeting_ended", "This meeting has ended.")
    minutes = app.settings.room_open_minutes
    if now < facts.starts_at - timedelta(minutes=minutes):
        return _refused("meeting_not_open", f"The room opens {minutes} minutes before the meeting.")
    return None


def _kept_out(
    facts: MeetingFacts, watch: AdmissionWatch | None, device: str, now: datetime
) -> bool:
    until = facts.kept_out.get(device)
    if until is not None and now < until:
        return True
    removed_ms = watch.removed.get(device) if watch is not None else None
    if removed_ms is None or facts.keep_out_days <= 0:
        return False
    return now.timestamp() * 1000 < removed_ms + facts.keep_out_days * 86_400_000


def _lobby(facts: MeetingFacts, watch: AdmissionWatch | None, now: datetime) -> bool:
    if facts.lobby_until is not None and now < facts.lobby_until:
        return True
    removal = watch.last_removal_ms if watch is not None else None
    if removal is None or facts.lobby_after_removal_minutes <= 0:
        return False
    return now.timestamp() * 1000 < removal + facts.lobby_after_removal_minutes * 60_000


async def admit(
    app: AppContext,
    meeting_id: str,
    hello: protocol.Hello,
    facts: MeetingFacts | None,
    watch: AdmissionWatch | None = None,
) -> Admission:
    """Decides one hello from `facts` (None: there is no such meeting), reading the
    database only for what must be exact: the invite's use, the facilitator's rights.
    `watch` is the room's, when this worker holds it: removals not yet in `facts`."""
    if facts is None:
        return _refused("meeting_not_found", "There is no such meeting.")
    now = utc_now()
    refusal = _window(app, facts, now)
    if refusal is not None:
        return refusal
    role: Literal["attendee", "facilitator"] = "attendee"
    facilitator_name = None
    redeemed = None
    device_hash = None
    if hello.device is not None:
        assert app.signer is not None
        device_hash = app.signer.device_hash(facts.group_id, hello.device)
    if hello.facilitator_token is not None:
        assert app.signer is not None
        claim = app.signer.read_facilitator_token(hello.facilitator_token, meeting_id)
        if claim is None:
            return _refused("not_allowed", "That facilitator token is not valid here.")
        async with app.session() as session:
            if not await _still_runs(session, claim.user_id, facts.group_id):
                return _refused("not_allowed", "That facilitator token is not valid here.")
        role, facilitator_name = "facilitator", claim.username
    elif device_hash is not None and _kept_out(facts, watch, device_hash, now):
        return _refused("banned", "This browser is kept out of this group for now.")
    elif hello.resume is None and facts.closed:
        if not hello.invite:
            return _refused("invite_required", "This group is invite only.")
        async with app.session() as session:
            problem = await redeem_invite(session, facts.group_id, hello.invite)
        if problem is not None:
            return _refused("invite_invalid", "That invite is not valid (expired or used up).")
        redeemed = hello.invite
    return Admission(
        setup=facts.setup,
        role=role,
        facilitator_name=facilitator_name,
        invite=redeemed,
        device_hash=device_hash,
        lobby=_lobby(facts, watch, now),
    )
