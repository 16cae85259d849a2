"""A meeting run through its format over real WebSockets: the organiser's format, the
facilitator's Next, and everyone switching parts together."""

from __future__ import annotations

from typing import Any

from tests.server.ws.inprocess import InProcessHearth, Meeting


def _with_format(meeting: Meeting, template: str = "check-in") -> dict[str, Any]:
    """The group's default format, copied from a shipped template."""
    r = meeting.organiser.post(
        f"/api/groups/{meeting.group_id}/formats", json={"template": template}
    )
    assert r.status_code == 201, r.text
    plan: dict[str, Any] = r.json()
    r = meeting.organiser.patch(f"/api/groups/{meeting.group_id}", json={"format_id": plan["id"]})
    assert r.status_code == 200, r.text
    return plan


def _part(client: Any, index: int) -> dict[str, Any]:
    """The `segment_started` of this part, skipping earlier ones this client saw."""
    while (part := client.wait_for("segment_started")["segment"])["index"] != index:
        pass
    return part  # type: ignore[no-any-return]


def test_a_facilitator_runs_the_meeting_through_its_format(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(crosstalk=True)
    plan = _with_format(meeting)
    segments = plan["segments"]
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    heron = meeting.join("heron", pseudonym="Heron")
    agenda = amber.welcome["agenda"]  # type: ignore[index]
    assert agenda["format"] == plan["name"] and agenda["current"] is None
    assert [s["title"] for s in agenda["segments"]] == [s["title"] for s in segments]

    # Part 1, a reading: its text pinned for everyone, hands closed.
    assert host.command("next_segment", current=-1)["type"] == "ack"
    for client in (host, amber, heron):
        part = _part(client, 0)
        assert (part["index"], part["kind"]) == (0, "reading")
        assert part["reading"] == segments[0]["reading"]
        assert part["settings"]["queue_open"] is False
    assert amber.command("raise_hand")["code"] == "queue_closed"

    # Part 2, the check-in round: crosstalk off, the go-around starts with Amber.
    assert host.command("next_segment", current=0)["type"] == "ack"
    part = _part(heron, 1)
    assert part["settings"]["crosstalk"] is False and part["settings"]["share_seconds"] == 120
    heron.wait_for("round_started")
    assert heron.wait_for("floor_granted")["participant_id"] == amber.me
    assert heron.command("say", text="my turn?")["code"] == "not_your_turn"
    # A second facilitator clicking Next on the part already left changes nothing.
    cohost = meeting.facilitator("Cohost")
    assert cohost.welcome["agenda"]["current"]["index"] == 1  # type: ignore[index]
    assert cohost.command("next_segment", current=0)["type"] == "ack"
    assert host.command("next_segment", current=1)["type"] == "ack"
    part = _part(amber, 2)
    assert part["settings"]["queue_open"] is True
    amber.wait_for("round_ended")
    assert amber.command("raise_hand")["type"] == "ack"
    assert not [
        f for f in amber.frames if f["type"] == "segment_started" and f["segment"]["index"] == 3
    ]

    # A reload (resume) sees where the room is.
    again = meeting.connect("amber-again")
    welcome = again.hello(resume={"token": amber.welcome["resume_token"], "last_seq": 0})  # type: ignore[index]
    assert welcome["agenda"]["current"]["index"] == 2
    # The last part, then no further.
    last = len(segments) - 1
    assert host.command("goto_segment", index=last)["type"] == "ack"
    assert host.command("next_segment")["code"] == "not_allowed"
    assert host.command("goto_segment", index=last + 1)["code"] == "bad_request"


def test_attendees_cannot_move_the_room_on_and_bad_frames_harm_nothing(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    _with_format(meeting, "five-part")
    host = meeting.facilitator()
    troll = meeting.join("troll", pseudonym="Troll")
    assert troll.command("next_segment")["code"] == "not_allowed"
    assert troll.command("goto_segment", index=3)["code"] == "not_allowed"
    for fields in ({"index": "two"}, {"index": -1}, {"index": 10**9}, {}):
        assert host.command("goto_segment", **fields)["code"] == "bad_request"
    assert host.command("next_segment", current=[1])["code"] == "bad_request"
    assert host.command("next_segment")["type"] == "ack"
    assert _part(troll, 0)["title"]
    assert troll.command("say", text="still connected")["type"] == "ack"


def test_a_meeting_can_follow_another_format_than_its_groups(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    _with_format(meeting, "check-in")
    r = meeting.organiser.post(
        f"/api/groups/{meeting.group_id}/formats", json={"template": "five-part"}
    )
    other = r.json()
    r = meeting.organiser.patch(f"/api/meetings/{meeting.id}", json={"format_id": other["id"]})
    assert r.status_code == 200, r.text
    host = meeting.facilitator()
    assert host.welcome["agenda"]["format"] == other["name"]  # type: ignore[index]
    plain = hearth.create_meeting()
    assert plain.facilitator().welcome["agenda"] is None  # type: ignore[index]
