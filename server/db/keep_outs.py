"""Keep-outs: a removed browser kept out of one group's meetings for a while.

Only a keyed hash of the browser's device value is stored (Signer.device_hash), with
its expiry; expired rows are deleted whenever a keep-out is recorded or counted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import KeepOut, utcnow


async def prune(session: AsyncSession) -> None:
    await session.execute(delete(KeepOut).where(KeepOut.expires_at <= utcnow()))


async def keep_out(session: AsyncSession, group_id: str, device_hash: str, days: int) -> None:
    """Records (or extends) one keep-out and commits; `days` 0 records nothing."""
    if days <= 0:
        return
    await prune(session)
    await session.execute(
        delete(KeepOut).where(KeepOut.group_id == group_id, KeepOut.device_hash == device_hash)
    )
    session.add(
        KeepOut(
            group_id=group_id,
            device_hash=device_hash,
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    await session.commit()


async def active_count(session: AsyncSession, group_id: str) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(KeepOut)
        .where(KeepOut.group_id == group_id, KeepOut.expires_at > utcnow())
    )
    return int(count or 0)


async def lift_all(session: AsyncSession, group_id: str) -> None:
    await session.execute(delete(KeepOut).where(KeepOut.group_id == group_id))
    await session.commit()


async def kept_out_until(session: AsyncSession, group_id: str) -> dict[str, datetime]:
    """The group's active keep-outs, device hash to expiry (what admission caches)."""
    rows = await session.execute(
        select(KeepOut.device_hash, KeepOut.expires_at).where(
            KeepOut.group_id == group_id, KeepOut.expires_at > utcnow()
        )
    )
    return {device: until for device, until in rows}
