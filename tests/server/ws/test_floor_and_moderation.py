"""The floor and moderation commands the scripted meeting does not reach, in process:
revoke, lower hand, grant errors, speaker statistics, slow mode, and who sees reports
and help requests."""

from __future__ import annotations

import time

from tests.server.ws.inprocess import InProcessHearth


def test_grant_revoke_and_lower_hand(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    heron = meeting.join("heron", pseudonym="Heron")

    assert host.command("grant")["code"] == "queue_empty"
    assert host.command("revoke")["code"] == "not_allowed"
    assert host.command("grant", participant_id="p-nobody")["code"] == "no_such_participant"
    for c in (amber, heron):
        assert c.command("raise_hand")["type"] == "ack"
    lowered = amber.command("lower_hand")
    assert lowered["type"] == "ack"
    event = heron.wait_for("hand_lowered", participant_id=amber.me)
    assert event["queue"] == [heron.me]

    # A named grant takes someone not in the queue; granting again revokes the first.
    assert host.command("grant", participant_id=amber.me)["type"] == "ack"
    first = heron.wait_for("floor_granted", participant_id=amber.me)
    assert host.command("grant")["type"] == "ack"
    revoked = heron.wait_for("floor_released", participant_id=amber.me)
    assert (revoked["reason"], revoked["turn_id"]) == ("revoked", first["turn_id"])
    # The grantee's hand comes down first, then the floor is theirs.
    assert amber.wait_for("hand_lowered", participant_id=heron.me)["queue"] == []
    second = amber.wait_for("floor_granted", participant_id=heron.me)
    assert heron.command("raise_hand")["code"] == "not_allowed"  # holds the floor

    assert host.command("revoke")["type"] == "ack"
    released = amber.wait_for("floor_released", participant_id=heron.me)
    assert (released["reason"], released["turn_id"]) == ("revoked", second["turn_id"])
    assert amber.command("say", text="my turn now?")["type"] == "ack"


def test_speaker_statistics_count_shares_and_seconds(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    heron = meeting.join("heron", pseudonym="Heron")

    for hold in (1.3, 1.0):
        host.command("grant", participant_id=amber.me)
        amber.wait_for("floor_granted", participant_id=amber.me)
        time.sleep(hold)
        assert amber.command("yield")["type"] == "ack"
    host.command("grant", participant_id=heron.me)
    heron.wait_for("floor_granted", participant_id=heron.me)
    time.sleep(1.2)

    assert amber.command("stats")["code"] == "not_allowed"
    stats = host.command("stats")
    assert stats["type"] == "stats"
    speakers = {s["pseudonym"]: s for s in stats["speakers"]}
    assert speakers["Amber"]["shares"] == 2 and speakers["Amber"]["participant_id"] == amber.me
    assert 2 <= speakers["Amber"]["seconds"] <= 4, speakers  # 2.3 s, in whole seconds
    # Heron is still sharing: the running share counts.
    assert speakers["Heron"]["shares"] == 1
    assert 1 <= speakers["Heron"]["seconds"] <= 3, speakers
    assert (speakers["Host"]["shares"], speakers["Host"]["seconds"]) == (0, 0)


def test_slow_mode_spaces_out_attendees_but_not_facilitators(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    assert host.command("settings", slow_mode_seconds=2)["type"] == "ack"
    changed = amber.wait_for("settings_changed")
    assert changed["settings"]["slow_mode_seconds"] == 2

    assert amber.command("say", text="one")["type"] == "ack"
    too_soon = amber.command("say", text="two")
    assert too_soon["code"] == "slow_mode" and too_soon["message"]
    for text in ("host one", "host two"):
        assert host.command("say", text=text)["type"] == "ack"
    time.sleep(2.1)
    assert amber.command("say", text="three")["type"] == "ack"
    host.drain(0.2)
    texts = [e["text"] for e in host.events if e["type"] == "message"]
    assert texts == ["one", "host one", "host two", "three"]

    assert host.command("settings", slow_mode_seconds=0)["type"] == "ack"
    amber.wait_for("settings_changed", settings={**changed["settings"], "slow_mode_seconds": 0})
    for text in ("four", "five"):
        assert amber.command("say", text=text)["type"] == "ack"
    assert host.command("settings", slow_mode_seconds=301)["code"] == "bad_request"


def test_reports_reach_only_facilitators_and_help_only_them_and_the_asker(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    cohost = meeting.facilitator("Co Host")
    amber = meeting.join("amber", pseudonym="Amber")
    heron = meeting.join("heron", pseudonym="Heron")
    wren = meeting.join("wren", pseudonym="Wren")

    said = amber.command("say", text="a hurtful remark")
    message = heron.wait_for("message", participant_id=amber.me)
    assert said["type"] == "ack"
    assert (
        heron.command("report", message_id=message["message_id"], reason="hurtful")["type"] == "ack"
    )
    assert heron.command("report", message_id="m-none", reason="x")["code"] == "no_such_message"
    for facilitator in (host, cohost):
        report = facilitator.wait_for("alert")["alert"]
        assert (report["text"], report["note"]) == ("a hurtful remark", "hurtful")
        assert heron.me not in str(report) and "Heron" not in str(report)

    assert wren.command("help", note="I need a moment")["type"] == "ack"
    for client in (host, cohost):
        asked = client.wait_for("alert")["alert"]
        assert (asked["participant_id"], asked["note"]) == (wren.me, "I need a moment")

    # A last event everyone sees, so nothing else can still be on its way.
    assert host.command("say", text="thank you all")["type"] == "ack"
    for client in (amber, heron, wren):
        client.wait_for("message", text="thank you all")
        seen = {e["type"] for e in client.events}
        assert "alert" not in seen and "alert_updated" not in seen, seen
        assert "a hurtful remark" not in str(client.events[-1]) and "I need a moment" not in str(
            [e for e in client.events if e["type"] != "message"]
        )
