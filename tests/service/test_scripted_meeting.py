"""The whole meeting of the room-core issue, over real WebSockets to a real server."""

from __future__ import annotations

import pytest

from tests.service.conftest import Server
from tests.service.rooms import create_meeting
from tests.wsclient import Client

pytestmark = pytest.mark.service


def seq_types(client: Client, after: int = 0) -> list[tuple[int, str]]:
    return [(e["seq"], e["type"]) for e in client.events if e["seq"] > after]


async def test_scripted_meeting_with_a_facilitator_and_five_attendees(
    hearth_server: Server,
) -> None:
    meeting = create_meeting(hearth_server, lobby=True, share_seconds=30)
    host = await meeting.facilitator("Host")
    attendees: list[Client] = []
    for name in ["Amber Fox", "Quiet Heron", "Blue Wren", "Calm Otter"]:
        client = await meeting.join(name, pseudonym=name)
        assert client.frames[-1]["type"] == "waiting"
        knock = await host.wait_for("knock", pseudonym=name)
        assert (await host.command("admit", participant_id=knock["participant_id"]))[
            "type"
        ] == "ack"
        await client.wait_for("welcome")
        attendees.append(client)
    # The fifth attendee asks for no name and gets a friendly generated one.
    await host.command("settings", lobby=False)
    fifth = await meeting.join("fifth")
    assert fifth.welcome is not None and len(fifth.welcome["you"]["pseudonym"].split()) >= 2
    attendees.append(fifth)
    amber, heron, wren, otter, _ = attendees

    # Hands, fifo.
    for c in (heron, amber, wren):
        assert (await c.command("raise_hand"))["type"] == "ack"
    raised = await host.wait_for("hand_raised", participant_id=wren.me)
    assert raised["queue"] == [heron.me, amber.me, wren.me]
    assert (await host.command("grant"))["type"] == "ack"
    granted = await amber.wait_for("floor_granted")
    assert granted["participant_id"] == heron.me

    # Crosstalk is off: Amber cannot post while Heron shares; a reaction still goes through.
    share = await heron.command("say", text="I had a hard week.")
    assert share["type"] == "ack"
    message = await amber.wait_for("message")
    assert message["share"] is True and message["pseudonym"] == "Quiet Heron"
    refused = await amber.command("say", text="me too!")
    assert refused["code"] == "not_your_turn"
    assert (await amber.command("react", message_id=message["message_id"], emoji="❤️"))[
        "type"
    ] == "ack"
    reaction = await heron.wait_for("reaction")
    assert reaction["count"] == 1
    assert (await heron.command("yield"))["type"] == "ack"
    await host.wait_for("floor_released", reason="yielded")

    # fewest_shares_first: Heron has shared once, so Wren (0 shares) goes before Heron.
    await host.command("settings", queue_policy="fewest_shares_first")
    await heron.command("raise_hand")
    q = await host.wait_for("hand_raised", participant_id=heron.me)
    assert q["queue"] == [amber.me, wren.me, heron.me]
    await host.command("grant", participant_id=wren.me)
    await wren.wait_for("floor_granted", participant_id=wren.me)

    # The timer runs out on its own.
    expired = await host.wait_for("floor_released", timeout=45, reason="expired")
    assert expired["participant_id"] == wren.me

    # A round with a pass.
    await host.command("start_round")
    started = await host.wait_for("round_started")
    first = started["order"][0]
    by_id = {c.me: c for c in attendees}
    await host.wait_for("floor_granted", participant_id=first)
    assert (await by_id[first].command("pass"))["type"] == "ack"
    await host.wait_for("floor_released", reason="passed")
    await host.command("end_round")
    await host.wait_for("round_ended")

    # Mute, delete, report, help.
    await host.command("mute", participant_id=otter.me)
    await otter.wait_for("muted", participant_id=otter.me)
    assert (await otter.command("say", text="hello?"))["code"] == "muted"
    said = await amber.command("say", text="something unkind")
    assert said["type"] == "ack"
    msg = await host.wait_for("message", participant_id=amber.me)
    assert (await heron.command("report", message_id=msg["message_id"], reason="unkind"))[
        "type"
    ] == "ack"
    report = await host.wait_for("report")
    assert report["text"] == "something unkind" and "reporter" not in str(report)
    await host.command("delete", message_id=msg["message_id"])
    await wren.wait_for("message_deleted", message_id=msg["message_id"])
    assert (await otter.command("help", note="I'm struggling"))["type"] == "ack"
    help_event = await host.wait_for("help_requested")
    assert help_event["participant_id"] == otter.me
    await otter.wait_for("help_requested")

    # Heron's connection drops; events happen; Heron resumes without losing one.
    before = heron.last_seq
    token = heron.welcome["resume_token"] if heron.welcome else ""
    heron.ws.transport.abort()  # no close frame: the network just went away
    await host.command("say", text="while Heron was away")
    await host.command("unmute", participant_id=otter.me)
    await host.wait_for("unmuted")
    heron2 = await Client.connect(meeting.ws_url, "heron2")
    resumed = await heron2.hello(resume={"token": token, "last_seq": before})
    assert resumed["type"] == "welcome" and resumed["you"]["id"] == heron.me
    await heron2.drain()
    await amber.drain()
    missed = seq_types(heron2, before)
    everyone = [(s, t) for s, t in seq_types(amber, before) if s <= max(s for s, _ in missed)]
    assert missed == everyone
    assert len({s for s, _ in missed}) == len(missed)

    # The end.
    await host.command("end")
    for c in [host, amber, heron2, wren, otter, fifth]:
        await c.wait_for("meeting_ended")
        assert await c.closed() == 1000

    # Attendees with the same view saw the same room events in the same order.
    assert wren.welcome is not None
    since = wren.welcome["seq"]
    assert seq_types(amber, since) == seq_types(wren, since)
    assert len(seq_types(wren, since)) >= 30
    await heron.close()
