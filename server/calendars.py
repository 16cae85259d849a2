"""iCalendar for people's calendars: a listed group's feed, and one meeting to add.

What keeps a calendar right (RFC 5545): a UID that never changes for a meeting, a
SEQUENCE raised whenever its time, length or cancellation changes (a calendar keeps
its copy unless the new one is a higher revision), a cancelled meeting sent as
STATUS:CANCELLED rather than left out (left out, it would stay in people's calendars),
and LAST-MODIFIED. Neither file has a METHOD: they are published data, not scheduling
messages, so by 3.8.7.2 DTSTAMP is when the event was last revised in the store, which
is `updated_at`, and the bytes stay the same until something changes.

The group feed is for listed groups only (an unlisted group has no public address);
a meeting's own file is open to whoever has the meeting id, as /m/{id} is. Invite
codes are never part of either, and an invite-only group's events carry no join link.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import meeting_by_id
from server.api.errors import not_found
from server.context import ctx
from server.db.models import Group, Meeting, utcnow
from server.html import absolute, base_url
from server.vtimezone import vtimezone

REFRESH = timedelta(hours=1)
REMINDER = timedelta(minutes=15)
PAST = timedelta(days=30)
MAX_EVENTS = 500
PRODID = "-//Hearth//Support group meetings//EN"


def _calendar() -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    return cal


def _event(request: Request, meeting: Meeting, group: Group) -> icalendar.Event:
    zone = ZoneInfo(meeting.timezone)
    host = urlsplit(base_url(request)).hostname or "hearth.invalid"
    event = icalendar.Event()
    # The host makes the UID unique across servers (RFC 5545 3.8.4.7); the id, stable.
    event.add("uid", f"{meeting.id}@{host}")
    event.add("dtstamp", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", meeting.title or group.name)
    if group.visibility == "open":
        join = absolute(request, f"/m/{meeting.id}")
        event.add("url", join)
        event.add("location", join)
        event.add("description", f"{group.description}\n\nJoin: {join}".strip())
    else:
        event.add("description", f"{group.description}\n\nInvite only.".strip())
    return event


def _ics(cal: icalendar.Calendar, meetings: list[Meeting], filename: str | None = None) -> Response:
    """The calendar with a VTIMEZONE for each zone its events use, over their years."""
    zones = sorted({m.timezone for m in meetings})
    if meetings:
        years = [m.starts_at.year for m in meetings] + [m.ends_at.year for m in meetings]
        # Before the events, as RFC 5545's examples have them, for one-pass readers.
        cal.subcomponents[:0] = [vtimezone(z, min(years) - 1, max(years) + 1) for z in zones]
    headers = {"Cache-Control": "no-cache"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(cal.to_ical(), media_type="text/calendar; charset=utf-8", headers=headers)


async def group_calendar(request: Request) -> Response:
    """A listed group's meetings from 30 days ago on, cancelled ones included."""
    app = ctx(request)
    group_id = request.path_params["id"]
    async with app.session() as session:
        group = await session.get(Group, group_id) if len(group_id) <= 32 else None
        if group is None or not group.listed:
            raise not_found("group")
        meetings = list(
            await session.scalars(
                select(Meeting)
                .where(Meeting.group_id == group.id, Meeting.ends_at > utcnow() - PAST)
                .order_by(Meeting.starts_at, Meeting.id)
                .limit(MAX_EVENTS)
            )
        )
        cal = _calendar()
        feed = absolute(request, f"/groups/{group.id}/calendar.ics")
        # RFC 7986 names and refresh hints, and their older X- spellings for clients
        # (Apple, Outlook) that read only those.
        cal.add("name", group.name)
        cal.add("x-wr-calname", group.name)
        cal.add("x-wr-timezone", group.timezone)
        cal.add("refresh-interval", icalendar.vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
        cal.add("url", feed, parameters={"VALUE": "URI"})
        cal.add("source", feed, parameters={"VALUE": "URI"})
        for meeting in meetings:
            cal.add_component(_event(request, meeting, group))
        return _ics(cal, meetings)


async def meeting_calendar(request: Request) -> Response:
    """One meeting to add to a calendar, with a reminder before it starts."""
    app = ctx(request)
    async with app.session() as session:
        meeting = await meeting_by_id(session, request.path_params["id"])
        group = await session.get(Group, meeting.group_id)
        assert group is not None
        event = _event(request, meeting, group)
        if not meeting.cancelled:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", -REMINDER)
            alarm.add("description", f"{meeting.title or group.name} starts in 15 minutes")
            event.add_component(alarm)
        cal = _calendar()
        cal.add_component(event)
        return _ics(cal, [meeting], filename=f"hearth-{meeting.id}.ics")


routes: list[BaseRoute] = [
    Route("/groups/{id}/calendar.ics", group_calendar, methods=["GET"]),
    Route("/meetings/{id}/calendar.ics", meeting_calendar, methods=["GET"]),
]
