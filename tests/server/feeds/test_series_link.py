"""GET /s/{id}: the stable join link of a series finds this week's room."""

from __future__ import annotations

import httpx

from server.slugs import group_path
from tests.server.api.test_groups import new_group
from tests.server.api.test_meetings import local, schedule


async def where(client: httpx.AsyncClient, series_id: str) -> str:
    r = await client.get(f"/s/{series_id}")
    assert r.status_code == 303, r.text
    assert r.headers["cache-control"] == "no-store"
    location: str = r.headers["location"]
    return location.removeprefix("http://testserver")


async def test_the_link_opens_the_meeting_on_now_then_the_next_one(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """Open now first; once it is over, or a week is cancelled, the next one."""
    group = await new_group(organiser, timezone="UTC")
    first, second, third = await schedule(
        organiser, group["id"], starts_at=local(-10), repeat={"weekly": {"count": 3}}
    )
    series = first["series_id"]
    assert await where(client, series) == f"/m/{first['id']}"
    await organiser.patch(f"/api/meetings/{first['id']}", json={"starts_at": local(-70)})
    assert await where(client, series) == f"/m/{second['id']}"  # the first has ended
    await organiser.patch(f"/api/meetings/{second['id']}", json={"cancelled": True})
    assert await where(client, series) == f"/m/{third['id']}"
    assert (await organiser.delete(f"/api/meetings/{third['id']}")).status_code == 204
    r = await client.get(f"/s/{series}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


async def test_the_link_never_opens_an_unlisted_or_deleted_group(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """404 as for a series that never was, so an unlisted group's series id tells nothing."""
    group = await new_group(organiser)
    [m, _] = await schedule(
        organiser, group["id"], starts_at=local(60), repeat={"weekly": {"count": 2}}
    )
    assert await where(client, m["series_id"]) == f"/m/{m['id']}"
    await organiser.patch(f"/api/groups/{group['id']}", json={"listed": False})
    unlisted = await client.get(f"/s/{m['series_id']}")
    unknown = await client.get("/s/0123456789abcdef")
    assert unlisted.status_code == unknown.status_code == 404
    assert unlisted.json() == unknown.json()
    assert m["id"] not in unlisted.text
    await organiser.patch(f"/api/groups/{group['id']}", json={"listed": True})
    assert (await organiser.delete(f"/api/groups/{group['id']}")).status_code == 204
    assert (await client.get(f"/s/{m['series_id']}")).status_code == 404
    assert (await client.get("/s/" + "x" * 40)).status_code == 404


async def test_an_invite_only_group_s_link_leads_to_its_page_not_its_room(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    group = await new_group(organiser, visibility="closed")
    invite = (await organiser.post(f"/api/groups/{group['id']}/invites", json={})).json()
    [m] = await schedule(
        organiser, group["id"], starts_at=local(-5), repeat={"weekly": {"count": 1}}
    )
    r = await client.get(f"/s/{m['series_id']}")
    assert r.status_code == 303
    assert r.headers["location"] == "http://testserver" + group_path(group["id"], group["name"])
    assert invite["code"] not in r.headers["location"] and m["id"] not in r.headers["location"]
