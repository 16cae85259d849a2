"""GET /s/{id}: a series' stable join link, the `conference_url` of the Meeting Guide
feed. A finder stores one link per weekly series, so the link itself finds the week:
the occurrence open now, else the next one not cancelled (a cancelled week is skipped,
which the feed cannot say).

Never a door to an unlisted group: its series answer 404, as do unknown ones and
series with nothing left. An invite-only group's series lead to its public page,
which says how to ask for an invitation, and never to a room or an invite code.
"""

from __future__ import annotations

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.api.errors import not_found
from server.context import ctx
from server.db.models import Group, Meeting, Series, utcnow
from server.html import absolute
from server.schedule import status
from server.slugs import group_path

# Where the link leads changes by the week: nobody may cache it.
HEADERS = {"Cache-Control": "no-store"}


async def series_link(request: Request) -> Response:
    app = ctx(request)
    series_id = request.path_params["id"]
    now = utcnow()
    async with app.session() as session:
        series = await session.get(Series, series_id) if len(series_id) <= 32 else None
        group = await session.get(Group, series.group_id) if series is not None else None
        if series is None or group is None or not group.listed:
            raise not_found("series")
        upcoming = list(
            await session.scalars(
                select(Meeting)
                .where(
                    Meeting.series_id == series.id,
                    Meeting.cancelled.is_(False),
                    Meeting.ended_at.is_(None),
                    Meeting.ends_at > now,
                )
                .order_by(Meeting.starts_at, Meeting.id)
                .limit(10)
            )
        )
    if not upcoming:
        raise not_found("meeting")
    if group.visibility != "open":
        target = group_path(group.id, group.name)
    else:
        minutes = app.settings.room_open_minutes
        opened = [
            m
            for m in upcoming
            if status(m.starts_at, m.ends_at, False, None, now, minutes) == "open"
        ]
        target = f"/m/{(opened or upcoming)[0].id}"
    return RedirectResponse(absolute(request, target), status_code=303, headers=HEADERS)


routes: list[BaseRoute] = [Route("/s/{id}", series_link, methods=["GET"])]
