"""Who may see or change a group: organisers manage every group; facilitators read their own.

Every handler under /api/groups/{id} opens with `group_access`, which yields the app,
an open session, the signed-in user and the group they may read (or change).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, Executable, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from server.api.auth import signed_in
from server.api.errors import forbidden, not_found
from server.context import AppContext
from server.db.models import Group, GroupFacilitator, Meeting, User


async def is_facilitator(session: AsyncSession, user_id: int, group_id: str) -> bool:
    row = await session.scalar(
        select(GroupFacilitator.user_id).where(
            GroupFacilitator.group_id == group_id, GroupFacilitator.user_id == user_id
        )
    )
    return row is not None


async def group_for(session: AsyncSession, user: User, group_id: str, *, write: bool) -> Group:
    """The group if `user` may read it (write=False) or change it (write=True).

    A facilitator asking about a group they do not run gets 404, not 403, so ids
    of other groups are not confirmed to them.
    """
    group = await session.get(Group, group_id)
    if group is None:
        raise not_found("group")
    if user.role == "organiser":
        return group
    if not await is_facilitator(session, user.id, group_id):
        raise not_found("group")
    if write:
        raise forbidden("Only an organiser may change a group.")
    return group


async def meeting_by_id(session: AsyncSession, meeting_id: str) -> Meeting:
    meeting = await session.get(Meeting, meeting_id) if len(meeting_id) <= 32 else None
    if meeting is None:
        raise not_found("meeting")
    return meeting


async def meeting_for(
    session: AsyncSession, user: User, meeting_id: str, *, write: bool
) -> Meeting:
    """The meeting if `user` may read (or, with write, change) its group."""
    meeting = await meeting_by_id(session, meeting_id)
    await group_for(session, user, meeting.group_id, write=write)
    return meeting


class GroupAccess(NamedTuple):
    app: AppContext
    session: AsyncSession
    user: User
    group: Group


@asynccontextmanager
async def group_access(request: Request, *, write: bool) -> AsyncIterator[GroupAccess]:
    """The group named by the path's `{id}`, if the user may read it (or, with write, change it)."""
    async with signed_in(request) as (app, session, user):
        group = await group_for(session, user, request.path_params["id"], write=write)
        yield GroupAccess(app, session, user, group)


async def commit_to_group(
    session: AsyncSession, group_id: str, *, duplicate_ok: bool = False
) -> None:
    """Commits; a group deleted since it was read is a 404, not a foreign-key 500."""
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        if await session.scalar(select(Group.id).where(Group.id == group_id)) is None:
            raise not_found("group") from None
        if not duplicate_ok:
            raise


async def delete_and_commit(session: AsyncSession, statement: Executable) -> int:
    """Runs a DELETE statement and commits it; how many rows it removed."""
    result = await session.execute(statement)
    await session.commit()
    return cast(CursorResult[Any], result).rowcount
