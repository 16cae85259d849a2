"""What search engines read first: /robots.txt and /sitemap.xml.

The sitemap names the catalogue and every listed group's canonical page, nothing else:
an unlisted group is reachable only by those given its id, and an invite page or a
meeting room is no page to find. robots.txt keeps crawlers out of the API, the console,
the rooms and the invite pages, and points at the sitemap by its absolute address.
"""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from server.context import ctx
from server.db.models import Group, Meeting
from server.html import absolute
from server.slugs import group_path

MAX_URLS = 50_000  # the sitemap protocol's limit for one file
DISALLOWED = ("/api/", "/console", "/login", "/m/", "/g/")
HEADERS = {"Cache-Control": "max-age=3600"}


def _lastmod(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


async def sitemap(request: Request) -> Response:
    app = ctx(request)
    latest_meeting = (
        select(Meeting.group_id, func.max(Meeting.updated_at).label("at"))
        .group_by(Meeting.group_id)
        .subquery()
    )
    async with app.session() as session:
        rows = (
            await session.execute(
                select(Group.id, Group.name, Group.updated_at, latest_meeting.c.at)
                .outerjoin(latest_meeting, latest_meeting.c.group_id == Group.id)
                .where(Group.listed.is_(True))
                .order_by(Group.id)
                .limit(MAX_URLS - 1)
            )
        ).all()
    entries = [f"  <url><loc>{escape(absolute(request, '/'))}</loc></url>"]
    for group_id, name, updated, meeting_updated in rows:
        # The column type makes both aware UTC; a raw max() over it comes back naive.
        changed = max(updated, _aware(meeting_updated) or updated)
        loc = escape(absolute(request, group_path(group_id, name)))
        entries.append(f"  <url><loc>{loc}</loc><lastmod>{_lastmod(changed)}</lastmod></url>")
    body = "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
            *entries,
            "</urlset>",
            "",
        ]
    )
    return Response(body, media_type="application/xml", headers=HEADERS)


def _aware(at: datetime | str | None) -> datetime | None:
    """max() of a UTC column: SQLite gives a string, PostgreSQL a naive datetime."""
    if at is None:
        return None
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


async def robots(request: Request) -> Response:
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {p}" for p in DISALLOWED)]
    lines += ["", f"Sitemap: {absolute(request, '/sitemap.xml')}", ""]
    return PlainTextResponse("\n".join(lines), headers=HEADERS)


routes: list[BaseRoute] = [
    Route("/sitemap.xml", sitemap, methods=["GET"]),
    Route("/robots.txt", robots, methods=["GET"]),
]
