"""Groups through the HTTP API: create, list, read, change, delete, and who may."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select

from server.api import access
from server.context import AppContext
from server.db.models import Group, GroupFacilitator, Invite, Meeting, Resource

FULL = {
    "name": "Carers Evening Circle",
    "description": "For people caring for a relative.\nAll welcome.",
    "guidelines": "Listen without fixing. What is said here stays here.",
    "topics": ["carers", "family"],
    "language": "pt-BR",
    "visibility": "closed",
    "listed": False,
    "timezone": "Europe/London",
    "capacity": 12,
    "lobby": True,
    "late_joiners_see_history": True,
    "share_seconds": 240,
    "crosstalk": True,
    "keep_out_days": 30,
    "lobby_after_removal_minutes": 20,
    "lobby_when_unattended": True,
    "links_from_facilitators_only": True,
    "masked_words": ["idiot", "Acme Clinic"],
}


async def new_group(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    r = await client.post("/api/groups", json={"name": "Circle", **fields})
    assert r.status_code == 201, r.text
    group: dict[str, Any] = r.json()
    return group


def error_fields(r: httpx.Response) -> dict[str, str]:
    fields: dict[str, str] = r.json()["error"]["fields"]
    return fields


async def test_create_group_with_every_field_and_read_it_back(
    organiser: httpx.AsyncClient,
) -> None:
    group = await new_group(organiser, **FULL)
    assert {k: group[k] for k in FULL} == FULL
    assert set(group) == {*FULL, "id", "created_at", "format_id"}  # a new group has no formats
    assert group["format_id"] is None
    assert group["created_at"].endswith("Z")
    assert (await organiser.get(f"/api/groups/{group['id']}")).json() == group


async def test_create_group_with_only_a_name_gets_sensible_defaults(
    organiser: httpx.AsyncClient,
) -> None:
    group = await new_group(organiser, name="Grief Circle")
    assert {k: v for k, v in group.items() if k not in {"id", "created_at"}} == {
        "name": "Grief Circle",
        "description": "",
        "guidelines": "",
        "topics": [],
        "language": "en",
        "visibility": "open",
        "listed": True,
        "timezone": "UTC",
        "capacity": 30,
        "lobby": False,
        "late_joiners_see_history": False,
        "share_seconds": 180,
        "crosstalk": False,
        "keep_out_days": 7,
        "lobby_after_removal_minutes": 0,
        "lobby_when_unattended": False,
        "links_from_facilitators_only": False,
        "masked_words": [],
        "format_id": None,
    }


async def test_text_is_trimmed_and_topics_normalised(organiser: httpx.AsyncClient) -> None:
    group = await new_group(
        organiser,
        name="  Grief Circle \n",
        description="  line one\r\nline two\r  ",
        topics=["Grief", "grief", " LOSS  ", "Young   Widows", "loss"],
    )
    assert group["name"] == "Grief Circle"
    assert group["description"] == "line one\nline two"
    assert group["topics"] == ["grief", "loss", "young widows"]
    # Lengths are counted after trimming.
    padded = await new_group(organiser, name="  " + "n" * 120 + "  ", topics=[" " + "t" * 40])
    assert padded["name"] == "n" * 120 and padded["topics"] == ["t" * 40]


BAD_GROUPS: list[tuple[dict[str, Any], str]] = [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": None}, "name"),
    ({"name": "n" * 121}, "name"),
    ({"name": "bad\x00name"}, "name"),
    ({"name": "two\nlines"}, "name"),
    ({"name": "x", "description": "d" * 4001}, "description"),
    ({"name": "x", "guidelines": "g" * 4001}, "guidelines"),
    ({"name": "x", "guidelines": "bell\x07"}, "guidelines"),
    ({"name": "x", "topics": ["t"] * 11}, "topics"),
    ({"name": "x", "topics": ["ok", "  "]}, "topics[1]"),
    ({"name": "x", "topics": ["t" * 41]}, "topics[0]"),
    ({"name": "x", "topics": "grief"}, "topics"),
    ({"name": "x", "timezone": "Mars/Olympus"}, "timezone"),
    ({"name": "x", "timezone": ""}, "timezone"),
    ({"name": "x", "timezone": "europe/london"}, "timezone"),
    ({"name": "x", "language": "English"}, "language"),
    ({"name": "x", "language": "English"}, "language"),
    ({"name": "x", "language": "pt_BR"}, "language"),
    ({"name": "x", "visibility": "secret"}, "visibility"),
    ({"name": "x", "listed": "yes"}, "listed"),
    ({"name": "x", "capacity": 1}, "capacity"),
    ({"name": "x", "capacity": 501}, "capacity"),
    ({"name": "x", "capacity": "10"}, "capacity"),
    ({"name": "x", "capacity": 10**30}, "capacity"),
    ({"name": "x", "share_seconds": 29}, "share_seconds"),
    ({"name": "x", "share_seconds": 1801}, "share_seconds"),
    ({"name": "x", "keep_out_days": -1}, "keep_out_days"),
    ({"name": "x", "keep_out_days": 91}, "keep_out_days"),
    ({"name": "x", "keep_out_days": "7"}, "keep_out_days"),
    ({"name": "x", "lobby_after_removal_minutes": -1}, "lobby_after_removal_minutes"),
    ({"name": "x", "lobby_after_removal_minutes": 1441}, "lobby_after_removal_minutes"),
    ({"name": "x", "lobby": 1}, "lobby"),
    ({"name": "x", "colour": "red"}, "colour"),
]


async def test_bad_group_bodies_are_400_naming_the_field(organiser: httpx.AsyncClient) -> None:
    for body, field in BAD_GROUPS:
        r = await organiser.post("/api/groups", json=body)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["error"]["code"] == "invalid"
        assert field in error_fields(r), (body, r.json())
    assert (await organiser.get("/api/groups")).json() == []


async def test_malformed_oversized_and_non_json_bodies(organiser: httpx.AsyncClient) -> None:
    r = await organiser.post("/api/groups", content=b"{not json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_json"
    r = await organiser.post("/api/groups", json=["name"])
    assert r.status_code == 400 and "body" in error_fields(r)
    r = await organiser.post("/api/groups", json={"name": "x", "description": "d" * 70_000})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    r = await organiser.post(
        "/api/groups", content=b"name=x", headers={"content-type": "text/plain"}
    )
    assert r.status_code == 415


async def test_list_is_every_group_for_organisers_and_their_own_for_facilitators(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient
) -> None:
    assert (await organiser.get("/api/groups")).json() == []
    assert (await facilitator.get("/api/groups")).json() == []
    b = await new_group(organiser, name="Bereavement")
    a = await new_group(organiser, name="Anxiety")
    await organiser.put(f"/api/groups/{b['id']}/facilitators/fern")
    assert [g["name"] for g in (await organiser.get("/api/groups")).json()] == [
        "Anxiety",
        "Bereavement",
    ]
    assert (await facilitator.get("/api/groups")).json() == [b]
    assert (await facilitator.get(f"/api/groups/{a['id']}")).status_code == 404


async def test_patch_changes_only_what_is_sent_with_the_same_validation(
    organiser: httpx.AsyncClient,
) -> None:
    group = await new_group(organiser, **FULL)
    url = f"/api/groups/{group['id']}"
    r = await organiser.patch(
        url, json={"visibility": "open", "topics": ["Carers", "carers"], "name": " New "}
    )
    assert r.status_code == 200
    changed = r.json()
    assert changed == {**group, "visibility": "open", "topics": ["carers"], "name": "New"}
    assert (await organiser.get(url)).json() == changed
    assert (await organiser.patch(url, json={})).json() == changed
    for body, field in [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"capacity": 0}, "capacity"),
        ({"id": "other"}, "id"),
        ({"created_at": "2020-01-01T00:00:00Z"}, "created_at"),
    ]:
        r = await organiser.patch(url, json=body)
        assert r.status_code == 400 and field in error_fields(r), (body, r.text)
    assert (await organiser.get(url)).json() == changed
    assert (await organiser.patch("/api/groups/nope", json={"name": "x"})).status_code == 404


async def test_delete_group_takes_everything_hanging_off_it(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    group = await new_group(organiser, visibility="closed")
    keep = await new_group(organiser, name="Keep")
    for g in (group, keep):
        gid = g["id"]
        assert (await organiser.put(f"/api/groups/{gid}/facilitators/olive")).status_code == 200
        assert (await organiser.post(f"/api/groups/{gid}/invites", json={})).status_code == 201
        r = await organiser.post(
            f"/api/groups/{gid}/resources", json={"title": "T", "url": "https://example.org"}
        )
        assert r.status_code == 201
        starts = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT19:00")
        r = await organiser.post(
            f"/api/groups/{gid}/meetings", json={"starts_at": starts, "duration_minutes": 60}
        )
        assert r.status_code == 201, r.text
    assert (await organiser.delete(f"/api/groups/{group['id']}")).status_code == 204
    assert (await organiser.get(f"/api/groups/{group['id']}")).status_code == 404
    assert (await organiser.delete(f"/api/groups/{group['id']}")).status_code == 404
    async with context.session() as s:
        for model in (Group, GroupFacilitator, Invite, Resource, Meeting):
            count = await s.scalar(select(func.count()).select_from(model))
            assert count == 1, model.__name__


async def test_who_may_do_what_with_a_group(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    mine = await new_group(organiser, name="Mine")
    other = await new_group(organiser, name="Other")
    await organiser.put(f"/api/groups/{mine['id']}/facilitators/fern")
    # Not signed in: 401 everywhere, before the body is even looked at.
    assert (await client.get("/api/groups")).status_code == 401
    assert (await client.post("/api/groups", json={})).status_code == 401
    for method in ("GET", "PATCH", "DELETE"):
        r = await client.request(method, f"/api/groups/{mine['id']}", json={"name": "x"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorised"
    # A facilitator reads their own group, cannot change it, and cannot see others.
    assert (await facilitator.post("/api/groups", json={"name": "x"})).status_code == 403
    assert (await facilitator.get(f"/api/groups/{mine['id']}")).json() == mine
    r = await facilitator.patch(f"/api/groups/{mine['id']}", json={"name": "Taken over"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert (await facilitator.delete(f"/api/groups/{mine['id']}")).status_code == 403
    for method in ("GET", "PATCH", "DELETE"):
        r = await facilitator.request(method, f"/api/groups/{other['id']}", json={"name": "x"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert (await organiser.get(f"/api/groups/{mine['id']}")).json()["name"] == "Mine"
    assert (await organiser.get("/api/groups/" + "x" * 5000)).status_code == 404


WRITES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("PATCH", "", {"name": "Renamed"}),
    ("DELETE", "", None),
    ("PUT", "/facilitators/fern", None),
    ("DELETE", "/facilitators/olive", None),
    ("POST", "/invites", {}),
    ("DELETE", "/invites/{invite}", None),
    ("POST", "/resources", {"title": "T", "url": "https://example.org"}),
    ("DELETE", "/resources/{resource}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
async def test_a_group_deleted_while_a_request_runs_is_404_not_500(
    organiser: httpx.AsyncClient,
    facilitator: httpx.AsyncClient,
    context: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    group = await new_group(organiser)
    gid = group["id"]
    await organiser.put(f"/api/groups/{gid}/facilitators/olive")
    invite = (await organiser.post(f"/api/groups/{gid}/invites", json={})).json()["id"]
    resource = (
        await organiser.post(
            f"/api/groups/{gid}/resources", json={"title": "R", "url": "https://example.org"}
        )
    ).json()["id"]
    real: Callable[..., Any] = access.group_for

    async def then_deleted(*args: Any, **kwargs: Any) -> Group:
        found: Group = await real(*args, **kwargs)
        async with context.session() as other:
            await other.execute(delete(Group).where(Group.id == gid))
            await other.commit()
        return found

    monkeypatch.setattr(access, "group_for", then_deleted)
    url = f"/api/groups/{gid}" + path.format(invite=invite, resource=resource)
    r = await organiser.request(method, url, json=body)
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"] == "not_found"


async def test_a_group_language_is_kept_in_canonical_case(organiser: httpx.AsyncClient) -> None:
    """pt-br, PT-BR and pt-BR are one tag; the group keeps it as pt-BR."""
    group = await new_group(organiser, language="PT-br")
    assert group["language"] == "pt-BR"
    r = await organiser.patch(f"/api/groups/{group['id']}", json={"language": "zh-hant-tw"})
    assert r.status_code == 200 and r.json()["language"] == "zh-Hant-TW"
