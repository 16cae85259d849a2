"""An organiser reads what was done in a meeting: actions by role and ordinal, no names.

Facilitators do not read it: it is how an organiser looks after the facilitators too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import meeting_for
from server.api.auth import signed_in
from server.api.jsonio import json_response
from server.db.models import AuditEntry


def _person(role: str | None, ordinal: int | None) -> dict[str, Any] | None:
    if role is None and ordinal is None:
        return None
    return {"role": role, "ordinal": ordinal}


def entry_out(row: AuditEntry) -> dict[str, Any]:
    return {
        "action": row.action,
        "actor": _person(row.actor_role, row.actor_ordinal),
        "target": _person(row.target_role, row.target_ordinal),
        "at": row.at,
    }


async def meeting_audit(request: Request) -> Response:
    async with signed_in(request, "organiser") as (_, session, user):
        meeting = await meeting_for(session, user, request.path_params["id"], write=True)
        rows = await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.meeting_id == meeting.id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
        return json_response([entry_out(row) for row in rows])


routes: list[BaseRoute] = [Route("/api/meetings/{id}/audit", meeting_audit, methods=["GET"])]
