"""What a newcomer is shown on arrival, and resources pinned while the room is live."""

from __future__ import annotations

from tests.server.ws.inprocess import InProcessHearth


def test_welcome_pins_the_groups_resources_crisis_lines_first(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    for title, kind in [("Reading", "article"), ("Crisis line 116 123", "crisis")]:
        r = meeting.organiser.post(
            f"/api/groups/{meeting.group_id}/resources",
            json={"title": title, "url": "https://example.org/", "kind": kind},
        )
        assert r.status_code == 201
    client = meeting.join("amber", pseudonym="Amber")
    assert client.welcome is not None
    resources = client.welcome["state"]["resources"]
    assert [r["title"] for r in resources] == ["Crisis line 116 123", "Reading"]
    assert client.welcome["recent"] == []
    client.close()


def test_a_resource_pinned_during_the_meeting_reaches_everyone_in_the_room(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    resources = f"/api/groups/{meeting.group_id}/resources"
    article = {"title": "Reading", "url": "https://example.org/", "kind": "article"}
    assert meeting.organiser.post(resources, json=article).status_code == 201
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")

    crisis = {"title": "Crisis line 116 123", "url": "https://116123.example/", "kind": "crisis"}
    r = meeting.organiser.post(resources, json=crisis)
    assert r.status_code == 201, r.text
    for client in (host, amber):
        changed = client.wait_for("resources_changed")
        assert [x["title"] for x in changed["resources"]] == [crisis["title"], "Reading"]
    late = meeting.join("heron", pseudonym="Heron")
    assert late.welcome is not None
    assert late.welcome["state"]["resources"] == changed["resources"]

    r = meeting.organiser.delete(f"{resources}/{r.json()['id']}")
    assert r.status_code == 204
    for client in (host, amber, late):
        changed = client.wait_for("resources_changed")
        assert [x["title"] for x in changed["resources"]] == ["Reading"]
    for client in (host, amber, late):
        client.close()
