"""Invites to closed groups: created, shown once, listed, revoked, and redeemed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, text, update

from server.context import AppContext
from server.db.invites import redeem_invite
from server.db.models import Invite
from server.security import hash_secret

CLOSED = {"name": "Carers Circle", "visibility": "closed", "timezone": "Europe/London"}


async def new_group(client: httpx.AsyncClient) -> str:
    r = await client.post("/api/groups", json=CLOSED)
    assert r.status_code == 201, r.text
    gid: str = r.json()["id"]
    return gid


async def new_invite(client: httpx.AsyncClient, gid: str, **body: Any) -> dict[str, Any]:
    r = await client.post(f"/api/groups/{gid}/invites", json=body)
    assert r.status_code == 201, r.text
    invite: dict[str, Any] = r.json()
    return invite


async def redeem(context: AppContext, gid: str, code: str) -> str | None:
    async with context.session() as s:
        return await redeem_invite(s, gid, code)


async def statuses(client: httpx.AsyncClient, gid: str) -> dict[str, str]:
    listed = (await client.get(f"/api/groups/{gid}/invites")).json()
    return {i["id"]: i["status"] for i in listed}


async def test_invite_code_is_shown_once_in_a_fragment_and_stored_only_as_a_hash(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    gid = await new_group(organiser)
    later = datetime.now(UTC) + timedelta(days=7)
    invite = await new_invite(organiser, gid, max_uses=2, expires_at=later.isoformat())
    code = invite["code"]
    assert invite["url"] == f"http://testserver/g/{gid}#invite={code}"
    assert invite["hint"] == code[:4] and len(code) >= 20
    assert invite["max_uses"] == 2 and invite["use_count"] == 0
    assert invite["revoked"] is False and invite["status"] == "active"
    assert datetime.fromisoformat(invite["expires_at"]) == later
    listed = (await organiser.get(f"/api/groups/{gid}/invites")).json()
    assert listed == [{k: v for k, v in invite.items() if k not in {"code", "url"}}]
    assert code not in str(listed)
    async with context.session() as s:
        rows = (await s.execute(text("SELECT * FROM invites"))).all()
        assert code not in str(rows)
        assert await s.scalar(select(Invite.code_hash)) == hash_secret(code)
    second = await new_invite(organiser, gid)
    assert second["code"] != code and second["expires_at"] is None and second["max_uses"] is None


async def test_naive_expiry_means_utc_and_offsets_are_honoured(
    organiser: httpx.AsyncClient,
) -> None:
    gid = await new_group(organiser)
    naive = (datetime.now(UTC) + timedelta(hours=2)).replace(tzinfo=None, microsecond=0)
    invite = await new_invite(organiser, gid, expires_at=naive.isoformat())
    assert invite["expires_at"] == naive.isoformat() + "Z"
    invite = await new_invite(organiser, gid, expires_at="2099-01-01T09:00:00+05:30")
    assert invite["expires_at"] == "2099-01-01T03:30:00Z"


async def test_bad_invite_bodies_name_the_field(organiser: httpx.AsyncClient) -> None:
    gid = await new_group(organiser)
    url = f"/api/groups/{gid}/invites"
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    for body, field in [
        ({"max_uses": 0}, "max_uses"),
        ({"max_uses": 10001}, "max_uses"),
        ({"max_uses": "3"}, "max_uses"),
        ({"max_uses": True}, "max_uses"),
        ({"expires_at": past}, "expires_at"),
        ({"expires_at": "soon"}, "expires_at"),
        ({"expires_at": "2099-13-01T00:00:00Z"}, "expires_at"),
        ({"expires_at": 4102444800}, "expires_at"),
        ({"expires_at": "9999-12-31T23:59:59-05:00"}, "expires_at"),
        ({"code": "mine"}, "code"),
    ]:
        r = await organiser.post(url, json=body)
        assert r.status_code == 400 and field in r.json()["error"]["fields"], (body, r.text)
    assert (await organiser.get(url)).json() == []
    assert (await organiser.post("/api/groups/nope/invites", json={})).status_code == 404


async def test_revoke_by_code_or_id_and_unknown_ones_are_404(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    gid = await new_group(organiser)
    other = await new_group(organiser)
    by_code = await new_invite(organiser, gid)
    by_id = await new_invite(organiser, gid)
    elsewhere = await new_invite(organiser, other)
    base = f"/api/groups/{gid}/invites"
    assert (await organiser.delete(f"{base}/{by_code['code']}")).status_code == 204
    assert (await organiser.delete(f"{base}/{by_id['id']}")).status_code == 204
    assert (await organiser.delete(f"{base}/{by_id['id']}")).status_code == 204  # still revoked
    for unknown in ("not-a-code", elsewhere["code"], elsewhere["id"], "é" * 3, "x" * 500):
        r = await organiser.delete(f"{base}/{unknown}")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", unknown
    listed = (await organiser.get(base)).json()
    assert [(i["revoked"], i["status"]) for i in listed] == [(True, "revoked")] * 2
    assert await statuses(organiser, other) == {elsewhere["id"]: "active"}
    assert await redeem(context, gid, by_code["code"]) == "invite_invalid"
    assert await redeem(context, gid, by_id["code"]) == "invite_invalid"
    assert await redeem(context, other, elsewhere["code"]) is None


async def test_redeeming_counts_uses_until_used_up(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    gid = await new_group(organiser)
    twice = await new_invite(organiser, gid, max_uses=2)
    unlimited = await new_invite(organiser, gid)
    assert await redeem(context, gid, twice["code"]) is None
    assert await statuses(organiser, gid) == {twice["id"]: "active", unlimited["id"]: "active"}
    assert await redeem(context, gid, twice["code"]) is None
    assert await redeem(context, gid, twice["code"]) == "invite_invalid"
    for _ in range(5):
        assert await redeem(context, gid, unlimited["code"]) is None
    listed = {i["id"]: i for i in (await organiser.get(f"/api/groups/{gid}/invites")).json()}
    assert listed[twice["id"]]["status"] == "used_up"
    assert listed[twice["id"]]["use_count"] == 2
    assert listed[unlimited["id"]]["use_count"] == 5


async def test_expired_invites_and_wrong_codes_do_not_redeem(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    gid = await new_group(organiser)
    other = await new_group(organiser)
    invite = await new_invite(organiser, gid)
    assert await redeem(context, other, invite["code"]) == "invite_invalid"
    for wrong in ("", "made-up", invite["code"][:-1], invite["code"] + "x", "x" * 10_000):
        assert await redeem(context, gid, wrong) == "invite_invalid", wrong
    assert await redeem(context, gid, "\ud800" + invite["code"]) == "invite_invalid"
    async with context.session() as s:
        await s.execute(update(Invite).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        await s.commit()
    assert await redeem(context, gid, invite["code"]) == "invite_invalid"
    assert await statuses(organiser, gid) == {invite["id"]: "expired"}
    async with context.session() as s:
        assert await s.scalar(select(Invite.use_count)) == 0


async def test_two_people_racing_for_the_last_use_only_one_gets_in(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    gid = await new_group(organiser)
    for _ in range(3):
        invite = await new_invite(organiser, gid, max_uses=1)
        results = await asyncio.gather(*(redeem(context, gid, invite["code"]) for _ in range(6)))
        assert sorted(results, key=str) == [None] + ["invite_invalid"] * 5
    async with context.session() as s:
        assert (await s.scalars(select(Invite.use_count))).all() == [1, 1, 1]


async def test_facilitators_invite_to_their_own_group_only(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    gid = await new_group(organiser)
    other = await new_group(organiser)
    base = f"/api/groups/{gid}/invites"
    assert (await client.post(base, json={})).status_code == 401
    assert (await client.get(base)).status_code == 401
    assert (await client.delete(f"{base}/x")).status_code == 401
    assert (await facilitator.post(base, json={})).status_code == 404
    await organiser.put(f"/api/groups/{gid}/facilitators/fern")
    invite = await new_invite(facilitator, gid, max_uses=5)
    assert [i["id"] for i in (await facilitator.get(base)).json()] == [invite["id"]]
    assert (await facilitator.delete(f"{base}/{invite['id']}")).status_code == 204
    assert (await facilitator.post(f"/api/groups/{other}/invites", json={})).status_code == 404
    assert (await facilitator.get(f"/api/groups/{other}/invites")).status_code == 404
