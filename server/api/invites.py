"""A group's invites: codes that let a newcomer into a closed group's meetings.

Organisers, and the group's own facilitators (who are the ones who meet
newcomers), may create, list and revoke them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from sqlalchemy import or_, select, update
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import commit_to_group, group_access
from server.api.errors import invalid, not_found
from server.api.jsonio import decode_body, json_response
from server.db.invites import plausible_code
from server.db.models import Invite, utcnow
from server.security import hash_secret, new_code


class InviteIn(msgspec.Struct, forbid_unknown_fields=True):
    expires_at: datetime | None = None
    max_uses: Annotated[int, msgspec.Meta(ge=1, le=10000)] | None = None


def invite_status(invite: Invite) -> str:
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at is not None and invite.expires_at <= utcnow():
        return "expired"
    if invite.max_uses is not None and invite.use_count >= invite.max_uses:
        return "used_up"
    return "active"


def invite_out(invite: Invite) -> dict[str, Any]:
    return {
        "id": invite.id,
        "hint": invite.hint,
        "expires_at": invite.expires_at,
        "max_uses": invite.max_uses,
        "use_count": invite.use_count,
        "revoked": invite.revoked_at is not None,
        "status": invite_status(invite),
        "created_at": invite.created_at,
    }


async def create_invite(request: Request) -> Response:
    """Organisers, and facilitators of this group (they welcome newcomers), may invite.

    The code is in this answer only: the database keeps its hash and a 4-character
    hint. The url carries it in the fragment, which never reaches a server log.
    """
    async with group_access(request, write=False) as (_, session, user, group):
        body = await decode_body(request, InviteIn)
        expires_at = body.expires_at
        if expires_at is not None:
            try:
                expires_at = expires_at.replace(tzinfo=expires_at.tzinfo or UTC).astimezone(UTC)
            except OverflowError:  # 9999-12-31T23:59-05:00 is past year 9999 in UTC
                raise invalid({"expires_at": "Too far in the future."}) from None
            if expires_at <= utcnow():
                raise invalid({"expires_at": "Must be in the future."})
        code = new_code()
        invite = Invite(
            group_id=group.id,
            code_hash=hash_secret(code),
            hint=code[:4],
            expires_at=expires_at,
            max_uses=body.max_uses,
            created_by=user.id,
        )
        session.add(invite)
        await commit_to_group(session, group.id)
        out = invite_out(invite)
        out["code"] = code
        out["url"] = f"{request.url.scheme}://{request.url.netloc}/g/{group.id}#invite={code}"
        return json_response(out, status=201)


async def list_invites(request: Request) -> Response:
    async with group_access(request, write=False) as (_, session, _, group):
        invites = await session.scalars(
            select(Invite).where(Invite.group_id == group.id).order_by(Invite.created_at)
        )
        return json_response([invite_out(i) for i in invites])


async def revoke_invite(request: Request) -> Response:
    """Takes the code itself, or the invite's id (the code is shown only once)."""
    async with group_access(request, write=False) as (_, session, _, group):
        key = request.path_params["code"]
        invite = None
        if plausible_code(key):
            invite = await session.scalar(
                select(Invite).where(
                    Invite.group_id == group.id,
                    or_(Invite.id == key, Invite.code_hash == hash_secret(key)),
                )
            )
        if invite is None:
            raise not_found("invite")
        await session.execute(
            update(Invite)
            .where(Invite.id == invite.id, Invite.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        await session.commit()
        return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/api/groups/{id}/invites", create_invite, methods=["POST"]),
    Route("/api/groups/{id}/invites", list_invites, methods=["GET"]),
    Route("/api/groups/{id}/invites/{code}", revoke_invite, methods=["DELETE"]),
]
