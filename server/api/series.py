"""A repeating series as a whole: read it, and change it from a date onwards.

An organiser moves a series ("from 6 April we meet at 19:30, for 75 minutes") without
touching what came before: each occurrence from that local date on keeps its own date
(a single one moved to another day stays there) and takes the new wall-clock time and
length in its own zone. Meetings already over are history and stay as they were.
Single occurrences are still skipped or moved one at a time with PATCH /api/meetings.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import group_for
from server.api.auth import signed_in
from server.api.errors import ApiError, invalid, not_found
from server.api.jsonio import decode_body, json_response
from server.api.live_rooms import end_rooms, open_now, reconfigure_rooms
from server.api.meetings import meeting_out
from server.api.validation import clean_text
from server.db.models import Meeting, Series, User, utcnow
from server.schedule import localize


class SeriesPatch(msgspec.Struct, forbid_unknown_fields=True):
    from_: date = msgspec.field(name="from")
    starts_at_time: Annotated[str, msgspec.Meta(max_length=8)] | None = None
    duration_minutes: Annotated[int, msgspec.Meta(ge=5, le=720)] | None = None
    title: Annotated[str, msgspec.Meta(max_length=200)] | None = None


def _time_of_day(value: str) -> time:
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or len(value) != 5 or parsed.tzinfo is not None:
        raise invalid({"starts_at_time": "Use a local time of day like 19:30."})
    return parsed


async def _series_for(session: AsyncSession, user: User, series_id: str, *, write: bool) -> Series:
    series = await session.get(Series, series_id) if len(series_id) <= 32 else None
    if series is None:
        raise not_found("series")
    try:
        await group_for(session, user, series.group_id, write=write)
    except ApiError as exc:  # a facilitator of another group: as if it did not exist
        if exc.status == 404:
            raise not_found("series") from None
        raise
    return series


async def _meetings(session: AsyncSession, series_id: str) -> list[Meeting]:
    found = await session.scalars(
        select(Meeting).where(Meeting.series_id == series_id).order_by(Meeting.starts_at)
    )
    return list(found)


def _series_out(series: Series, meetings: list[Meeting], minutes: int) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": series.id,
        "group_id": series.group_id,
        "rule": series.rule,
        "timezone": series.timezone,
        "created_at": series.created_at,
        "updated_at": series.updated_at,
        "meetings": [meeting_out(m, minutes, now) for m in meetings],
    }


async def get_series(request: Request) -> Response:
    async with signed_in(request) as (app, session, user):
        series = await _series_for(session, user, request.path_params["id"], write=False)
        meetings = await _meetings(session, series.id)
        return json_response(_series_out(series, meetings, app.settings.room_open_minutes))


def _reschedule(meeting: Meeting, at: time | None, length: timedelta | None) -> None:
    """Gives one occurrence a new local time of day and/or length, on its own date."""
    zone = ZoneInfo(meeting.timezone)
    before = (meeting.starts_at, meeting.ends_at)
    new_length = length if length is not None else meeting.ends_at - meeting.starts_at
    if at is not None:
        day = meeting.starts_at.astimezone(zone).date()
        meeting.starts_at = localize(datetime.combine(day, at), zone)
    meeting.ends_at = meeting.starts_at + new_length
    if (meeting.starts_at, meeting.ends_at) != before:
        meeting.sequence += 1


async def patch_series(request: Request) -> Response:
    async with signed_in(request) as (app, session, user):
        series = await _series_for(session, user, request.path_params["id"], write=True)
        body = await decode_body(request, SeriesPatch)
        at = _time_of_day(body.starts_at_time) if body.starts_at_time is not None else None
        length = timedelta(minutes=body.duration_minutes) if body.duration_minutes else None
        title = clean_text(body.title, "title", max_len=200) if body.title is not None else None
        now = utcnow()
        meetings = await _meetings(session, series.id)
        changed: list[tuple[Meeting, bool]] = []
        for m in meetings:
            local_day = m.starts_at.astimezone(ZoneInfo(m.timezone)).date()
            if local_day < body.from_ or m.ended_at is not None or m.ends_at <= now:
                continue
            was_open, before = open_now(app, m), (m.starts_at, m.ends_at, m.title)
            _reschedule(m, at, length)
            if title:
                m.title = title
            if (m.starts_at, m.ends_at, m.title) != before:
                m.updated_at = now  # one stamp for the whole change, as the database keeps it
                changed.append((m, was_open))
        if changed:
            series.updated_at = now
        await session.commit()
        await end_rooms(app, [m.id for m, was in changed if was and not open_now(app, m)])
        await reconfigure_rooms(app, session, [m for m, was in changed if was and open_now(app, m)])
        meetings = await _meetings(session, series.id)
        return json_response(_series_out(series, meetings, app.settings.room_open_minutes))


routes: list[BaseRoute] = [
    Route("/api/series/{id}", get_series, methods=["GET"]),
    Route("/api/series/{id}", patch_series, methods=["PATCH"]),
]
