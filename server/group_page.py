"""A listed group's own page, rendered on the server: /groups/{id}/{slug}.

The page a search engine, a link preview or a person with scripts off reads: the
group, its next meetings in its own zone (cancelled and moved ones marked) with their
join links, its calendar, its pinned resources (crisis lines first), and the same in
schema.org JSON-LD. Only listed groups have one: an unlisted group's id is a
capability, and its invite page (/g/{id}) says noindex. The slug follows the name;
any other slug, or none, is a 301 to the one the name gives, so a renamed group's old
links keep working and every group has one address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from server.api.errors import not_found
from server.context import ctx
from server.db.models import Group, Meeting, Series, utcnow
from server.db.resources import group_resources
from server.html import absolute, page_lang, render
from server.languages import language_name, og_locale, when
from server.page_strings import LANGUAGES
from server.slugs import group_path, slugify
from server.structured_data import (
    GroupInfo,
    Occurrence,
    Plan,
    event_series,
    iso,
    local_slot,
    usual_slot,
)

UPCOMING = 10
DESCRIPTION_CHARS = 200


@dataclass(frozen=True)
class Shown:
    """A meeting as the page lists it."""

    id: str
    title: str
    when: str
    datetime: str
    cancelled: bool
    moved: bool
    join_path: str | None


async def listed_group(session: AsyncSession, group_id: str) -> Group | None:
    group = await session.get(Group, group_id) if len(group_id) <= 32 else None
    return group if group is not None and group.listed else None


async def _upcoming(session: AsyncSession, group: Group, now: datetime) -> list[Meeting]:
    """The next meetings, cancelled ones included (a page says so rather than hide them)."""
    rows = await session.scalars(
        select(Meeting)
        .where(Meeting.group_id == group.id, Meeting.ends_at > now, Meeting.ended_at.is_(None))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(UPCOMING)
    )
    return list(rows)


async def _plans(session: AsyncSession, group: Group, meetings: list[Meeting]) -> dict[str, Plan]:
    """The series of these meetings, each with the slot most of its meetings keep."""
    ids = sorted({m.series_id for m in meetings if m.series_id})
    if not ids:
        return {}
    series = await session.scalars(
        select(Series).where(Series.group_id == group.id, Series.id.in_(ids))
    )
    rows = (
        await session.execute(
            select(Meeting.series_id, Meeting.starts_at, Meeting.ends_at).where(
                Meeting.group_id == group.id,
                Meeting.series_id.in_(ids),
                Meeting.cancelled.is_(False),
            )
        )
    ).all()
    plans: dict[str, Plan] = {}
    for s in series:
        times = [(start, end) for sid, start, end in rows if sid == s.id]
        slot = usual_slot(times, s.timezone)
        if slot is None:  # every meeting of it cancelled: no schedule to state
            continue
        zone = ZoneInfo(s.timezone)
        days = sorted(start.astimezone(zone).date() for start, _ in times)
        plans[s.id] = Plan(s.rule, s.timezone, slot, days[0], days[-1])
    return plans


def _moved(meeting: Meeting, plans: dict[str, Plan]) -> bool:
    plan = plans.get(meeting.series_id or "")
    if plan is None or meeting.cancelled:
        return False
    return local_slot(meeting.starts_at, meeting.ends_at, plan.timezone) != plan.slot


def _summary(text: str, fallback: str) -> str:
    words = " ".join(text.split()) or fallback
    if len(words) <= DESCRIPTION_CHARS:
        return words
    return words[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"


async def group_page(request: Request) -> Response:
    app = ctx(request)
    lang = page_lang(request)
    async with app.session() as session:
        group = await listed_group(session, request.path_params["id"])
        if group is None:
            raise not_found("group")
        path = group_path(group.id, group.name)
        if request.path_params.get("slug", "") != slugify(group.name):
            keep = {"lang": lang} if lang != "en" else {}
            return RedirectResponse(absolute(request, path, **keep), status_code=301)
        meetings = await _upcoming(session, group, utcnow())
        plans = await _plans(session, group, meetings)
        resources = await group_resources(session, group.id)
    return _render(request, group, path, meetings, plans, resources, lang)


def _render(
    request: Request,
    group: Group,
    path: str,
    meetings: list[Meeting],
    plans: dict[str, Plan],
    resources: list[Any],
    lang: str,
) -> Response:
    closed = group.visibility == "closed"
    zone = ZoneInfo(group.timezone)
    url = absolute(request, path)
    occurrences = [
        Occurrence(
            title=m.title or group.name,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            timezone=m.timezone,
            cancelled=m.cancelled,
            moved=_moved(m, plans),
            join_url=None if closed else absolute(request, f"/m/{m.id}"),
        )
        for m in meetings
    ]
    shown = [
        Shown(
            id=m.id,
            title=m.title if m.title and m.title != group.name else "",
            when=when(m.starts_at.astimezone(zone), m.ends_at.astimezone(zone), lang),
            datetime=iso(m.starts_at, group.timezone),
            cancelled=o.cancelled,
            moved=o.moved,
            join_path=None if closed or m.cancelled else f"/m/{m.id}",
        )
        for m, o in zip(meetings, occurrences, strict=True)
    ]
    info = GroupInfo(group.name, group.description, url, group.language)
    return render(
        request,
        "group.html",
        canonical=path,
        description=_summary(group.description, group.name),
        group=group,
        invite_only=closed,
        language_name=language_name(group.language, lang),
        meetings=shown,
        resources=[r for r in resources if r.url.startswith(("https://", "http://"))],
        calendar_path=f"/groups/{quote(group.id, safe='')}/calendar.ics",
        json_ld=event_series(info, [plans[k] for k in sorted(plans)], occurrences),
        og_locale=og_locale(lang),
        og_alternates=[og_locale(code) for code in LANGUAGES if code != lang],
    )


routes: list[BaseRoute] = [
    Route("/groups/{id}", group_page, methods=["GET"]),
    Route("/groups/{id}/{slug}", group_page, methods=["GET"]),
]
