"""The public catalogue and the calendar feed."""

from __future__ import annotations

import httpx
import icalendar

from tests.api.test_groups import new_group
from tests.api.test_meetings import local, schedule


async def test_catalogue_lists_only_listed_groups_with_their_next_meetings(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    grief = await new_group(
        organiser, name="Grief Circle", topics=["grief"], description="After a loss"
    )
    carers = await new_group(organiser, name="Carers", topics=["carers"], visibility="closed")
    await new_group(organiser, name="Hidden", listed=False)
    await new_group(organiser, name="Arabic group", language="ar", topics=["grief"])
    for minutes in (60, 60 * 24 * 7, 60 * 24 * 14, 60 * 24 * 21):
        await schedule(organiser, grief["id"], starts_at=local(minutes))
    await schedule(organiser, carers["id"], starts_at=local(30))
    past = await schedule(organiser, grief["id"], starts_at=local(-200))
    assert past[0]["status"] == "ended"

    everything = (await client.get("/api/catalogue")).json()
    assert [g["name"] for g in everything] == ["Carers", "Grief Circle", "Arabic group"]
    by_name = {g["name"]: g for g in everything}
    assert len(by_name["Grief Circle"]["next_meetings"]) == 3
    first = by_name["Grief Circle"]["next_meetings"][0]
    assert first["join_url"] == f"/m/{first['id']}"
    assert by_name["Carers"]["invite_only"] is True
    assert by_name["Carers"]["next_meetings"][0]["join_url"] is None
    assert by_name["Grief Circle"]["calendar_url"] == f"/groups/{grief['id']}/calendar.ics"


async def test_catalogue_search_by_words_topic_and_language(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await new_group(organiser, name="Grief Circle", topics=["grief"], description="After a loss")
    await new_group(organiser, name="Carers", topics=["carers"], description="Evening support")
    await new_group(organiser, name="Arabic group", language="ar", topics=["grief"])

    async def names(**params: str) -> list[str]:
        r = await client.get("/api/catalogue", params=params)
        assert r.status_code == 200, r.text
        return sorted(g["name"] for g in r.json())

    assert await names(q="grief") == ["Arabic group", "Grief Circle"]
    assert await names(q="after LOSS") == ["Grief Circle"]
    assert await names(q="after carers") == []
    assert await names(topic="Carers") == ["Carers"]
    assert await names(language="ar") == ["Arabic group"]
    assert await names(q="grief", language="en") == ["Grief Circle"]
    r = await client.get("/api/catalogue", params={"q": "x" * 500})
    assert r.status_code == 400 and "q" in r.json()["error"]["fields"]


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
