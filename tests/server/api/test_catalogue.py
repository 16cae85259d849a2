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


async def _names(client: httpx.AsyncClient, **params: str) -> list[str]:
    r = await client.get("/api/catalogue", params=params)
    assert r.status_code == 200, r.text
    return [g["name"] for g in r.json()]


async def test_day_and_time_are_the_viewers_across_a_dst_change(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """18:00 in London is 13:00 in New York, but 14:00 in the two weeks of March when
    New York has changed its clocks and London has not; the filter follows the viewer."""
    group = await new_group(organiser, name="London evening", timezone="Europe/London")
    made = await schedule(
        organiser, group["id"], starts_at="2027-03-07T18:00", repeat={"weekly": {"count": 5}}
    )
    assert [m["starts_at"][:16] for m in made][:2] == ["2027-03-07T18:00", "2027-03-14T18:00"]
    new_york = {"tz": "America/New_York"}

    r = await client.get("/api/catalogue", params={**new_york, "from": "14", "to": "15"})
    [found] = r.json()
    assert [m["starts_at"][:10] for m in found["next_meetings"]] == ["2027-03-14", "2027-03-21"]
    r = await client.get("/api/catalogue", params={**new_york, "from": "13", "to": "14"})
    assert [m["starts_at"][:10] for m in r.json()[0]["next_meetings"]] == [
        "2027-03-07", "2027-03-28", "2027-04-04",
    ]  # fmt: skip
    assert await _names(client, **new_york, time="afternoon") == ["London evening"]
    assert await _names(client, **new_york, time="evening") == []
    assert await _names(client, time="evening") == ["London evening"]  # UTC: 17:00 or 18:00
    assert await _names(client, tz="Europe/London", time="evening", day="sun") == ["London evening"]
    # 18:00 on a Sunday in London is the small hours of Monday in Tokyo.
    assert await _names(client, tz="Asia/Tokyo", day="mon", time="night") == ["London evening"]
    assert await _names(client, tz="Asia/Tokyo", day="1") == ["London evening"]
    assert await _names(client, tz="Asia/Tokyo", day="0") == []


async def test_happening_now_and_starting_within_the_hour(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    running = await new_group(organiser, name="Running")
    soon = await new_group(organiser, name="Soon")
    later = await new_group(organiser, name="Later")
    await schedule(organiser, running["id"], starts_at=local(-10))
    await schedule(organiser, soon["id"], starts_at=local(30))
    await schedule(organiser, later["id"], starts_at=local(120))
    await schedule(organiser, soon["id"], starts_at=local(60 * 24))

    assert await _names(client, now="1") == ["Running"]
    assert await _names(client, soon="1") == ["Soon"]
    assert await _names(client, now="1", soon="1") == ["Running", "Soon"]
    r = await client.get("/api/catalogue", params={"soon": "1"})
    assert len(r.json()[0]["next_meetings"]) == 1  # only the meeting that matched
    assert await _names(client) == ["Running", "Soon", "Later"]


async def test_paging_past_two_hundred_groups_never_shows_an_unlisted_one(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    for n in range(205):
        await new_group(organiser, name=f"Group {n:03}")
    await new_group(organiser, name="Group 999 unlisted", listed=False)

    first = await client.get("/api/catalogue")
    assert first.headers["x-total-count"] == "205" and len(first.json()) == 200
    assert 'rel="next"' in first.headers["link"] and "page=2" in first.headers["link"]
    second = await client.get("/api/catalogue", params={"page": "2"})
    assert [g["name"] for g in second.json()] == [f"Group {n:03}" for n in range(200, 205)]
    assert 'rel="prev"' in second.headers["link"] and 'rel="next"' not in second.headers["link"]
    seen = []
    for page in range(1, 6):
        r = await client.get("/api/catalogue", params={"per_page": "50", "page": str(page)})
        seen += [g["name"] for g in r.json()]
    assert seen == [f"Group {n:03}" for n in range(205)]
    assert (await client.get("/api/catalogue", params={"page": "9"})).json() == []


async def test_a_mixed_case_language_matches_in_any_spelling(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """The catalogue lowercased the chosen language and so never found a pt-BR group."""
    await new_group(organiser, name="Roda de conversa", language="pt-BR")
    await new_group(organiser, name="Portugal", language="pt")
    for spelling in ("pt-BR", "pt-br", "PT-BR"):
        assert await _names(client, language=spelling) == ["Roda de conversa"]
    assert await _names(client, language="pt") == ["Portugal"]
    [group] = (await client.get("/api/catalogue", params={"language": "pt-br"})).json()
    assert group["language"] == "pt-BR"


async def test_places_left_is_the_capacity_of_the_next_meetings_room(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    group = await new_group(organiser, name="Small", capacity=12)
    await schedule(organiser, group["id"], starts_at=local(120))
    [found] = (await client.get("/api/catalogue")).json()
    assert found["capacity"] == 12 and found["places_left"] == 12


async def test_bad_filters_are_400_naming_the_field(client: httpx.AsyncClient) -> None:
    for params, field in [
        ({"day": "8"}, "day"),
        ({"day": "funday"}, "day"),
        ({"time": "noon"}, "time"),
        ({"time": "morning", "from": "6"}, "time"),
        ({"from": "25"}, "from"),
        ({"from": "-1"}, "from"),
        ({"to": "0"}, "to"),
        ({"from": "3", "to": "3"}, "to"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"tz": "localtime"}, "tz"),
        ({"now": "maybe"}, "now"),
        ({"soon": "2"}, "soon"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": "201"}, "per_page"),
        ({"language": "pt_BR"}, "language"),
    ]:
        r = await client.get("/api/catalogue", params=params)
        assert r.status_code == 400, (params, r.text)
        assert r.json()["error"]["code"] == "invalid"
        assert field in r.json()["error"]["fields"], (params, r.text)
