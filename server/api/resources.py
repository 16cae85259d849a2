"""A group's resources: the links (crisis lines first) shown in its meetings.

Only organisers change them; a change is pinned at once in the group's open rooms.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import commit_to_group, delete_and_commit, group_access
from server.api.errors import not_found
from server.api.jsonio import decode_body, json_response
from server.api.live_rooms import open_meetings, pin_resources
from server.api.validation import check_url, clean_text
from server.context import AppContext
from server.db.models import Resource
from server.db.resources import group_resources

Kind = Literal["crisis", "article", "video", "link"]


class ResourceIn(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    url: str
    kind: Kind = "link"


def resource_out(resource: Resource) -> dict[str, Any]:
    return {"id": resource.id, "title": resource.title, "url": resource.url, "kind": resource.kind}


async def _pin_in_open_rooms(app: AppContext, session: AsyncSession, group_id: str) -> None:
    meetings = await open_meetings(app, session, group_id)
    if meetings:
        await pin_resources(app, meetings, await group_resources(session, group_id))


async def create_resource(request: Request) -> Response:
    async with group_access(request, write=True) as (app, session, _, group):
        body = await decode_body(request, ResourceIn)
        resource = Resource(
            group_id=group.id,
            title=clean_text(body.title, "title", min_len=1, max_len=200),
            url=check_url(body.url),
            kind=body.kind,
        )
        session.add(resource)
        await commit_to_group(session, group.id)
        out = resource_out(resource)
        await _pin_in_open_rooms(app, session, group.id)
        return json_response(out, status=201)


async def list_resources(request: Request) -> Response:
    async with group_access(request, write=False) as (_, session, _, group):
        return json_response([resource_out(r) for r in await group_resources(session, group.id)])


async def delete_resource(request: Request) -> Response:
    async with group_access(request, write=True) as (app, session, _, group):
        statement = delete(Resource).where(
            Resource.id == request.path_params["rid"], Resource.group_id == group.id
        )
        if await delete_and_commit(session, statement) == 0:
            raise not_found("resource")
        await _pin_in_open_rooms(app, session, group.id)
        return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/api/groups/{id}/resources", create_resource, methods=["POST"]),
    Route("/api/groups/{id}/resources", list_resources, methods=["GET"]),
    Route("/api/groups/{id}/resources/{rid}", delete_resource, methods=["DELETE"]),
]
