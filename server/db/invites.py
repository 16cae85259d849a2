"""Redeeming an invite code when someone joins a closed group's meeting."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Invite, utcnow
from server.security import hash_secret


def plausible_code(code: str) -> bool:
    """Codes and invite ids are short ASCII; anything else cannot match (nor be hashed:
    a lone surrogate has no UTF-8 form)."""
    return 0 < len(code) <= 200 and code.isascii()


def _code_matches(group_id: str, code: str) -> ColumnElement[bool]:
    return and_(Invite.group_id == group_id, Invite.code_hash == hash_secret(code))


async def redeem_invite(session: AsyncSession, group_id: str, code: str) -> str | None:
    """Counts one use of a valid code; None when it was valid, else "invite_invalid".

    One conditional UPDATE, so two people racing for the last use cannot both win.
    Commits the session; a join that then fails gives the use back (refund_invite).
    """
    if not plausible_code(code):
        return "invite_invalid"
    now = utcnow()
    result = await session.execute(
        update(Invite)
        .where(
            _code_matches(group_id, code),
            Invite.revoked_at.is_(None),
            or_(Invite.expires_at.is_(None), Invite.expires_at > now),
            or_(Invite.max_uses.is_(None), Invite.use_count < Invite.max_uses),
        )
        .values(use_count=Invite.use_count + 1)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return None if cast(CursorResult[Any], result).rowcount == 1 else "invite_invalid"


async def refund_invite(session: AsyncSession, group_id: str, code: str) -> None:
    """Gives back the use counted for someone who never got in (the room was full or
    locked, or they gave up choosing a name), so a single-use invite still works.
    Only ever called with a code redeem_invite accepted."""
    await session.execute(
        update(Invite)
        .where(_code_matches(group_id, code), Invite.use_count > 0)
        .values(use_count=Invite.use_count - 1)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
