"""`/`: the catalogue as HTML, complete without scripts (a GET form, filters as plain
links, one page of results, previous/next links), for people with scripts off and for
crawlers. static/js/pages/catalogue.js takes over its results list when scripts run.

The search is the API's own (server/api/catalogue_search.py), so the page and
GET /api/catalogue list the same groups in the same order.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode
from zoneinfo import available_timezones

from babel.dates import format_datetime, format_time, get_day_names
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.catalogue_filters import DAYS, TIMES, Filters, parse
from server.api.catalogue_search import Found, search
from server.api.errors import ApiError
from server.api.languages import display_name, normalise
from server.context import ctx
from server.db.models import Group, utcnow
from server.html import page_lang, render
from server.page_strings import Translate, translator
from server.schedule import known_zone
from server.slugs import group_path

PER_PAGE = 50


@cache
def zones() -> list[str]:
    return sorted(z for z in available_timezones() if known_zone(z) is not None)


class Links:
    """Hrefs to this page with one filter changed and the others (and `lang`) kept."""

    def __init__(self, filters: Filters, lang: str) -> None:
        self.filters, self.lang = filters, lang

    def __call__(self, **changes: str) -> str:
        query = self.filters.query(**changes)
        if self.lang != "en":
            query["lang"] = self.lang
        return "/?" + urlencode(query) if query else "/"


def _when(start: datetime, end: datetime, filters: Filters, lang: str) -> str:
    zone = filters.zone
    first = format_datetime(start, "EEE d MMM, HH:mm", tzinfo=zone, locale=lang)
    return f"{first}–{format_time(end, 'HH:mm', tzinfo=zone, locale=lang)} ({filters.tz})"


def _card(group: dict[str, Any], filters: Filters, lang: str, t: Translate) -> dict[str, Any]:
    links = Links(filters, lang)
    meetings = [
        {
            "iso": m["starts_at"].isoformat().replace("+00:00", "Z"),
            "when": _when(m["starts_at"], m["ends_at"], filters, lang),
            "title": m["title"] if m["title"] and m["title"] != group["name"] else "",
            "open": m["status"] == "open",
            "join_url": m["join_url"],
        }
        for m in group["next_meetings"]
    ]
    left, capacity = group["places_left"], group["capacity"]
    return {
        **group,
        "href": group_path(group["id"], group["name"]),
        "language_name": display_name(group["language"], lang),
        "topic_links": [(topic, links(topic=topic, page="")) for topic in group["topics"]],
        "meetings": meetings,
        "places": t("catalogue.places_left", n=left, capacity=capacity)
        if left
        else t("catalogue.full", capacity=capacity),
    }


async def catalogue_page(request: Request) -> Response:
    app = ctx(request)
    lang = page_lang(request)
    t = translator(app.settings.static_dir, lang)
    error = ""
    try:
        filters = parse(request.query_params, per_page=PER_PAGE)
    except ApiError as exc:
        filters = Filters(per_page=PER_PAGE)
        error = "; ".join(f"{field}: {why}" for field, why in exc.fields.items())
    async with app.session() as session:
        found = Found(0, []) if error else await search(app, session, filters, utcnow())
        listed = await session.scalars(select(Group.language).where(Group.listed.is_(True)))
        codes = {normalise(code) or code for code in listed} | {"en", "ar"}
    if filters.language:
        codes.add(filters.language)
    links = Links(filters, lang)
    pages = max(1, -(-found.total // filters.per_page))
    paging = {"per_page": str(filters.per_page) if filters.per_page != PER_PAGE else ""}
    prev_url = links(page=str(filters.page - 1), **paging) if filters.page > 1 else ""
    next_url = links(page=str(filters.page + 1), **paging) if filters.page < pages else ""
    canonical = "/?" + urlencode(
        filters.query(page=str(filters.page) if filters.page > 1 else "", **paging)
    )
    day_names = get_day_names("wide", locale=lang)
    # Babel numbers days from Monday (0); the filter from Sunday, as the Meeting Guide does.
    days = [(code, day_names[(i + 6) % 7]) for i, code in enumerate(DAYS)]
    return render(
        request,
        "catalogue.html",
        canonical=canonical.rstrip("?"),
        status=400 if error else 200,
        indexable=not error,
        description=t("catalogue.intro"),
        filters=filters,
        error=error,
        found=found,
        groups=[_card(g, filters, lang, t) for g in found.groups],
        pages=pages,
        prev_url=prev_url,
        next_url=next_url,
        links=links,
        language_options=sorted(((c, display_name(c, lang)) for c in codes), key=lambda x: x[1]),
        days=days,
        times=[(name, t(f"catalogue.time_{name}")) for name in TIMES],
        zones=zones() if filters.tz in zones() else [filters.tz, *zones()],
    )


routes: list[BaseRoute] = [Route("/", catalogue_page, methods=["GET"])]
