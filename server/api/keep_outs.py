"""A group's keep-outs: how many removed browsers are kept out, and lifting them all.

Organisers only. Nobody sees who is kept out: a keep-out is a keyed hash and an expiry
(server/db/keep_outs.py), so there is nothing else to show.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import group_access
from server.api.jsonio import json_response
from server.api.live_rooms import open_meetings, reconfigure_rooms
from server.db.keep_outs import active_count, lift_all, prune


async def count_keep_outs(request: Request) -> Response:
    async with group_access(request, write=True) as (_, session, _, group):
        await prune(session)
        active = await active_count(session, group.id)
        await session.commit()
        return json_response({"active": active})


async def lift_keep_outs(request: Request) -> Response:
    async with group_access(request, write=True) as (app, session, _, group):
        await lift_all(session, group.id)
        # Open rooms' admission caches forget the keep-outs on every worker, in log order.
        await reconfigure_rooms(app, session, await open_meetings(app, session, group.id))
        return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/api/groups/{id}/keep-outs", count_keep_outs, methods=["GET"]),
    Route("/api/groups/{id}/keep-outs", lift_keep_outs, methods=["DELETE"]),
]
