"""What the room gives the browser for private commitments: the group, and which part
invites one. The commitment itself never reaches the server: no frame carries it."""

from __future__ import annotations

from tests.server.ws.inprocess import InProcessHearth


def test_welcome_names_the_meetings_group(hearth: InProcessHearth) -> None:
    """The browser keys a commitment by group, so the next meeting of it finds it."""
    meeting = hearth.create_meeting()
    amber = meeting.join("amber", pseudonym="Amber")
    assert amber.welcome is not None
    assert amber.welcome["meeting"]["group_id"] == meeting.group_id
    amber.close()


def test_a_closing_part_says_whether_it_invites_commitments(hearth: InProcessHearth) -> None:
    """The invitation travels with the part; nothing in the room answers it."""
    meeting = hearth.create_meeting()
    segments = [
        {"title": "Shares", "kind": "shares", "minutes": 10},
        {"title": "Closing", "kind": "closing", "minutes": 5, "invite_commitment": True},
    ]
    r = meeting.organiser.post(
        f"/api/groups/{meeting.group_id}/formats", json={"name": "Week", "segments": segments}
    )
    assert r.status_code == 201, r.text
    r = meeting.organiser.patch(
        f"/api/groups/{meeting.group_id}", json={"format_id": r.json()["id"]}
    )
    assert r.status_code == 200, r.text
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    agenda = amber.welcome["agenda"]  # type: ignore[index]
    assert [s["invite_commitment"] for s in agenda["segments"]] == [False, True]
    for index in (0, 1):
        host.command("next_segment", current=index - 1)
        part = amber.wait_for("segment_started")["segment"]
        assert (part["index"], part["invite_commitment"]) == (index, index == 1)
    amber.send({"type": "commitment", "text": "Call my sister"})
    assert amber.wait_for("error")["code"] == "bad_request"  # there is no such message
    host.close()
    amber.close()
