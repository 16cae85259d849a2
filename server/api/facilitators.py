"""A group's facilitators: who runs its meetings. Organisers change them; facilitators read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import commit_to_group, group_access, is_facilitator
from server.api.auth import user_out
from server.api.errors import not_found
from server.api.jsonio import json_response
from server.db.models import GroupFacilitator, User


async def _facilitators(session: AsyncSession, group_id: str) -> list[dict[str, Any]]:
    users = await session.scalars(
        select(User)
        .join(GroupFacilitator, GroupFacilitator.user_id == User.id)
        .where(GroupFacilitator.group_id == group_id)
        .order_by(User.username)
    )
    return [user_out(u) for u in users]


async def _named_user(session: AsyncSession, request: Request) -> User | None:
    name = request.path_params["username"].strip().lower()
    return await session.scalar(select(User).where(User.username == name))


async def list_facilitators(request: Request) -> Response:
    async with group_access(request, write=False) as (_, session, _, group):
        return json_response(await _facilitators(session, group.id))


async def put_facilitator(request: Request) -> Response:
    """Idempotent; any existing account may be made a facilitator of the group."""
    async with group_access(request, write=True) as (_, session, _, group):
        gid = group.id  # a rollback below expires the ORM objects
        target = await _named_user(session, request)
        if target is None:
            raise not_found("user")
        if not await is_facilitator(session, target.id, gid):
            session.add(GroupFacilitator(group_id=gid, user_id=target.id))
            await commit_to_group(session, gid, duplicate_ok=True)  # a concurrent PUT won
        return json_response(await _facilitators(session, gid))


async def delete_facilitator(request: Request) -> Response:
    async with group_access(request, write=True) as (_, session, _, group):
        target = await _named_user(session, request)
        if target is None or not await is_facilitator(session, target.id, group.id):
            raise not_found("facilitator")
        await session.execute(
            delete(GroupFacilitator).where(
                GroupFacilitator.group_id == group.id, GroupFacilitator.user_id == target.id
            )
        )
        await session.commit()
        return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/api/groups/{id}/facilitators", list_facilitators, methods=["GET"]),
    Route("/api/groups/{id}/facilitators/{username}", put_facilitator, methods=["PUT"]),
    Route("/api/groups/{id}/facilitators/{username}", delete_facilitator, methods=["DELETE"]),
]
