"""The public catalogue of listed groups."""

from __future__ import annotations

import httpx

from tests.server.api.test_groups import new_group
from tests.server.api.test_meetings import local, schedule


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


async def test_catalogue_skips_cancelled_meetings_and_sorts_by_the_next_one(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    early = await new_group(organiser, name="Zebra")
    late = await new_group(organiser, name="Aardvark")
    await new_group(organiser, name="Nothing yet")
    await new_group(organiser, name="Another without")
    [cancelled] = await schedule(organiser, early["id"], starts_at=local(30))
    await organiser.patch(f"/api/meetings/{cancelled['id']}", json={"cancelled": True})
    [kept] = await schedule(organiser, early["id"], starts_at=local(120))
    await schedule(organiser, late["id"], starts_at=local(600))
    [running] = await schedule(organiser, late["id"], starts_at=local(-10))

    groups = (await client.get("/api/catalogue")).json()
    assert [g["name"] for g in groups] == ["Aardvark", "Zebra", "Another without", "Nothing yet"]
    assert [m["id"] for m in groups[1]["next_meetings"]] == [kept["id"]]
    assert groups[0]["next_meetings"][0]["id"] == running["id"]
    assert groups[0]["next_meetings"][0]["status"] == "open"
    assert groups[2]["next_meetings"] == []
    assert set(groups[1]["next_meetings"][0]) >= {
        "id", "title", "starts_at", "ends_at", "timezone", "local_starts_at", "status", "join_url",
    }  # fmt: skip


async def test_catalogue_topic_is_normalised_and_params_are_checked(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await new_group(organiser, name="Young carers", topics=["Young  Carers"])
    r = await client.get("/api/catalogue", params={"topic": "  young CARERS "})
    assert [g["name"] for g in r.json()] == ["Young carers"]
    assert r.json()[0]["topics"] == ["young carers"]
    assert (await client.get("/api/catalogue", params={"topic": "young"})).json() == []
    for params, field in [
        ({"q": "x" * 201}, "q"),
        ({"q": "tab\there"}, "q"),
        ({"topic": "t" * 41}, "topic"),
        ({"language": "l" * 17}, "language"),
    ]:
        r = await client.get("/api/catalogue", params=params)
        assert r.status_code == 400 and field in r.json()["error"]["fields"], (params, r.text)


async def test_an_invite_link_shows_an_unlisted_group(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    group = await new_group(organiser, name="Quiet room", listed=False, visibility="closed")
    await schedule(organiser, group["id"], starts_at=local(60))
    assert (await client.get("/api/catalogue")).json() == []
    r = await client.get(f"/api/groups/{group['id']}/public")
    assert r.status_code == 200
    view = r.json()
    assert view["name"] == "Quiet room" and view["invite_only"] is True
    assert view["listed"] is False and view["calendar_url"] is None
    assert len(view["next_meetings"]) == 1 and view["next_meetings"][0]["join_url"] is None
    assert (await client.get("/api/groups/nope/public")).status_code == 404
