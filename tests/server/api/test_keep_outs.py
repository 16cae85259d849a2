"""A group's keep-outs through the HTTP API: a count and lifting them all, organisers only."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from server.context import AppContext
from server.db.keep_outs import keep_out
from server.db.models import KeepOut, utcnow
from server.security import Signer


async def new_group(client: httpx.AsyncClient, name: str) -> str:
    r = await client.post("/api/groups", json={"name": name})
    assert r.status_code == 201, r.text
    group_id: str = r.json()["id"]
    return group_id


async def test_organisers_count_and_lift_keep_outs_without_seeing_anyone(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    mine, other = await new_group(organiser, "Mine"), await new_group(organiser, "Other")
    signer = Signer("k")
    async with context.session() as session:
        await keep_out(session, mine, signer.device_hash(mine, "a" * 43), 7)
        await keep_out(session, mine, signer.device_hash(mine, "b" * 43), 7)
        await keep_out(session, mine, signer.device_hash(mine, "b" * 43), 7)  # renewed, not two
        await keep_out(session, other, signer.device_hash(other, "a" * 43), 7)
        session.add(KeepOut(group_id=mine, device_hash="old", expires_at=utcnow() - timedelta(1)))
        await session.commit()
    r = await organiser.get(f"/api/groups/{mine}/keep-outs")
    assert r.status_code == 200 and r.json() == {"active": 2}, r.text
    r = await organiser.delete(f"/api/groups/{mine}/keep-outs")
    assert r.status_code == 204, r.text
    assert (await organiser.get(f"/api/groups/{mine}/keep-outs")).json() == {"active": 0}
    assert (await organiser.get(f"/api/groups/{other}/keep-outs")).json() == {"active": 1}
    async with context.session() as session:  # the expired row was pruned
        assert await session.scalar(select(KeepOut).where(KeepOut.device_hash == "old")) is None


async def test_only_organisers_see_keep_outs(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    mine = await new_group(organiser, "Mine")
    await organiser.put(f"/api/groups/{mine}/facilitators/fern")
    base = f"/api/groups/{mine}/keep-outs"
    assert (await client.get(base)).status_code == 401
    assert (await client.delete(base)).status_code == 401
    assert (await facilitator.get(base)).status_code == 403
    assert (await facilitator.delete(base)).status_code == 403
    assert (await organiser.get("/api/groups/nope/keep-outs")).status_code == 404
    assert (await organiser.delete("/api/groups/nope/keep-outs")).status_code == 404


def test_one_browser_hashes_differently_in_two_groups_and_under_two_keys() -> None:
    device = "d" * 43
    assert Signer("k").device_hash("g1", device) != Signer("k").device_hash("g2", device)
    assert Signer("k").device_hash("g1", device) != Signer("k2").device_hash("g1", device)
    assert device not in Signer("k").device_hash("g1", device)
