"""The whole meeting of the room-core issue, in process: a facilitator, five attendees,
the lobby, hands, the timer, a round, moderation, a resume and the end."""

from __future__ import annotations

from tests.server.ws.inprocess import Client, InProcessHearth


def seq_types(client: Client, after: int = 0) -> list[tuple[int, str]]:
    return [(e["seq"], e["type"]) for e in client.events if e["seq"] > after]


def test_scripted_meeting_with_a_facilitator_and_five_attendees(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(lobby=True, share_seconds=30)
    host = meeting.facilitator("Host")
    attendees: list[Client] = []
    for name in ["Amber Fox", "Quiet Heron", "Blue Wren", "Calm Otter"]:
        client = meeting.join(name, pseudonym=name)
        assert client.frames[-1]["type"] == "waiting"
        knock = host.wait_for("knock", pseudonym=name)
        assert host.command("admit", participant_id=knock["participant_id"])["type"] == "ack"
        client.wait_for("welcome")
        attendees.append(client)
    # The fifth attendee asks for no name and gets a friendly generated one.
    host.command("settings", lobby=False)
    fifth = meeting.join("fifth")
    assert fifth.welcome is not None and len(fifth.welcome["you"]["pseudonym"].split()) >= 2
    attendees.append(fifth)
    amber, heron, wren, otter, _ = attendees

    # Hands, fifo.
    for c in (heron, amber, wren):
        assert c.command("raise_hand")["type"] == "ack"
    raised = host.wait_for("hand_raised", participant_id=wren.me)
    assert raised["queue"] == [heron.me, amber.me, wren.me]
    assert host.command("grant")["type"] == "ack"
    granted = amber.wait_for("floor_granted")
    assert granted["participant_id"] == heron.me

    # Crosstalk is off: Amber cannot post while Heron shares; a reaction still goes through.
    share = heron.command("say", text="I had a hard week.")
    assert share["type"] == "ack"
    message = amber.wait_for("message")
    assert message["share"] is True and message["pseudonym"] == "Quiet Heron"
    refused = amber.command("say", text="me too!")
    assert refused["code"] == "not_your_turn"
    assert amber.command("react", message_id=message["message_id"], emoji="❤️")["type"] == "ack"
    reaction = heron.wait_for("reaction")
    assert reaction["count"] == 1
    assert heron.command("yield")["type"] == "ack"
    host.wait_for("floor_released", reason="yielded")

    # fewest_shares_first: Heron has shared once, so Wren (0 shares) goes before Heron.
    host.command("settings", queue_policy="fewest_shares_first")
    heron.command("raise_hand")
    q = host.wait_for("hand_raised", participant_id=heron.me)
    assert q["queue"] == [amber.me, wren.me, heron.me]
    host.command("grant", participant_id=wren.me)
    wren.wait_for("floor_granted", participant_id=wren.me)

    # The timer runs out on its own.
    expired = host.wait_for("floor_released", timeout=45, reason="expired")
    assert expired["participant_id"] == wren.me

    # A round with a pass.
    host.command("start_round")
    started = host.wait_for("round_started")
    first = started["order"][0]
    by_id = {c.me: c for c in attendees}
    host.wait_for("floor_granted", participant_id=first)
    assert (by_id[first].command("pass"))["type"] == "ack"
    host.wait_for("floor_released", reason="passed")
    host.command("end_round")
    host.wait_for("round_ended")

    # Mute, delete, report, help.
    host.command("mute", participant_id=otter.me)
    otter.wait_for("muted", participant_id=otter.me)
    assert otter.command("say", text="hello?")["code"] == "muted"
    said = amber.command("say", text="something unkind")
    assert said["type"] == "ack"
    msg = host.wait_for("message", participant_id=amber.me)
    assert heron.command("report", message_id=msg["message_id"], reason="unkind")["type"] == "ack"
    report = host.wait_for("alert")
    assert report["alert"]["text"] == "something unkind" and "Heron" not in str(report)
    host.command("delete", message_id=msg["message_id"])
    wren.wait_for("message_deleted", message_id=msg["message_id"])
    assert otter.command("help", note="I'm struggling")["type"] == "ack"
    help_event = host.wait_for("alert")["alert"]
    assert (help_event["kind"], help_event["participant_id"]) == ("help", otter.me)

    # Heron's connection drops; events happen; Heron resumes without losing one.
    before = heron.last_seq
    token = heron.welcome["resume_token"] if heron.welcome else ""
    heron.drop()  # no close frame: the network just went away
    host.command("say", text="while Heron was away")
    host.command("unmute", participant_id=otter.me)
    host.wait_for("unmuted")
    heron2 = meeting.connect("heron2")
    resumed = heron2.hello(resume={"token": token, "last_seq": before})
    assert resumed["type"] == "welcome" and resumed["you"]["id"] == heron.me
    heron2.drain()
    amber.drain()
    missed = seq_types(heron2, before)
    everyone = [(s, t) for s, t in seq_types(amber, before) if s <= max(s for s, _ in missed)]
    assert missed == everyone
    assert len({s for s, _ in missed}) == len(missed)

    # The end.
    host.command("end")
    for c in [host, amber, heron2, wren, otter, fifth]:
        c.wait_for("meeting_ended")
        assert c.closed() == 1000

    # Attendees with the same view saw the same room events in the same order.
    assert wren.welcome is not None
    since = wren.welcome["seq"]
    assert seq_types(amber, since) == seq_types(wren, since)
    assert len(seq_types(wren, since)) >= 30
    heron.close()
