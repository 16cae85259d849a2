"""GET /feeds/meeting-guide.json: listed weekly series in the code4recovery Meeting
Guide format (https://github.com/code4recovery/spec), for meeting finders.

The specification is for weekly meetings only, so one-off meetings and series that
repeat fortnightly or monthly are left out rather than said wrongly; it has no way to
say that one week is cancelled, so a series stays listed and its join link
(/s/{series_id}, server/feeds/series_link.py) skips the cancelled week instead.
Invite-only groups are left out too: the spec holds an online meeting without a join
link inactive, and a finder's reader could do nothing with one.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.jsonio import json_response
from server.context import ctx
from server.db.models import Group, Meeting, Series, utcnow
from server.html import absolute
from server.slugs import group_path

# The spec's language types, by the ISO 639 code Hearth stores (its primary subtag).
LANGUAGE_TYPES = {
    "af": "AF", "am": "AM", "ar": "AR", "ase": "ASL", "bg": "BG", "da": "DA", "de": "DE",
    "el": "EL", "en": "EN", "es": "S", "fa": "FA", "fi": "FI", "fr": "FR", "he": "HE",
    "hi": "HI", "hr": "HR", "hu": "HU", "is": "IS", "it": "ITA", "ja": "JA", "ka": "KA",
    "ko": "KOR", "lt": "LT", "ml": "ML", "mt": "MT", "nb": "NO", "ne": "NE", "nl": "NL",
    "nn": "NO", "no": "NO", "pa": "PUN", "pl": "POL", "pt": "POR", "ru": "RUS", "sk": "SK",
    "sl": "SL", "sv": "SV", "th": "TH", "tl": "TL", "fil": "TL", "tr": "TUR", "uk": "UK",
}  # fmt: skip
CROSSTALK = "XT"  # "Cross Talk Permitted"
HEADERS = {"Cache-Control": "public, max-age=300"}
Pattern = tuple[int, str, str, str]  # (day 0=Sunday, time, end_time, zone)


def is_plain_weekly(rule: dict[str, Any]) -> bool:
    """A rule the spec can say: every week, nothing else."""
    weekly = rule.get("weekly")
    return set(rule) == {"weekly"} and isinstance(weekly, dict) and weekly.get("interval", 1) == 1


def pattern(meeting: Meeting) -> Pattern:
    zone = ZoneInfo(meeting.timezone)
    start, end = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    day = (start.weekday() + 1) % 7  # Python's Monday=0 to the spec's Sunday=0
    return day, start.strftime("%H:%M"), end.strftime("%H:%M"), meeting.timezone


def weekly_pattern(upcoming: list[Meeting]) -> Pattern:
    """The local day and times the series keeps from now on.

    The next occurrence's, unless it alone was moved: then the next one whose local
    day and times another upcoming occurrence shares. Wall-clock times, so a change of
    daylight-saving time, which moves the UTC time, changes nothing here.
    """
    patterns = [pattern(m) for m in upcoming]
    counts = Counter(patterns)
    return next((p for p in patterns if counts[p] > 1), patterns[0])


def _updated(*stamps: datetime) -> str:
    """The spec's UTC "YYYY-MM-DD HH:MM:SS". Meetings count from now on only (a
    cancelled week included): what happened to a past one changes nothing listed."""
    return max(stamps).strftime("%Y-%m-%d %H:%M:%S")


def entry(
    request: Request, group: Group, series: Series, upcoming: list[Meeting], last_change: datetime
) -> dict[str, Any]:
    day, start, end, zone = weekly_pattern(upcoming)
    name = next(m.title for m in upcoming if pattern(m) == (day, start, end, zone))
    types = (
        [LANGUAGE_TYPES[code]] if (code := group.language.split("-")[0]) in LANGUAGE_TYPES else []
    )
    if group.crosstalk:
        types.append(CROSSTALK)
    out: dict[str, Any] = {
        "name": (name or group.name)[:255],
        "slug": series.id,
        "day": day,
        "time": start,
        "end_time": end,
        "timezone": zone,
        "conference_url": absolute(request, f"/s/{series.id}"),
        "attendance_option": "online",
        "types": sorted(types),
        "group": group.name,
        "url": absolute(request, group_path(group.id, group.name)),
        "updated": _updated(group.updated_at, series.updated_at, last_change),
    }
    if group.description:
        out["notes"] = group.description
    return out


async def meeting_guide(request: Request) -> Response:
    app = ctx(request)
    now = utcnow()
    async with app.session() as session:
        rows = await session.execute(
            select(Series, Group)
            .join(Group, Group.id == Series.group_id)
            .where(Group.listed.is_(True), Group.visibility == "open")
            .order_by(Series.id)
        )
        weekly = {s.id: (s, g) for s, g in rows if is_plain_weekly(s.rule)}
        meetings = await session.scalars(
            select(Meeting)
            .where(Meeting.series_id.in_(weekly), Meeting.ends_at > now)
            .order_by(Meeting.starts_at, Meeting.id)
        )
        upcoming: dict[str, list[Meeting]] = {sid: [] for sid in weekly}
        changed: dict[str, datetime] = {}
        for m in meetings:
            sid = m.series_id or ""
            changed[sid] = max(changed.get(sid, m.updated_at), m.updated_at)
            if not m.cancelled and m.ended_at is None:
                upcoming[sid].append(m)
    feed = [
        entry(request, group, series, upcoming[sid], changed[sid])
        for sid, (series, group) in weekly.items()
        if upcoming[sid]
    ]
    return json_response(feed, headers=HEADERS)


routes: list[BaseRoute] = [Route("/feeds/meeting-guide.json", meeting_guide, methods=["GET"])]
