"""A group's pinned resources, in the one order every reader shows them: crisis lines first."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from rooms.config import ResourceInfo
from server.db.models import Resource


async def group_resources(session: AsyncSession, group_id: str) -> list[Resource]:
    """For the group's API, its public meeting page and the room it opens."""
    rows = await session.scalars(
        select(Resource)
        .where(Resource.group_id == group_id)
        .order_by(case((Resource.kind == "crisis", 0), else_=1), Resource.created_at, Resource.id)
    )
    return list(rows)


def room_resources(rows: Iterable[Resource]) -> list[ResourceInfo]:
    """As the room carries them (and clients see them in `welcome`)."""
    return [ResourceInfo(title=r.title, url=r.url, kind=r.kind) for r in rows]
