"""Groups, facilitators, invites and resources through the HTTP API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from server.context import AppContext
from server.db.invites import redeem_invite

CLOSED = {"name": "Carers Circle", "visibility": "closed", "timezone": "Europe/London"}


async def new_group(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    r = await client.post("/api/groups", json={"name": "Circle", **fields})
    assert r.status_code == 201, r.text
    group: dict[str, Any] = r.json()
    return group


async def test_create_group_with_defaults_and_normalised_fields(
    organiser: httpx.AsyncClient,
) -> None:
    group = await new_group(
        organiser, name="  Grief Circle ", topics=["Grief", "grief", " Loss  "], language="en"
    )
    assert group["name"] == "Grief Circle"
    assert group["topics"] == ["grief", "loss"]
    assert group["visibility"] == "open" and group["listed"] is True
    assert group["share_seconds"] == 180 and group["crosstalk"] is False
    fetched = await organiser.get(f"/api/groups/{group['id']}")
    assert fetched.json() == group


async def test_group_validation_names_the_field(organiser: httpx.AsyncClient) -> None:
    cases = [
        ({"name": ""}, "name"),
        ({"name": "x", "timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "x", "visibility": "secret"}, "visibility"),
        ({"name": "x", "capacity": 1}, "capacity"),
        ({"name": "x", "share_seconds": 5}, "share_seconds"),
        ({"name": "x", "language": "English"}, "language"),
        ({"name": "x", "topics": ["t"] * 11}, "topics"),
        ({"name": "x", "colour": "red"}, "colour"),
        ({"name": "bad\x00name"}, "name"),
    ]
    for body, field in cases:
        r = await organiser.post("/api/groups", json=body)
        assert r.status_code == 400, (body, r.text)
        assert field in r.json()["error"]["fields"], (body, r.json())


async def test_patch_changes_only_what_is_sent(organiser: httpx.AsyncClient) -> None:
    group = await new_group(organiser, description="old")
    r = await organiser.patch(
        f"/api/groups/{group['id']}", json={"visibility": "closed", "listed": False}
    )
    assert r.status_code == 200
    assert r.json()["visibility"] == "closed" and r.json()["description"] == "old"
    r = await organiser.patch(f"/api/groups/{group['id']}", json={"timezone": "Nowhere"})
    assert r.status_code == 400


async def test_roles_facilitators_read_their_own_groups_only(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    mine = await new_group(organiser, name="Mine")
    other = await new_group(organiser, name="Other")
    assert (await client.get("/api/groups")).status_code == 401
    assert (await facilitator.post("/api/groups", json={"name": "x"})).status_code == 403
    r = await organiser.put(f"/api/groups/{mine['id']}/facilitators/fern")
    assert r.status_code == 200 and [u["username"] for u in r.json()] == ["fern"]
    assert [g["name"] for g in (await facilitator.get("/api/groups")).json()] == ["Mine"]
    assert (await facilitator.get(f"/api/groups/{mine['id']}")).status_code == 200
    assert (await facilitator.get(f"/api/groups/{other['id']}")).status_code == 404
    r = await facilitator.patch(f"/api/groups/{mine['id']}", json={"name": "Taken over"})
    assert r.status_code == 403
    assert (await facilitator.delete(f"/api/groups/{mine['id']}")).status_code == 403
    assert (await organiser.put(f"/api/groups/{mine['id']}/facilitators/ghost")).status_code == 404
    assert (
        await organiser.delete(f"/api/groups/{mine['id']}/facilitators/fern")
    ).status_code == 204
    assert (await facilitator.get(f"/api/groups/{mine['id']}")).status_code == 404


async def test_delete_group_removes_it(organiser: httpx.AsyncClient) -> None:
    group = await new_group(organiser)
    await organiser.post(f"/api/groups/{group['id']}/invites", json={})
    assert (await organiser.delete(f"/api/groups/{group['id']}")).status_code == 204
    assert (await organiser.get(f"/api/groups/{group['id']}")).status_code == 404
    assert (await organiser.delete("/api/groups/nope")).status_code == 404


async def test_invite_is_shown_once_and_stored_only_as_a_hash(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    group = await new_group(organiser, **CLOSED)
    r = await organiser.post(f"/api/groups/{group['id']}/invites", json={"max_uses": 2})
    assert r.status_code == 201
    invite = r.json()
    assert invite["url"] == f"http://testserver/g/{group['id']}#invite={invite['code']}"
    listed = (await organiser.get(f"/api/groups/{group['id']}/invites")).json()
    assert listed[0]["status"] == "active" and "code" not in listed[0]
    assert invite["code"] not in str(listed)
    async with context.session() as session:
        from sqlalchemy import text

        rows = (await session.execute(text("SELECT * FROM invites"))).all()
        assert invite["code"] not in str(rows)


async def test_invite_redemption_respects_uses_expiry_and_revocation(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    group = await new_group(organiser, **CLOSED)
    gid = group["id"]
    once = (await organiser.post(f"/api/groups/{gid}/invites", json={"max_uses": 1})).json()
    soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    expiring = (
        await organiser.post(f"/api/groups/{gid}/invites", json={"expires_at": soon})
    ).json()
    revoked = (await organiser.post(f"/api/groups/{gid}/invites", json={})).json()
    assert (
        await organiser.delete(f"/api/groups/{gid}/invites/{revoked['code']}")
    ).status_code == 204
    async with context.session() as s:
        assert await redeem_invite(s, gid, once["code"]) is None
        assert await redeem_invite(s, gid, once["code"]) == "invite_invalid"
        assert await redeem_invite(s, gid, revoked["code"]) == "invite_invalid"
        assert await redeem_invite(s, gid, "made-up") == "invite_invalid"
        assert await redeem_invite(s, "other-group", expiring["code"]) == "invite_invalid"
    await asyncio.sleep(1.1)
    async with context.session() as s:
        assert await redeem_invite(s, gid, expiring["code"]) == "invite_invalid"
    statuses = {
        i["id"]: i["status"] for i in (await organiser.get(f"/api/groups/{gid}/invites")).json()
    }
    assert statuses == {once["id"]: "used_up", expiring["id"]: "expired", revoked["id"]: "revoked"}


async def test_two_people_racing_for_the_last_use_only_one_gets_in(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    group = await new_group(organiser, **CLOSED)
    code = (
        await organiser.post(f"/api/groups/{group['id']}/invites", json={"max_uses": 1})
    ).json()["code"]

    async def redeem() -> str | None:
        async with context.session() as s:
            return await redeem_invite(s, group["id"], code)

    results = await asyncio.gather(*(redeem() for _ in range(5)))
    assert results.count(None) == 1


async def test_invite_bodies_are_validated(organiser: httpx.AsyncClient) -> None:
    group = await new_group(organiser, **CLOSED)
    url = f"/api/groups/{group['id']}/invites"
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    for body, field in [
        ({"max_uses": 0}, "max_uses"),
        ({"expires_at": past}, "expires_at"),
        ({"expires_at": "soon"}, "expires_at"),
    ]:
        r = await organiser.post(url, json=body)
        assert r.status_code == 400 and field in r.json()["error"]["fields"], r.text
    assert (await organiser.delete(f"{url}/not-a-code")).status_code == 404


async def test_facilitators_may_invite_to_their_group(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient
) -> None:
    group = await new_group(organiser, **CLOSED)
    assert (
        await facilitator.post(f"/api/groups/{group['id']}/invites", json={})
    ).status_code == 404
    await organiser.put(f"/api/groups/{group['id']}/facilitators/fern")
    assert (
        await facilitator.post(f"/api/groups/{group['id']}/invites", json={})
    ).status_code == 201


async def test_resources_only_http_links_and_crisis_lines_first(
    organiser: httpx.AsyncClient,
) -> None:
    group = await new_group(organiser)
    url = f"/api/groups/{group['id']}/resources"
    article = await organiser.post(
        url, json={"title": "Reading", "url": "https://example.org/a", "kind": "article"}
    )
    assert article.status_code == 201
    crisis = await organiser.post(
        url,
        json={"title": "Samaritans 116 123", "url": "https://www.samaritans.org", "kind": "crisis"},
    )
    assert crisis.status_code == 201
    for bad in [
        "javascript:alert(1)",
        "data:text/html,hi",
        "ftp://x.org",
        "http://",
        "https://a b.org",
        "x" * 3000,
    ]:
        r = await organiser.post(url, json={"title": "Bad", "url": bad, "kind": "link"})
        assert r.status_code == 400 and "url" in r.json()["error"]["fields"], bad
    listed = (await organiser.get(url)).json()
    assert [r["kind"] for r in listed] == ["crisis", "article"]
    assert (await organiser.delete(f"{url}/{article.json()['id']}")).status_code == 204
    assert (await organiser.delete(f"{url}/{article.json()['id']}")).status_code == 404
    assert len((await organiser.get(url)).json()) == 1
