"""An organiser's edits reach a room that is already open, over real WebSockets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.server.ws.inprocess import InProcessHearth


def test_a_lobby_switched_on_after_the_room_opened_holds_the_next_newcomer(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    early = meeting.join("early", pseudonym="Early Bird")
    r = meeting.organiser.patch(f"/api/groups/{meeting.group_id}", json={"lobby": True})
    assert r.status_code == 200, r.text
    for client in (host, early):
        assert client.wait_for("settings_changed")["settings"]["lobby"] is True
    late = meeting.connect("late")
    assert late.hello(pseudonym="Late Comer")["type"] == "waiting"
    assert host.wait_for("knock")["pseudonym"] == "Late Comer"


def test_a_live_meeting_lengthened_or_renamed_tells_the_room(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(duration_minutes=30)
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    r = meeting.organiser.patch(
        f"/api/meetings/{meeting.id}", json={"duration_minutes": 90, "title": "Longer tonight"}
    )
    assert r.status_code == 200, r.text
    changed = amber.wait_for("meeting_changed")["meeting"]
    assert changed["title"] == "Longer tonight"
    ends = datetime.fromisoformat(changed["ends_at"].replace("Z", "+00:00"))
    assert ends - datetime.now(UTC) > timedelta(minutes=80)
    newcomer = meeting.join("new", pseudonym="Newcomer")
    assert newcomer.welcome["meeting"]["ends_at"] == changed["ends_at"]  # type: ignore[index]
    assert host.command("say", text="still open")["type"] == "ack"


def test_a_live_meeting_cut_short_ends_for_everyone(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(starts_in=timedelta(minutes=-20), duration_minutes=60)
    meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    r = meeting.organiser.patch(f"/api/meetings/{meeting.id}", json={"duration_minutes": 15})
    assert r.status_code == 200, r.text
    assert amber.wait_for("meeting_ended")["by"] is None
    assert amber.closed() == 1000


def test_a_format_changed_during_the_meeting_reaches_the_room(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    assert amber.welcome["agenda"] is None  # type: ignore[index]
    r = meeting.organiser.post(
        f"/api/groups/{meeting.group_id}/formats", json={"template": "check-in"}
    )
    plan = r.json()
    r = meeting.organiser.patch(f"/api/groups/{meeting.group_id}", json={"format_id": plan["id"]})
    assert r.status_code == 200, r.text
    agenda = amber.wait_for("agenda_changed")["agenda"]
    assert agenda["format"] == plan["name"] and agenda["current"] is None
    assert host.command("next_segment", current=-1)["type"] == "ack"
    renamed = [{**plan["segments"][0], "title": "A warm welcome"}, *plan["segments"][1:]]
    r = meeting.organiser.patch(
        f"/api/groups/{meeting.group_id}/formats/{plan['id']}", json={"segments": renamed}
    )
    assert r.status_code == 200, r.text
    while (agenda := amber.wait_for("agenda_changed")["agenda"])["segments"][0]["title"] != (
        "A warm welcome"
    ):
        pass
    assert agenda["current"]["index"] == 0
    r = meeting.organiser.delete(f"/api/groups/{meeting.group_id}/formats/{plan['id']}")
    assert r.status_code == 204
    while amber.wait_for("agenda_changed")["agenda"] is not None:
        pass
