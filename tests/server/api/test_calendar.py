"""The iCalendar feed of a listed group, parsed back with the icalendar library."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import icalendar

from tests.server.api.test_groups import new_group
from tests.server.api.test_meetings import local, schedule


async def test_calendar_parses_back_with_local_times(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    group = await new_group(organiser, name="Circle", timezone="Europe/London")
    await schedule(
        organiser, group["id"], starts_at="2027-03-16T19:00", repeat={"weekly": {"count": 4}}
    )
    hidden = await new_group(organiser, name="Hidden", listed=False)
    r = await client.get(f"/groups/{group['id']}/calendar.ics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.content)
    assert str(cal["x-wr-calname"]) == "Circle"
    events = cal.walk("VEVENT")
    starts = [e.decoded("dtstart") for e in events]
    assert [s.strftime("%H:%M") for s in starts] == ["19:00"] * 4
    assert [s.utcoffset().total_seconds() for s in starts] == [0, 0, 3600, 3600]
    assert cal.walk("VTIMEZONE")[0]["tzid"] == "Europe/London"
    assert all(str(e["url"]).endswith(f"/m/{str(e['uid']).split('@')[0]}") for e in events)
    assert (await client.get(f"/groups/{hidden['id']}/calendar.ics")).status_code == 404
    assert (await client.get("/groups/nope/calendar.ics")).status_code == 404


async def test_calendar_of_an_invite_only_group_has_no_link_and_no_code(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    group = await new_group(
        organiser, name="Closed", visibility="closed", timezone="America/New_York"
    )
    invite = (await organiser.post(f"/api/groups/{group['id']}/invites", json={})).json()
    [old] = await schedule(organiser, group["id"], starts_at=local(-60 * 24 * 40))
    [recent] = await schedule(organiser, group["id"], starts_at=local(-60 * 24 * 2))
    [dropped] = await schedule(organiser, group["id"], starts_at="2027-07-01T18:30")
    [kept] = await schedule(organiser, group["id"], starts_at="2027-07-08T18:30", title="Summer")
    await organiser.patch(f"/api/meetings/{dropped['id']}", json={"cancelled": True})

    r = await client.get(f"/groups/{group['id']}/calendar.ics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert invite["code"] not in r.text
    cal = icalendar.Calendar.from_ical(r.content)
    assert str(cal["version"]) == "2.0" and "Hearth" in str(cal["prodid"])
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"{recent['id']}@hearth", f"{kept['id']}@hearth"}
    summer = events[f"{kept['id']}@hearth"]
    assert "url" not in summer and str(summer["summary"]) == "Summer"
    assert "invite" in str(summer["description"]).lower()
    start = summer.decoded("dtstart")
    assert str(start.tzinfo) == "America/New_York" and start.strftime("%H:%M") == "18:30"
    assert start.astimezone(UTC) == datetime(2027, 7, 8, 22, 30, tzinfo=UTC)
    assert summer.decoded("dtend").astimezone(UTC) == datetime(2027, 7, 8, 23, 30, tzinfo=UTC)
    assert [str(z["tzid"]) for z in cal.walk("VTIMEZONE")] == ["America/New_York"]
    assert old["id"] not in r.text
