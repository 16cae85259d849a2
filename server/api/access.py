"""Who may see or change a group: organisers manage every group; facilitators read their own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.api.errors import forbidden, not_found
from server.db.models import Group, GroupFacilitator, User


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
