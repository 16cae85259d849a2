"""Redeeming an invite code when someone joins a closed group's meeting."""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Invite, utcnow
from server.security import hash_secret


async def redeem_invite(session: AsyncSession, group_id: str, code: str) -> str | None:
    """Counts one use of a valid code; None when it was valid, else "invite_invalid".

    One conditional UPDATE, so two people racing for the last use cannot both win.
    """
    if not code or len(code) > 200:
        return "invite_invalid"
    now = utcnow()
    result = await session.execute(
        update(Invite)
        .where(
            Invite.group_id == group_id,
            Invite.code_hash == hash_secret(code),
            Invite.revoked_at.is_(None),
            or_(Invite.expires_at.is_(None), Invite.expires_at > now),
            or_(Invite.max_uses.is_(None), Invite.use_count < Invite.max_uses),
        )
        .values(use_count=Invite.use_count + 1)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return None if result.rowcount == 1 else "invite_invalid"  # type: ignore[attr-defined]
