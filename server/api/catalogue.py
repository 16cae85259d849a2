"""The public catalogue of listed groups (their calendar feed: server/calendars.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.catalogue_filters import parse
from server.api.catalogue_search import describe_one, search
from server.api.errors import not_found
from server.api.jsonio import json_response
from server.context import ctx
from server.db.models import Group, utcnow
from server.html import absolute


async def catalogue(request: Request) -> Response:
    """Listed groups matching the filters (catalogue_filters.py), one page of them;
    the total and the neighbouring pages go in headers, so the body stays the array
    it has always been."""
    app = ctx(request)
    filters = parse(request.query_params)
    async with app.session() as session:
        found = await search(app, session, filters, utcnow())
    pages = max(1, -(-found.total // filters.per_page))
    links = []
    for rel, page in (("prev", filters.page - 1), ("next", filters.page + 1)):
        if 1 <= page <= pages:
            query = filters.query(page=str(page), per_page=str(filters.per_page))
            links.append(f'<{absolute(request, "/api/catalogue", **query)}>; rel="{rel}"')
    headers = {"X-Total-Count": str(found.total)}
    if links:
        headers["Link"] = ", ".join(links)
    return json_response(found.groups, headers=headers)


async def public_group(request: Request) -> Response:
    """A group as its invite link shows it, listed or not: the id is the capability."""
    app = ctx(request)
    group_id = request.path_params["id"]
    async with app.session() as session:
        group = await session.get(Group, group_id) if len(group_id) <= 32 else None
        if group is None:
            raise not_found("group")
        out = await describe_one(app, session, group, utcnow())
        out["listed"] = group.listed
        if not group.listed:
            out["calendar_url"] = out["page_url"] = None
        out["guidelines"] = group.guidelines
        return json_response(out)


routes: list[BaseRoute] = [
    Route("/api/catalogue", catalogue, methods=["GET"]),
    Route("/api/groups/{id}/public", public_group, methods=["GET"]),
]
