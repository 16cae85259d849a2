"""extend_floor through a real room: everyone hears the share's new end, a welcome
carries it, and the audit names the speaker by role and ordinal."""

from __future__ import annotations

from datetime import datetime

from tests.server.ws.inprocess import InProcessHearth
from tests.server.ws.test_audit import audit


def test_extend_floor_reaches_everyone_and_is_audited(hearth: InProcessHearth) -> None:
    """+90 s moves ends_at by 90 s for every participant and for a newcomer's welcome."""
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    heron = meeting.join("heron", pseudonym="Heron")
    assert host.command("extend_floor", seconds=60)["code"] == "not_allowed"
    assert host.command("grant", participant_id=amber.me)["type"] == "ack"
    granted = heron.wait_for("floor_granted", participant_id=amber.me)
    assert amber.command("extend_floor", seconds=60)["code"] == "not_allowed"
    assert host.command("extend_floor", seconds=0)["code"] == "bad_request"
    assert host.command("extend_floor", seconds=90)["type"] == "ack"
    for client in (amber, heron, host):
        extended = client.wait_for("floor_extended", participant_id=amber.me)
        assert extended["turn_id"] == granted["turn_id"]
        moved = datetime.fromisoformat(extended["ends_at"]) - datetime.fromisoformat(
            granted["ends_at"]
        )
        assert moved.total_seconds() == 90
    late = meeting.connect("late")
    welcome = late.hello(pseudonym="Late")
    assert welcome["state"]["floor"]["ends_at"] == extended["ends_at"]

    rows = audit(hearth, meeting.id, 2)
    assert [(r["action"], r["target"]) for r in rows][-1] == (
        "extend_floor",
        {"role": "attendee", "ordinal": 2},
    )
