"""The public catalogue of listed groups, and each listed group's calendar feed."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.catalogue_filters import parse
from server.api.catalogue_search import describe_one, search
from server.api.errors import not_found
from server.api.jsonio import json_response
from server.context import ctx
from server.db.models import Group, Meeting, utcnow
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
            out["calendar_url"] = None
        out["guidelines"] = group.guidelines
        return json_response(out)


async def calendar(request: Request) -> Response:
    """An iCalendar feed of a listed group's meetings, in the group's own time zones."""
    app = ctx(request)
    group_id = request.path_params["id"]
    async with app.session() as session:
        group = await session.get(Group, group_id) if len(group_id) <= 32 else None
        if group is None or not group.listed:
            raise not_found("group")
        meetings = await session.scalars(
            select(Meeting)
            .where(
                Meeting.group_id == group.id,
                Meeting.cancelled.is_(False),
                Meeting.ends_at > utcnow() - timedelta(days=30),
            )
            .order_by(Meeting.starts_at)
            .limit(500)
        )
        cal = icalendar.Calendar()
        cal.add("prodid", "-//Hearth//Support group meetings//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", group.name)
        base = f"{request.url.scheme}://{request.url.netloc}"
        for m in meetings:
            zone = ZoneInfo(m.timezone)
            event = icalendar.Event()
            event.add("uid", f"{m.id}@hearth")
            event.add("dtstamp", m.created_at)
            event.add("dtstart", m.starts_at.astimezone(zone))
            event.add("dtend", m.ends_at.astimezone(zone))
            event.add("summary", m.title or group.name)
            if group.visibility == "open":
                event.add("url", f"{base}/m/{m.id}")
                event.add("description", f"{group.description}\n\nJoin: {base}/m/{m.id}".strip())
            else:
                event.add("description", f"{group.description}\n\nInvite only.".strip())
            cal.add_component(event)
        cal.add_missing_timezones()
        return Response(cal.to_ical(), media_type="text/calendar; charset=utf-8")


routes: list[BaseRoute] = [
    Route("/api/catalogue", catalogue, methods=["GET"]),
    Route("/api/groups/{id}/public", public_group, methods=["GET"]),
    Route("/groups/{id}/calendar.ics", calendar, methods=["GET"]),
]
