"""The group's message guard over WebSockets: a hostile attendee's links, masked words,
taking a message back, and bad `retract` frames."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.ws.inprocess import Client, InProcessHearth
from tests.server.ws.test_audit import audit

GRACE = 2


@pytest.fixture
def hearth_settings() -> dict[str, Any]:
    return {"resume_grace_seconds": GRACE}


def token_of(client: Client) -> str:
    assert client.welcome is not None
    token: str = client.welcome["resume_token"]
    return token


def test_an_attendees_links_reach_nobody_when_links_are_for_facilitators(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(links_from_facilitators_only=True)
    host = meeting.facilitator()
    shade = meeting.join("shade", pseudonym="Shade")
    wren = meeting.join("wren", pseudonym="Wren")
    tries = [
        "join my group at https://evil.example/now",
        "www example com",
        "evil . com",
        "EVIL.ORG",
        "ｅｖｉｌ．ｃｏｍ",  # fullwidth
        "see evil dot org",
    ]
    for text in tries:
        reply = shade.command("say", text=text)
        assert (reply["type"], reply.get("code")) == ("error", "links_not_allowed"), text
        assert reply["message"] == "Only facilitators may post links in this group."
    host.drain(0.3)
    wren.drain(0.1)
    for client in (host, wren, shade):
        assert not [e for e in client.events if e["type"] == "message"], client.name
    # Plain words still go through, and a facilitator may post a link.
    assert shade.command("say", text="sorry, I'll stop")["type"] == "ack"
    assert host.command("say", text="our leaflet: example.org")["type"] == "ack"
    assert wren.wait_for("message", text="our leaflet: example.org")
    # A private line to the facilitators may hold one.
    assert shade.command("whisper", text="the site: example.org")["type"] == "ack"
    assert host.wait_for("whisper")["text"] == "the site: example.org"


def test_masked_words_reach_everyone_masked(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(masked_words=["idiot", "Acme Clinic"])
    host = meeting.facilitator()
    shade = meeting.join("shade", pseudonym="Shade")
    wren = meeting.join("wren", pseudonym="Wren")
    said = shade.command("say", text="Wren you ІDІОТ, see you at acme clinic")
    assert said["type"] == "ack"
    for client in (host, wren, shade):
        message = client.wait_for("message")
        assert message["text"] == "Wren you •••, see you at •••"
        assert message["masked"] == 2
        assert "ІDІОТ" not in str(client.frames) and "clinic" not in str(client.frames)
    shade.command("say", text="nothing to hide")
    assert wren.wait_for("message", text="nothing to hide")["masked"] == 0


def test_a_message_taken_back_is_gone_for_everyone_and_for_a_resume(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(late_joiners_see_history=True)
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    heron = meeting.join("heron", pseudonym="Heron")
    heron.drain(0.2)
    before, token = heron.last_seq, token_of(heron)
    heron.drop()
    said = amber.command("say", text="my street is Elm Road")
    message = host.wait_for("message", text="my street is Elm Road")
    reply = amber.command("retract", message_id=message["message_id"])
    assert reply["type"] == "ack", reply
    for client in (host, amber):
        deleted = client.wait_for("message_deleted", message_id=message["message_id"])
        assert (deleted["by"], deleted["retracted"]) == (amber.me, True)
    # Heron comes back within the grace period: the deletion, never the text.
    back = meeting.connect("heron-back")
    assert back.hello(resume={"token": token, "last_seq": before})["type"] == "welcome"
    back.drain(0.3)
    assert [e["type"] for e in back.events if e["seq"] > before] == ["message_deleted"]
    assert "Elm Road" not in str(back.frames)
    assert said["seq"] == message["seq"]
    # Nor does a late joiner of a group that shows history.
    late = meeting.join("late", pseudonym="Late")
    assert late.welcome is not None and late.welcome["recent"] == []
    assert "Elm Road" not in str(late.frames)


def test_only_the_author_takes_a_message_back(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    shade = meeting.join("shade", pseudonym="Shade")
    amber.command("say", text="mine to take back")
    message = shade.wait_for("message")
    for client in (shade, host):
        reply = client.command("retract", message_id=message["message_id"])
        assert (reply["type"], reply["code"]) == ("error", "not_allowed")
    reply = amber.command("retract", message_id="m999")
    assert (reply["type"], reply["code"]) == ("error", "no_such_message")
    host.drain(0.2)
    assert not [e for e in host.events if e["type"] == "message_deleted"]
    # Taking back is not moderation: the audit has the facilitator's delete only.
    assert amber.command("retract", message_id=message["message_id"])["type"] == "ack"
    amber.command("say", text="another")
    other = host.wait_for("message", text="another")
    assert host.command("delete", message_id=other["message_id"])["type"] == "ack"
    assert [row["action"] for row in audit(hearth, meeting.id, 1)] == ["delete"]


def test_a_client_cannot_claim_its_message_was_masked(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(masked_words=["idiot"])
    amber = meeting.join("amber", pseudonym="Amber")
    amber.send({"type": "say", "text": "plain words", "masked": 5})
    assert amber.wait_for("message")["masked"] == 0


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "retract"},
        {"type": "retract", "message_id": 7},
        {"type": "retract", "message_id": None},
        {"type": "retract", "message_id": ["m1"]},
        {"type": "retract", "message_id": "m" * 33},
    ],
)
def test_a_bad_retract_gets_a_clear_error_and_the_connection_lives(
    hearth: InProcessHearth, frame: dict[str, Any]
) -> None:
    meeting = hearth.create_meeting()
    amber = meeting.join("amber", pseudonym="Amber")
    amber.send({**frame, "id": "bad"})
    error = amber.wait_for("error")
    assert (error["code"], error["id"]) == ("bad_request", "bad")
    assert "message_id" in error["message"]
    assert amber.command("say", text="still here")["type"] == "ack"
