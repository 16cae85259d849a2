"""Resources shown with a group: crisis lines first, and only ordinary web links."""

from __future__ import annotations

import httpx

from server.api.resources import resource_out
from server.context import AppContext
from server.db.resources import group_resources

GOOD_URLS = [
    "https://www.samaritans.org",
    "http://localhost:8080/help?lang=en#top",
    "HTTPS://Example.org/Path",
    "https://例え.jp/ページ",
    "https://[2001:db8::1]/",
    "https://example.org/" + "a" * 2028,  # 2048 characters
]

BAD_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://files.example.org/x",
    "file:///etc/passwd",
    "mailto:help@example.org",
    "http://",
    "https://",
    "http:///path-only",
    "//example.org/no-scheme",
    "example.org",
    "",
    "   ",
    "https://a b.org",
    "https://example.org/a\nb",
    "https://example.org/\x00",
    "https://example.org/" + "a" * 2029,  # 2049 characters
    "x" * 3000,
    "https://user:secret@example.org/",
    "https://www.samaritans.org@evil.example/",
    "http://example.org:99999/",
    "http://[::1/",
]


async def new_group(client: httpx.AsyncClient, name: str = "Circle") -> str:
    r = await client.post("/api/groups", json={"name": name})
    assert r.status_code == 201, r.text
    gid: str = r.json()["id"]
    return gid


async def test_only_http_and_https_links_with_a_host_are_accepted(
    organiser: httpx.AsyncClient,
) -> None:
    gid = await new_group(organiser)
    url = f"/api/groups/{gid}/resources"
    for good in GOOD_URLS:
        r = await organiser.post(url, json={"title": "Good", "url": good, "kind": "link"})
        assert r.status_code == 201, (good, r.text)
        assert r.json()["url"] == good
    for bad in BAD_URLS:
        r = await organiser.post(url, json={"title": "Bad", "url": bad, "kind": "link"})
        assert r.status_code == 400, (bad, r.text)
        assert r.json()["error"]["fields"].keys() == {"url"}, (bad, r.json())
    assert len((await organiser.get(url)).json()) == len(GOOD_URLS)


async def test_crisis_lines_come_first_then_by_creation(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, context: AppContext
) -> None:
    gid = await new_group(organiser)
    url = f"/api/groups/{gid}/resources"
    created = []
    for title, kind in [
        ("Reading", "article"),
        ("Samaritans 116 123", "crisis"),
        ("A talk", "video"),
        ("Shout 85258", "crisis"),
        ("Forum", "link"),
    ]:
        r = await organiser.post(
            url, json={"title": f"  {title} ", "url": "https://example.org", "kind": kind}
        )
        assert r.status_code == 201
        created.append(r.json())
    assert created[0] == {
        "id": created[0]["id"],
        "title": "Reading",
        "url": "https://example.org",
        "kind": "article",
    }
    listed = (await organiser.get(url)).json()
    assert [r["title"] for r in listed] == [
        "Samaritans 116 123",
        "Shout 85258",
        "Reading",
        "A talk",
        "Forum",
    ]
    async with context.session() as s:
        assert [resource_out(r) for r in await group_resources(s, gid)] == listed
        assert await group_resources(s, "nope") == []
    await organiser.put(f"/api/groups/{gid}/facilitators/fern")
    assert (await facilitator.get(url)).json() == listed


async def test_bad_resource_bodies_name_the_field(organiser: httpx.AsyncClient) -> None:
    gid = await new_group(organiser)
    url = f"/api/groups/{gid}/resources"
    ok = {"title": "T", "url": "https://example.org", "kind": "link"}
    for body, field in [
        ({**ok, "title": ""}, "title"),
        ({**ok, "title": "   "}, "title"),
        ({**ok, "title": "t" * 201}, "title"),
        ({**ok, "title": "tab\there"}, "title"),
        ({**ok, "kind": "podcast"}, "kind"),
        ({"url": "https://example.org"}, "title"),
        ({"title": "T"}, "url"),
        ({**ok, "url": 42}, "url"),
        ({**ok, "colour": "red"}, "colour"),
    ]:
        r = await organiser.post(url, json=body)
        assert r.status_code == 400 and field in r.json()["error"]["fields"], (body, r.text)
    r = await organiser.post(url, json={"title": "t" * 200, "url": "https://example.org"})
    assert r.status_code == 201 and r.json()["kind"] == "link"


async def test_delete_a_resource(organiser: httpx.AsyncClient) -> None:
    gid = await new_group(organiser)
    other = await new_group(organiser, "Other")
    url = f"/api/groups/{gid}/resources"
    body = {"title": "T", "url": "https://example.org", "kind": "article"}
    rid = (await organiser.post(url, json=body)).json()["id"]
    elsewhere = (await organiser.post(f"/api/groups/{other}/resources", json=body)).json()["id"]
    assert (await organiser.delete(f"{url}/{elsewhere}")).status_code == 404
    assert (await organiser.delete(f"{url}/nope")).status_code == 404
    assert (await organiser.delete(f"{url}/{rid}")).status_code == 204
    assert (await organiser.delete(f"{url}/{rid}")).status_code == 404
    assert (await organiser.get(url)).json() == []
    assert len((await organiser.get(f"/api/groups/{other}/resources")).json()) == 1


async def test_only_organisers_change_resources_and_facilitators_read_their_own(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    mine = await new_group(organiser, "Mine")
    other = await new_group(organiser, "Other")
    await organiser.put(f"/api/groups/{mine}/facilitators/fern")
    body = {"title": "T", "url": "https://example.org", "kind": "crisis"}
    rid = (await organiser.post(f"/api/groups/{mine}/resources", json=body)).json()["id"]
    base = f"/api/groups/{mine}/resources"
    assert (await client.get(base)).status_code == 401
    assert (await client.post(base, json=body)).status_code == 401
    assert (await client.delete(f"{base}/{rid}")).status_code == 401
    assert (await facilitator.get(base)).status_code == 200
    assert (await facilitator.post(base, json=body)).status_code == 403
    assert (await facilitator.delete(f"{base}/{rid}")).status_code == 403
    assert (await facilitator.get(f"/api/groups/{other}/resources")).status_code == 404
    r = await facilitator.post(f"/api/groups/{other}/resources", json=body)
    assert r.status_code == 404
    assert (await organiser.post("/api/groups/nope/resources", json=body)).status_code == 404
    assert len((await organiser.get(base)).json()) == 1
