"""robots.txt, sitemap.xml and the noindex pages, and no invite code in any public body."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.etree import ElementTree

import httpx

from tests.server.api.test_groups import new_group
from tests.server.api.test_meetings import schedule

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(body: bytes) -> dict[str, str | None]:
    root = ElementTree.fromstring(body)
    out: dict[str, str | None] = {}
    for url in root.findall("s:url", NS):
        loc = url.find("s:loc", NS)
        lastmod = url.find("s:lastmod", NS)
        assert loc is not None and loc.text
        out[loc.text] = lastmod.text if lastmod is not None else None
    return out


async def test_robots_points_at_the_sitemap_and_keeps_out_private_pages(
    client: httpx.AsyncClient,
) -> None:
    r = await client.get("/robots.txt")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    lines = r.text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/api/", "/console", "/m/", "/g/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /groups/" not in r.text
    assert "Sitemap: http://testserver/sitemap.xml" in lines


async def test_sitemap_lists_listed_groups_only_with_their_last_change(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    listed = await new_group(organiser, name="Open Circle")
    quiet = await new_group(organiser, name="Quiet", visibility="closed")
    hidden = await new_group(organiser, name="Hidden", listed=False)
    gone = await new_group(organiser, name="Gone")
    was_listed = await new_group(organiser, name="Was listed")
    [meeting] = await schedule(organiser, listed["id"], starts_at="2027-01-05T19:00")
    await organiser.delete(f"/api/groups/{gone['id']}")
    await organiser.patch(f"/api/groups/{was_listed['id']}", json={"listed": False})
    before = datetime.now(UTC).replace(microsecond=0)
    await organiser.patch(f"/api/meetings/{meeting['id']}", json={"title": "Renamed"})

    r = await client.get("/sitemap.xml")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    entries = sitemap_entries(r.content)
    base = "http://testserver"
    assert set(entries) == {
        f"{base}/",
        f"{base}/groups/{listed['id']}/open-circle",
        f"{base}/groups/{quiet['id']}/quiet",
    }
    for gid in (hidden["id"], gone["id"], was_listed["id"]):
        assert gid not in r.text
    changed = entries[f"{base}/groups/{listed['id']}/open-circle"]
    assert changed is not None
    assert datetime.strptime(changed, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) >= before
    # Every listed URL answers 200 as it is written (no redirect).
    for loc in entries:
        assert (await client.get(loc)).status_code == 200, loc


async def test_private_pages_say_noindex(client: httpx.AsyncClient) -> None:
    for path in ("/g/abc", "/m/abc", "/login", "/console"):
        r = await client.get(path)
        assert r.status_code == 200, path
        assert r.headers["x-robots-tag"] == "noindex", path
        assert '<meta name="robots" content="noindex">' in r.text, path


async def test_no_invite_code_in_any_public_page_sitemap_or_feed(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """Invites of listed, invite-only and unlisted groups; then every public body scanned."""
    codes: list[str] = []
    ids: list[str] = []
    for fields in ({}, {"visibility": "closed"}, {"listed": False, "visibility": "closed"}):
        group = await new_group(organiser, name="Circle", **fields)
        ids.append(group["id"])
        await schedule(
            organiser, group["id"], starts_at="2027-02-02T19:00", repeat={"weekly": {"count": 3}}
        )
        for _ in range(2):
            invite = await organiser.post(f"/api/groups/{group['id']}/invites", json={})
            assert invite.status_code == 201
            codes.append(invite.json()["code"])
    bodies: list[str] = []
    # The Meeting Guide feed comes with its own branch; scanned here once it is served.
    for path in ("/sitemap.xml", "/robots.txt", "/", "/api/catalogue", "/feeds/meeting-guide.json"):
        bodies.append((await client.get(path)).text)
    for loc in re.findall(r"<loc>([^<]+)</loc>", bodies[0]):
        page = await client.get(loc)
        bodies.append(page.text)
        for linked in re.findall(r'href="(/[^"#]*)"', page.text):
            if not linked.startswith("/static/"):
                bodies.append((await client.get(linked, follow_redirects=True)).text)
    for gid in ids:
        for path in (f"/groups/{gid}", f"/groups/{gid}/calendar.ics", f"/api/groups/{gid}/public"):
            bodies.append((await client.get(path, follow_redirects=True)).text)
        bodies.append((await client.get(f"/g/{gid}")).text)
    assert len(bodies) > 15
    for body in bodies:
        for code in codes:
            assert code not in body
