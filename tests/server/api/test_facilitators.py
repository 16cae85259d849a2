"""Assigning facilitators to a group: who runs its meetings and may read it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.conftest import MakeUser


async def new_group(client: httpx.AsyncClient, **fields: Any) -> str:
    r = await client.post("/api/groups", json={"name": "Circle", **fields})
    assert r.status_code == 201, r.text
    gid: str = r.json()["id"]
    return gid


async def test_assign_list_and_remove_facilitators(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, make_user: MakeUser
) -> None:
    await make_user("sage", "facilitator")
    gid = await new_group(organiser)
    base = f"/api/groups/{gid}/facilitators"
    assert (await organiser.get(base)).json() == []
    r = await organiser.put(f"{base}/sage")
    assert r.status_code == 200
    assert r.json() == [{"id": 3, "username": "sage", "role": "facilitator"}]
    # Usernames are case-insensitive, and assigning twice changes nothing.
    r = await organiser.put(f"{base}/FERN")
    assert [u["username"] for u in r.json()] == ["fern", "sage"]
    assert (await organiser.put(f"{base}/fern")).json() == r.json()
    assert (await organiser.get(base)).json() == r.json()
    # The assigned facilitator now sees the group, and the list.
    assert (await facilitator.get(f"/api/groups/{gid}")).status_code == 200
    assert (await facilitator.get(base)).json() == r.json()
    assert (await organiser.delete(f"{base}/sage")).status_code == 204
    assert [u["username"] for u in (await organiser.get(base)).json()] == ["fern"]
    assert (await organiser.delete(f"{base}/sage")).status_code == 404
    assert (await organiser.delete(f"{base}/fern")).status_code == 204
    assert (await facilitator.get(f"/api/groups/{gid}")).status_code == 404


async def test_unknown_users_and_groups_are_404(organiser: httpx.AsyncClient) -> None:
    gid = await new_group(organiser)
    r = await organiser.put(f"/api/groups/{gid}/facilitators/ghost")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert (await organiser.delete(f"/api/groups/{gid}/facilitators/ghost")).status_code == 404
    assert (await organiser.put("/api/groups/nope/facilitators/olive")).status_code == 404
    assert (await organiser.get("/api/groups/nope/facilitators")).status_code == 404
    assert (await organiser.get(f"/api/groups/{gid}/facilitators")).json() == []


async def test_only_organisers_assign_facilitators(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    mine = await new_group(organiser, name="Mine")
    other = await new_group(organiser, name="Other")
    await organiser.put(f"/api/groups/{mine}/facilitators/fern")
    assert (await client.get(f"/api/groups/{mine}/facilitators")).status_code == 401
    assert (await client.put(f"/api/groups/{mine}/facilitators/fern")).status_code == 401
    assert (await facilitator.put(f"/api/groups/{mine}/facilitators/olive")).status_code == 403
    assert (await facilitator.delete(f"/api/groups/{mine}/facilitators/fern")).status_code == 403
    assert (await facilitator.get(f"/api/groups/{other}/facilitators")).status_code == 404
    assert (await facilitator.put(f"/api/groups/{other}/facilitators/fern")).status_code == 404
    assert len((await organiser.get(f"/api/groups/{mine}/facilitators")).json()) == 1


async def test_concurrent_assignments_of_the_same_person_all_succeed(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient
) -> None:
    gid = await new_group(organiser)
    results = await asyncio.gather(
        *(organiser.put(f"/api/groups/{gid}/facilitators/fern") for _ in range(6))
    )
    assert [r.status_code for r in results] == [200] * 6
    assert [
        u["username"] for u in (await organiser.get(f"/api/groups/{gid}/facilitators")).json()
    ] == ["fern"]
