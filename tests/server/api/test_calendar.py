"""The iCalendar feed of a listed group and the file of one meeting, each read back by
two parsers (tests/calendar/parsers.py): what people's calendars would show, and how
they would learn that a meeting moved or was cancelled."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import httpx

from server.app import create_app
from server.config import Settings
from tests.calendar.parsers import read_both
from tests.server.api.test_groups import new_group
from tests.server.api.test_meetings import local, schedule


async def test_feed_keeps_local_times_across_dst_in_both_parsers(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """A weekly London series across the spring change: 19:00 local, UTC+0 then UTC+1."""
    group = await new_group(organiser, name="Circle", timezone="Europe/London")
    series = await schedule(
        organiser, group["id"], starts_at="2027-03-16T19:00", repeat={"weekly": {"count": 4}}
    )
    hidden = await new_group(organiser, name="Hidden", listed=False)
    await schedule(organiser, hidden["id"], starts_at="2027-03-16T19:00")
    r = await client.get(f"/groups/{group['id']}/calendar.ics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    cal = read_both(r.content)
    assert cal["name"] == cal["x_wr_calname"] == "Circle"
    assert cal["refresh_interval"] == "PT1H" and cal["method"] is None
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in r.text
    assert "X-PUBLISHED-TTL:PT1H" in r.text
    assert cal["url"] == f"http://testserver/groups/{group['id']}/calendar.ics"
    assert cal["timezones"] == ["Europe/London"]
    events = cal["events"]
    assert [e["uid"] for e in events] == [f"{m['id']}@testserver" for m in series]
    assert [e["start"]["local"][11:] for e in events] == ["19:00"] * 4
    assert [e["start"]["tzid"] for e in events] == ["Europe/London"] * 4
    assert [e["start"]["utc_offset_seconds"] for e in events] == [0, 0, 3600, 3600]
    assert [e["end"]["local"][11:] for e in events] == ["20:00"] * 4
    for e, m in zip(events, series, strict=True):
        join = f"http://testserver/m/{m['id']}"
        assert e["url"] == e["location"] == join and join in e["description"]
        assert e["status"] == "CONFIRMED" and e["sequence"] == 0 and e["alarms"] == []
    assert (await client.get(f"/groups/{hidden['id']}/calendar.ics")).status_code == 404
    assert (await client.get("/groups/nope/calendar.ics")).status_code == 404


async def test_invite_only_feed_has_no_link_no_code_and_sends_a_cancellation(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """A cancelled meeting stays in the feed as CANCELLED, so calendars drop it."""
    group = await new_group(
        organiser, name="Closed", visibility="closed", timezone="America/New_York"
    )
    invite = (await organiser.post(f"/api/groups/{group['id']}/invites", json={})).json()
    [old] = await schedule(organiser, group["id"], starts_at=local(-60 * 24 * 40))
    [recent] = await schedule(organiser, group["id"], starts_at=local(-60 * 24 * 2))
    [called_off] = await schedule(organiser, group["id"], starts_at="2027-07-01T18:30")
    [kept] = await schedule(organiser, group["id"], starts_at="2027-07-08T18:30", title="Summer")
    await organiser.patch(f"/api/meetings/{called_off['id']}", json={"cancelled": True})

    r = await client.get(f"/groups/{group['id']}/calendar.ics")
    assert invite["code"] not in r.text and old["id"] not in r.text
    events = {e["uid"].split("@")[0]: e for e in read_both(r.content)["events"]}
    assert set(events) == {recent["id"], called_off["id"], kept["id"]}
    assert events[called_off["id"]]["status"] == "CANCELLED"
    assert events[called_off["id"]]["sequence"] == 1
    summer = events[kept["id"]]
    assert summer["status"] == "CONFIRMED" and summer["summary"] == "Summer"
    assert summer["url"] is None and summer["location"] is None
    assert "invite" in summer["description"].lower()
    assert summer["start"] == {
        "local": "2027-07-08T18:30", "tzid": "America/New_York",
        "utc_offset_seconds": -4 * 3600, "unix": 1815085800,
    }  # fmt: skip


async def test_a_moved_meeting_gets_a_higher_sequence_and_keeps_its_uid(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """Calendars replace their copy only with a higher SEQUENCE: moving, lengthening and
    cancelling each raise it, a new title only LAST-MODIFIED; the bytes stay the same
    between changes (DTSTAMP is the last revision, not the time of the request)."""
    group = await new_group(organiser, timezone="Europe/London")
    [meeting] = await schedule(organiser, group["id"], starts_at="2027-05-04T19:00")
    url = f"/groups/{group['id']}/calendar.ics"
    first = (await client.get(url)).content
    assert (await client.get(url)).content == first
    [before] = read_both(first)["events"]
    assert before["sequence"] == 0 and before["dtstamp"] == before["last_modified"]

    await asyncio.sleep(1.1)  # LAST-MODIFIED counts in whole seconds
    moved = await organiser.patch(
        f"/api/meetings/{meeting['id']}", json={"starts_at": "2027-05-05T18:00"}
    )
    assert moved.json()["sequence"] == 1
    [after] = read_both((await client.get(url)).content)["events"]
    assert after["uid"] == before["uid"] == f"{meeting['id']}@testserver"
    assert after["sequence"] == 1 and after["last_modified"] > before["last_modified"]
    assert after["dtstamp"] == after["last_modified"]
    assert after["start"]["local"] == "2027-05-05T18:00"

    await organiser.patch(f"/api/meetings/{meeting['id']}", json={"title": "Renamed"})
    [renamed] = read_both((await client.get(url)).content)["events"]
    assert renamed["sequence"] == 1 and renamed["summary"] == "Renamed"
    await organiser.patch(f"/api/meetings/{meeting['id']}", json={"duration_minutes": 90})
    await organiser.patch(f"/api/meetings/{meeting['id']}", json={"cancelled": True})
    [gone] = read_both((await client.get(url)).content)["events"]
    assert gone["sequence"] == 3 and gone["status"] == "CANCELLED"
    assert gone["end"]["local"] == "2027-05-05T19:30"


async def test_one_meeting_to_add_has_a_reminder_and_works_by_its_id(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """The meeting id is the capability, as for /m/{id}: an unlisted group's meeting has
    its file too; a cancelled one says so, without a reminder."""
    group = await new_group(organiser, name="Quiet", listed=False, timezone="Europe/London")
    [meeting] = await schedule(organiser, group["id"], starts_at="2027-10-31T10:00", title="Sun")
    r = await client.get(f"/meetings/{meeting['id']}/calendar.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert r.headers["content-disposition"] == f'attachment; filename="hearth-{meeting["id"]}.ics"'
    cal = read_both(r.content)
    assert cal["name"] is None and cal["timezones"] == ["Europe/London"]
    [event] = cal["events"]
    assert event["uid"] == f"{meeting['id']}@testserver" and event["summary"] == "Sun"
    # The clocks went back at 02:00 that morning: 10:00 is in GMT again.
    assert event["start"]["local"] == "2027-10-31T10:00"
    assert event["start"]["utc_offset_seconds"] == 0
    assert event["alarms"] == [
        {"action": "DISPLAY", "trigger": "-PT15M", "description": "Sun starts in 15 minutes"}
    ]
    await organiser.patch(f"/api/meetings/{meeting['id']}", json={"cancelled": True})
    [cancelled] = read_both((await client.get(f"/meetings/{meeting['id']}/calendar.ics")).content)[
        "events"
    ]
    assert cancelled["status"] == "CANCELLED" and cancelled["alarms"] == []
    assert cancelled["uid"] == event["uid"] and cancelled["sequence"] == 1
    assert (await client.get("/meetings/nope/calendar.ics")).status_code == 404
    assert (await client.get(f"/meetings/{'x' * 40}/calendar.ics")).status_code == 404


async def test_uids_and_links_use_the_public_address(tmp_path: Path, database: str) -> None:
    """Behind a proxy the UID's domain and every link are HEARTH_PUBLIC_URL's."""
    settings = Settings(
        data_dir=tmp_path / "d",
        database_url=database,
        secret_key=secrets.token_hex(8),
        public_url="https://meet.example.org",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        from server.api.auth import add_user

        async with app.state.ctx.session() as session:
            await add_user(session, "olive", "correct horse", "organiser")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://10.0.0.5:8000") as c:
            await c.post("/api/auth/login", json={"username": "olive", "password": "correct horse"})
            group = await new_group(c, timezone="UTC")
            [meeting] = await schedule(c, group["id"], starts_at="2027-01-05T19:00")
            r = await c.get(f"/groups/{group['id']}/calendar.ics")
    cal = read_both(r.content)
    assert cal["url"] == f"https://meet.example.org/groups/{group['id']}/calendar.ics"
    [event] = cal["events"]
    assert event["uid"] == f"{meeting['id']}@meet.example.org"
    assert event["url"] == f"https://meet.example.org/m/{meeting['id']}"
    assert "10.0.0.5" not in r.text
