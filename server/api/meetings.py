"""Meetings: one-off and repeating, facilitator tokens, and the public meeting view.

Times come in as local wall-clock time in an IANA zone ("2026-12-01T19:00",
"Europe/London") because that is how organisers think of a weekly meeting; they
are stored in UTC and shown back in both forms.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import group_access, is_facilitator, meeting_by_id, meeting_for
from server.api.auth import signed_in
from server.api.errors import ApiError, invalid, not_found
from server.api.formats import check_format_id, commit_with_format
from server.api.jsonio import decode_body, json_response
from server.api.live_rooms import end_rooms, open_now, reconfigure_rooms
from server.api.repeats import Repeat, occurrences
from server.api.validation import check_zone, clean_text
from server.context import ctx
from server.db.models import Group, Meeting, Series, utcnow
from server.db.resources import group_resources
from server.schedule import known_zone, local_wall_clock, localize, opens_at, status

RETENTION = (
    "What is shared in this meeting is not stored: messages live only in the room "
    "and are gone shortly after it ends."
)
Title = Annotated[str, msgspec.Meta(max_length=200)]
LocalTime = Annotated[str, msgspec.Meta(max_length=40)]
Duration = Annotated[int, msgspec.Meta(ge=5, le=720)]
FormatId = Annotated[str, msgspec.Meta(max_length=32)]
MAX_LIST = 500


class MeetingIn(msgspec.Struct, forbid_unknown_fields=True):
    starts_at: LocalTime
    duration_minutes: Duration
    title: Title = ""
    timezone: str | None = None
    repeat: Repeat | None = None
    format_id: FormatId | None = None  # null: the group's default


class MeetingPatch(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | None = None
    starts_at: LocalTime | None = None
    timezone: str | None = None
    duration_minutes: Duration | None = None
    cancelled: bool | None = None
    format_id: FormatId | msgspec.UnsetType | None = msgspec.UNSET  # null: the group's default


FIRST_YEAR, LAST_YEAR = 2000, 2199


def parse_local(value: str, field: str = "starts_at") -> datetime:
    """A wall-clock time such as "2026-12-01T19:00".

    One with an offset ("...T19:00+01:00" or "...Z") is accepted too: the caller
    converts it to the meeting's zone. A bare date, or a year outside 2000-2199,
    is refused (the latter also keeps every UTC conversion in range).
    """
    hint = "Use a local time like 2026-12-01T19:00."
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise invalid({field: hint}) from None
    if len(value) <= 10:  # "2026-12-01": a date without a time of day
        raise invalid({field: hint})
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise invalid({field: f"Use a year from {FIRST_YEAR} to {LAST_YEAR}."})
    return parsed


def _zone(name: str | None, default: str) -> ZoneInfo:
    return check_zone(name or default)


def _title(value: str) -> str:
    return clean_text(value, "title", max_len=200)


def _start(value: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """(wall-clock time in `zone`, naive; the instant, in UTC) for a given starts_at."""
    parsed = parse_local(value)
    if parsed.tzinfo is not None:
        at = parsed.astimezone(UTC)
        return at.astimezone(zone).replace(tzinfo=None), at
    return parsed, localize(parsed, zone)


def meeting_out(meeting: Meeting, open_minutes: int, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    return {
        "id": meeting.id,
        "group_id": meeting.group_id,
        "series_id": meeting.series_id,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "timezone": meeting.timezone,
        "local_starts_at": local_wall_clock(meeting.starts_at, meeting.timezone),
        "duration_minutes": int((meeting.ends_at - meeting.starts_at).total_seconds() // 60),
        "status": status(
            meeting.starts_at,
            meeting.ends_at,
            meeting.cancelled,
            meeting.ended_at,
            now,
            open_minutes,
        ),
        "cancelled": meeting.cancelled,
        "opens_at": opens_at(meeting.starts_at, open_minutes),
        "format_id": meeting.format_id,
        "sequence": meeting.sequence,
        "updated_at": meeting.updated_at,
    }


async def create_meetings(request: Request) -> Response:
    async with group_access(request, write=True) as (app, session, _, group):
        body = await decode_body(request, MeetingIn)
        zone = _zone(body.timezone, group.timezone)
        await check_format_id(session, group.id, body.format_id)
        title = _title(body.title) or group.name
        # The series repeats the wall-clock time asked for, even if the first one
        # falls into a spring-forward gap and is moved.
        local_first, first = _start(body.starts_at, zone)
        starts: list[datetime]
        series_id = None
        rule: dict[str, Any] | None = None
        if body.repeat is None:
            starts = [first]
        else:
            local_starts, rule = occurrences(body.repeat, local_first, zone)
            starts = [localize(d, zone) for d in local_starts]
            series_id = secrets.token_hex(8)
        length = timedelta(minutes=body.duration_minutes)
        meetings = [
            Meeting(
                group_id=group.id,
                series_id=series_id,
                title=title,
                starts_at=s,
                ends_at=s + length,
                timezone=zone.key,
                format_id=body.format_id,
            )
            for s in starts
        ]
        if series_id is not None and rule is not None:
            session.add(Series(id=series_id, group_id=group.id, rule=rule, timezone=zone.key))
        session.add_all(meetings)
        await commit_with_format(session, group.id, body.format_id)
        minutes = app.settings.room_open_minutes
        return json_response([meeting_out(m, minutes) for m in meetings], status=201)


def _parse_bound(value: str | None, field: str, zone: ZoneInfo) -> datetime | None:
    """A `from`/`to` bound: an ISO date or date-time; one without an offset is in `zone`."""
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise invalid({field: "Use an ISO 8601 date or time, like 2027-01-10."}) from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise invalid({field: f"Use a year from {FIRST_YEAR} to {LAST_YEAR}."})
    return parsed.astimezone(UTC) if parsed.tzinfo else localize(parsed, zone)


async def list_meetings(request: Request) -> Response:
    """A group's meetings from `from` (default: a day ago) until `to`, by start, at most 500.

    A meeting is in the window if it has not ended by `from` and starts before `to`.
    """
    async with group_access(request, write=False) as (app, session, _, group):
        zone = known_zone(group.timezone) or ZoneInfo("UTC")
        start = _parse_bound(request.query_params.get("from"), "from", zone)
        end = _parse_bound(request.query_params.get("to"), "to", zone)
        if start is not None and end is not None and end < start:
            raise invalid({"to": "Must not be before `from`."})
        query = select(Meeting).where(Meeting.group_id == group.id)
        query = query.where(Meeting.ends_at > (start or utcnow() - timedelta(days=1)))
        if end is not None:
            query = query.where(Meeting.starts_at < end)
        meetings = await session.scalars(
            query.order_by(Meeting.starts_at, Meeting.id).limit(MAX_LIST)
        )
        minutes = app.settings.room_open_minutes
        now = utcnow()
        return json_response([meeting_out(m, minutes, now) for m in meetings])


async def get_meeting(request: Request) -> Response:
    async with signed_in(request) as (app, session, user):
        meeting = await meeting_for(session, user, request.path_params["id"], write=False)
        return json_response(meeting_out(meeting, app.settings.room_open_minutes))


async def patch_meeting(request: Request) -> Response:
    """Reschedules or cancels one occurrence; the rest of its series is untouched.

    A new `timezone` without a new `starts_at` keeps the wall-clock time in the new zone.
    """
    async with signed_in(request) as (app, session, user):
        meeting = await meeting_for(session, user, request.path_params["id"], write=True)
        body = await decode_body(request, MeetingPatch)
        was_open = open_now(app, meeting)
        before = (meeting.starts_at, meeting.ends_at, meeting.cancelled)
        zone = _zone(body.timezone, meeting.timezone)
        length = meeting.ends_at - meeting.starts_at
        if body.duration_minutes is not None:
            length = timedelta(minutes=body.duration_minutes)
        if body.starts_at is not None:
            meeting.starts_at = _start(body.starts_at, zone)[1]
        elif body.timezone is not None:
            local = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)).replace(tzinfo=None)
            meeting.starts_at = localize(local, zone)
        meeting.timezone = zone.key
        meeting.ends_at = meeting.starts_at + length
        if body.title is not None:
            meeting.title = _title(body.title) or meeting.title
        if body.cancelled is not None:
            meeting.cancelled = body.cancelled
        if body.format_id is not msgspec.UNSET:
            await check_format_id(session, meeting.group_id, body.format_id)
            meeting.format_id = body.format_id
        if (meeting.starts_at, meeting.ends_at, meeting.cancelled) != before:
            meeting.sequence += 1
        await commit_with_format(session, meeting.group_id, meeting.format_id)
        if was_open and not open_now(app, meeting):  # cancelled, moved or cut short
            await end_rooms(app, [meeting.id])
        elif was_open:  # lengthened, shortened, renamed or another format: the room follows
            await reconfigure_rooms(app, session, [meeting])
        return json_response(meeting_out(meeting, app.settings.room_open_minutes))


async def delete_meeting(request: Request) -> Response:
    """Deletes one meeting; with ?series=future, also the later ones of its series."""
    async with signed_in(request) as (app, session, user):
        meeting = await meeting_for(session, user, request.path_params["id"], write=True)
        scope = request.query_params.get("series", "")
        if scope not in {"", "future"}:
            raise invalid({"series": "Use series=future, or leave it out."})
        doomed = [meeting]
        if scope == "future" and meeting.series_id is not None:
            doomed = list(
                await session.scalars(
                    select(Meeting).where(
                        Meeting.series_id == meeting.series_id,
                        Meeting.starts_at >= meeting.starts_at,
                    )
                )
            )
        live = [m.id for m in doomed if open_now(app, m)]
        for m in doomed:
            await session.delete(m)
        await session.commit()
        await end_rooms(app, live)
        return Response(status_code=204)


async def facilitator_token(request: Request) -> Response:
    async with signed_in(request) as (app, session, user):
        assert app.signer is not None
        meeting = await meeting_by_id(session, request.path_params["id"])
        if user.role != "organiser" and not await is_facilitator(
            session, user.id, meeting.group_id
        ):
            raise not_found("meeting")  # as for a meeting that does not exist: ids stay private
        if meeting.cancelled:
            raise ApiError(409, "meeting_cancelled", "This meeting was cancelled.")
        now = utcnow()
        if meeting.ended_at is not None or meeting.ends_at <= now:
            raise ApiError(409, "meeting_ended", "This meeting has ended.")
        expires = min(
            now + timedelta(seconds=app.settings.facilitator_token_seconds),
            meeting.ends_at + timedelta(hours=1),
        )
        ttl = max(1, int((expires - now).total_seconds()))
        token = app.signer.facilitator_token(meeting.id, user.id, user.username, ttl)
        return json_response({"token": token, "expires_at": expires.replace(microsecond=0)})


async def public_meeting(request: Request) -> Response:
    """What an attendee needs to join; no sign-in, the meeting id is the capability."""
    app = ctx(request)
    async with app.session() as session:
        meeting = await meeting_by_id(session, request.path_params["id"])
        group = await session.get(Group, meeting.group_id)
        assert group is not None
        out = meeting_out(meeting, app.settings.room_open_minutes)
        del out["group_id"], out["series_id"], out["format_id"]
        out["group"] = {
            "id": group.id,
            "name": group.name,
            "description": group.description,
            "guidelines": group.guidelines,
            "language": group.language,
            "visibility": group.visibility,
        }
        out["invite_required"] = group.visibility == "closed"
        out["keep_out_days"] = group.keep_out_days
        out["resources"] = [
            {"title": r.title, "url": r.url, "kind": r.kind}
            for r in await group_resources(session, group.id)
        ]
        out["retention"] = RETENTION
        return json_response(out)


routes: list[BaseRoute] = [
    Route("/api/groups/{id}/meetings", create_meetings, methods=["POST"]),
    Route("/api/groups/{id}/meetings", list_meetings, methods=["GET"]),
    Route("/api/meetings/{id}", get_meeting, methods=["GET"]),
    Route("/api/meetings/{id}", patch_meeting, methods=["PATCH"]),
    Route("/api/meetings/{id}", delete_meeting, methods=["DELETE"]),
    Route("/api/meetings/{id}/facilitator-token", facilitator_token, methods=["POST"]),
    Route("/api/meetings/{id}/public", public_meeting, methods=["GET"]),
]
