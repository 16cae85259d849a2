"""A group's figures over time: what each ended meeting left (server/db/stats.py).

Organisers only, like the audit: the numbers are for those who run the group, and
they are counts, never people. `from`/`to` bound the meetings' start (as the meetings
list does: a date or time without an offset is in the group's zone, `to` exclusive);
`limit` caps the rows, newest first, and the totals are over the rows returned.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import group_for
from server.api.auth import signed_in
from server.api.errors import invalid
from server.api.jsonio import json_response
from server.api.meetings import _parse_bound
from server.db.models import MeetingStats
from server.db.stats import group_stats
from server.schedule import known_zone

DEFAULT_LIMIT, MAX_LIMIT = 50, 500


def _limit(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise invalid({"limit": f"A whole number from 1 to {MAX_LIMIT}."})
    return int(value)


def stats_out(row: MeetingStats, title: str) -> dict[str, Any]:
    return {
        "meeting_id": row.meeting_id,
        "title": title,
        "starts_at": row.starts_at,
        "ended_at": row.ended_at,
        "peak_present": row.peak_present,
        "attended": row.attended,
        "let_in": row.let_in,
        "shares": row.shares,
        "polls": row.polls,
        "format": row.format_name,
        "segments": row.segments,
        "final": row.final,
    }


def totals(rows: list[MeetingStats]) -> dict[str, int]:
    return {
        "meetings": len(rows),
        "attended": sum(r.attended for r in rows),
        "let_in": sum(r.let_in for r in rows),
        "shares": sum(r.shares for r in rows),
        "polls": sum(r.polls for r in rows),
        "peak_present": max((r.peak_present for r in rows), default=0),
        "minutes": sum(int(s.get("minutes", 0)) for r in rows for s in r.segments),
    }


async def group_figures(request: Request) -> Response:
    async with signed_in(request, "organiser") as (_, session, user):
        group = await group_for(session, user, request.path_params["id"], write=True)
        zone = known_zone(group.timezone) or ZoneInfo("UTC")
        params = request.query_params
        start = _parse_bound(params.get("from"), "from", zone)
        end = _parse_bound(params.get("to"), "to", zone)
        if start is not None and end is not None and end < start:
            raise invalid({"to": "Must not be before `from`."})
        found = await group_stats(session, group.id, start, end, _limit(params.get("limit")))
        return json_response({
            "meetings": [stats_out(row, title or group.name) for row, title in found],
            "totals": totals([row for row, _ in found]),
        })  # fmt: skip


routes: list[BaseRoute] = [Route("/api/groups/{id}/stats", group_figures, methods=["GET"])]
