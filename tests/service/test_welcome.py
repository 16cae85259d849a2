"""What a newcomer is shown on arrival."""

from __future__ import annotations

import asyncio

import pytest

from tests.service.conftest import Server
from tests.service.rooms import create_meeting

pytestmark = pytest.mark.service


async def test_welcome_pins_the_groups_resources_crisis_lines_first(hearth_server: Server) -> None:
    meeting = create_meeting(hearth_server)
    for title, kind in [("Reading", "article"), ("Crisis line 116 123", "crisis")]:
        r = meeting.organiser.post(
            f"/api/groups/{meeting.group_id}/resources",
            json={"title": title, "url": "https://example.org/", "kind": kind},
        )
        assert r.status_code == 201
    client = await meeting.join("amber", pseudonym="Amber")
    assert client.welcome is not None
    resources = client.welcome["state"]["resources"]
    assert [r["title"] for r in resources] == ["Crisis line 116 123", "Reading"]
    assert client.welcome["recent"] == []
    await client.close()


async def test_a_resource_pinned_during_the_meeting_reaches_everyone_in_the_room(
    hearth_server: Server,
) -> None:
    meeting = create_meeting(hearth_server)
    resources = f"/api/groups/{meeting.group_id}/resources"
    article = {"title": "Reading", "url": "https://example.org/", "kind": "article"}
    assert meeting.organiser.post(resources, json=article).status_code == 201
    host = await meeting.facilitator()
    amber = await meeting.join("amber", pseudonym="Amber")

    crisis = {"title": "Crisis line 116 123", "url": "https://116123.example/", "kind": "crisis"}
    r = await asyncio.to_thread(meeting.organiser.post, resources, json=crisis)
    assert r.status_code == 201, r.text
    for client in (host, amber):
        changed = await client.wait_for("resources_changed")
        assert [x["title"] for x in changed["resources"]] == [crisis["title"], "Reading"]
    late = await meeting.join("heron", pseudonym="Heron")
    assert late.welcome is not None
    assert late.welcome["state"]["resources"] == changed["resources"]

    r = await asyncio.to_thread(meeting.organiser.delete, f"{resources}/{r.json()['id']}")
    assert r.status_code == 204
    for client in (host, amber, late):
        changed = await client.wait_for("resources_changed")
        assert [x["title"] for x in changed["resources"]] == ["Reading"]
    for client in (host, amber, late):
        await client.close()
