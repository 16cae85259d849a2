"""Co-hosts and the empty chair over real WebSockets, in process."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.ws.inprocess import InProcessHearth
from tests.server.ws.test_audit import audit
from tests.server.ws.test_history_lost import back, lose_history

GRACE = 1


@pytest.fixture
def hearth_settings() -> dict[str, Any]:
    return {"resume_grace_seconds": GRACE}


def test_a_co_host_runs_the_room_until_demoted(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    birch = meeting.join("birch", pseudonym="Birch")
    assert host.command("settings", lobby=True)["type"] == "ack"
    assert birch.command("help", note="a hard week")["type"] == "ack"
    help_alert = host.wait_for("alert", timeout=5)["alert"]
    assert "alerts" not in (amber.welcome or {})

    refused = birch.command("promote", participant_id=amber.me)
    assert (refused["type"], refused["code"]) == ("error", "not_allowed")
    assert host.command("promote", participant_id=amber.me)["type"] == "ack"
    for client in (host, amber, birch):
        changed = client.wait_for("role_changed")
        assert (changed["participant_id"], changed["pseudonym"], changed["role"]) == (
            amber.me,
            "Amber",
            "facilitator",
        )
    view = amber.wait_for("facilitator_view")
    assert [a["id"] for a in view["alerts"] if a["kind"] == "help"] == [help_alert["id"]]

    # The co-host does what a facilitator does: the floor, the lobby, the alerts.
    assert amber.command("grant", participant_id=birch.me)["type"] == "ack"
    assert birch.wait_for("floor_granted")["participant_id"] == birch.me
    cedar = meeting.connect("cedar")
    assert cedar.hello(pseudonym="Cedar")["type"] == "waiting"
    knock = amber.wait_for("knock")
    assert amber.command("admit", participant_id=knock["participant_id"])["type"] == "ack"
    assert cedar.wait_for("welcome")["you"]["pseudonym"] == "Cedar"
    assert amber.command("claim_alert", alert_id=help_alert["id"])["type"] == "ack"
    assert host.wait_for("alert_updated", status="claimed")["claimed_by"] == amber.me

    assert host.command("demote", participant_id=amber.me)["type"] == "ack"
    assert birch.wait_for("role_changed", role="attendee")["participant_id"] == amber.me
    refused = amber.command("revoke")
    assert (refused["type"], refused["code"]) == ("error", "not_allowed")
    assert birch.command("whisper", text="thank you")["type"] == "ack"
    host.wait_for("whisper")
    amber.drain()
    assert not [f for f in amber.frames if f["type"] == "whisper"]

    rows = audit(hearth, meeting.id, 6)
    assert [(r["action"], r["target"]) for r in rows if r["action"] in {"promote", "demote"}] == [
        ("promote", {"role": "attendee", "ordinal": 2}),
        ("demote", {"role": "facilitator", "ordinal": 2}),
    ]


def test_a_resumed_co_host_is_still_a_facilitator(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    assert host.command("promote", participant_id=amber.me)["type"] == "ack"
    amber.wait_for("facilitator_view")
    assert amber.welcome is not None
    token, seq = amber.welcome["resume_token"], amber.frames[-1]["seq"]
    amber.drop()
    again = meeting.connect("amber again")
    welcome = again.hello(resume={"token": token, "last_seq": seq})
    assert (welcome["type"], welcome["you"]["role"]) == ("welcome", "facilitator")
    assert "alerts" in welcome and "lobby" in welcome["state"]
    assert again.command("end")["type"] == "ack"


def test_the_chair_reconnects_then_empties_and_an_organiser_takes_the_room(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(lobby_when_unattended=True)
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    birch = meeting.join("birch", pseudonym="Birch")
    assert amber.welcome is not None and amber.welcome["state"]["chair"] == "held"
    assert host.command("grant", participant_id=amber.me)["type"] == "ack"
    granted = birch.wait_for("floor_granted")

    host.drop()
    for client in (amber, birch):
        assert client.wait_for("chair_changed")["chair"] == "reconnecting"
    empty = birch.wait_for("chair_changed", timeout=GRACE + 5)
    assert (empty["chair"], empty["floor_ends_at"]) == ("empty", None)
    left = [f for f in birch.frames if f["type"] == "left"]
    assert [f["reason"] for f in left] == ["timeout"] and left[0]["seq"] < empty["seq"]
    # The holder may still write; nobody else may interrupt; newcomers wait.
    assert amber.command("say", text="still here")["type"] == "ack"
    late = meeting.connect("late")
    waiting = late.hello(pseudonym="Late Owl")
    assert waiting["type"] == "waiting"

    organiser = meeting.facilitator("Organiser")
    assert organiser.welcome is not None
    assert organiser.welcome["state"]["chair"] == "held"
    assert [x["pseudonym"] for x in organiser.welcome["state"]["lobby"]] == ["Late Owl"]
    held = birch.wait_for("chair_changed", chair="held")
    assert held["floor_ends_at"] is not None and held["floor_ends_at"] > granted["ends_at"]
    assert organiser.welcome["state"]["floor"]["paused"] is False
    assert organiser.command("admit", participant_id=waiting["you"]["id"])["type"] == "ack"
    assert late.wait_for("welcome")["state"]["chair"] == "held"


def test_a_co_host_keeps_the_chair_when_the_facilitator_drops(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    birch = meeting.join("birch", pseudonym="Birch")
    assert host.command("promote", participant_id=amber.me)["type"] == "ack"
    birch.wait_for("role_changed")
    host.drop()
    assert birch.wait_for("left", timeout=GRACE + 5)["reason"] == "timeout"
    birch.drain()
    assert not [f for f in birch.frames if f["type"] == "chair_changed"]
    assert amber.command("grant", participant_id=birch.me)["type"] == "ack"


def test_a_co_host_comes_back_a_facilitator_after_the_history_is_lost(
    hearth: InProcessHearth,
) -> None:
    """The worker rejoins each connection in the role it remembers: the promotion's."""
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    birch = meeting.join("birch", pseudonym="Birch")
    assert host.command("promote", participant_id=amber.me)["type"] == "ack"
    amber.wait_for("facilitator_view")
    assert host.command("promote", participant_id=birch.me)["type"] == "ack"
    assert host.command("demote", participant_id=birch.me)["type"] == "ack"
    birch.wait_for("role_changed", role="attendee")

    lose_history(hearth, meeting)
    assert back(amber, "welcome")["you"]["role"] == "facilitator"  # type: ignore[index]
    assert back(birch, "welcome")["you"]["role"] == "attendee"  # type: ignore[index]
