"""One meeting spread over three workers: everyone sees the same room, in the same order."""

from __future__ import annotations

import pytest

from tests.cluster.cluster import (
    Cluster,
    assert_strictly_increasing,
    close_all,
    facilitator,
    join,
    public,
    public_events,
    resume_token,
)
from tests.service.rooms import create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


async def test_a_meeting_spread_over_three_workers(cluster: Cluster) -> None:
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a, share_seconds=30)
    host = await facilitator(a, meeting)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    heron = await join(c, meeting, pseudonym="Quiet Heron")
    wren = await join(b, meeting, pseudonym="Blue Wren")
    otter = await join(c, meeting, pseudonym="Calm Otter")
    everyone = [host, amber, heron, wren, otter]
    try:
        # Joins made on B and C reach the facilitator on A, and the other way round.
        await host.wait_for("joined", participant={**_person(otter)})
        assert otter.welcome is not None
        names = {p["pseudonym"] for p in otter.welcome["state"]["participants"]}
        assert names == {"Host", "Amber Fox", "Quiet Heron", "Blue Wren", "Calm Otter"}

        # Hands from B and C, in log order.
        assert (await heron.command("raise_hand"))["type"] == "ack"
        assert (await amber.command("raise_hand"))["type"] == "ack"
        raised = await wren.wait_for("hand_raised", participant_id=amber.me)
        assert raised["queue"] == [heron.me, amber.me]

        # Grant (A) -> share (C) -> crosstalk refused (B) -> reaction (B) -> yield (C).
        assert (await host.command("grant"))["type"] == "ack"
        granted = await amber.wait_for("floor_granted")
        assert granted["participant_id"] == heron.me
        assert (await heron.command("say", text="It was a hard week."))["type"] == "ack"
        share = await amber.wait_for("message", participant_id=heron.me)
        assert share["share"] is True and share["pseudonym"] == "Quiet Heron"
        assert (await amber.command("say", text="me too"))["code"] == "not_your_turn"
        react = await amber.command("react", message_id=share["message_id"], emoji="❤️")
        assert react["type"] == "ack"
        assert (await heron.wait_for("reaction", message_id=share["message_id"]))["count"] == 1
        assert (await heron.command("yield"))["type"] == "ack"
        await host.wait_for("floor_released", participant_id=heron.me, reason="yielded")

        # Amber's share runs on the clock of three workers; meanwhile the lobby and a removal.
        assert (await host.command("grant"))["type"] == "ack"
        turn = await otter.wait_for("floor_granted", participant_id=amber.me)

        assert (await host.command("settings", lobby=True))["type"] == "ack"
        await heron.wait_for("settings_changed")
        lark = await join(c, meeting, pseudonym="Late Lark")
        assert lark.frames[-1]["type"] == "waiting"
        gull = await join(b, meeting, pseudonym="Grey Gull")
        assert gull.frames[-1]["type"] == "waiting"
        knock = await host.wait_for("knock", pseudonym="Late Lark")
        assert (await host.command("admit", participant_id=knock["participant_id"]))[
            "type"
        ] == "ack"
        welcome = await lark.wait_for("welcome")
        assert welcome["you"]["pseudonym"] == "Late Lark"
        await wren.wait_for("joined", participant={**_person(lark)})
        knock = await host.wait_for("knock", pseudonym="Grey Gull")
        assert (await host.command("deny", participant_id=knock["participant_id"]))["type"] == "ack"
        assert (await gull.wait_for("error"))["code"] == "denied"
        assert await gull.closed() == 4403
        everyone.append(lark)

        otter_token = resume_token(otter)
        assert (await host.command("remove", participant_id=otter.me))["type"] == "ack"
        assert (await otter.wait_for("error"))["code"] == "removed"
        assert await otter.closed() == 4403
        removed = await amber.wait_for("left", participant_id=otter.me)
        assert removed["reason"] == "removed"
        again = await Client.connect(f"{b.ws_url}/ws/meetings/{meeting.id}", "otter2")
        refused = await again.hello(resume={"token": otter_token, "last_seq": otter.last_seq})
        assert refused["type"] == "error" and refused["code"] in {"removed", "resume_failed"}
        await again.close()
        everyone.remove(otter)

        # The facilitator may speak during a share; the clock then runs out, once.
        assert (await host.command("say", text="Take your time."))["type"] == "ack"
        expired = await heron.wait_for("floor_released", timeout=45, reason="expired")
        assert expired["participant_id"] == amber.me
        assert expired["turn_id"] == turn["turn_id"]

        # A round through the attendees in join order, each passing or yielding.
        assert (await host.command("start_round"))["type"] == "ack"
        started = await wren.wait_for("round_started")
        by_id = {p.me: p for p in everyone}
        assert started["order"] == [amber.me, heron.me, wren.me, lark.me]
        for i, pid in enumerate(started["order"]):
            await host.wait_for("floor_granted", participant_id=pid)
            speaker = by_id[pid]
            await speaker.wait_for("floor_granted", participant_id=pid)
            assert (await speaker.command("pass" if i % 2 else "yield"))["type"] == "ack"
        await lark.wait_for("round_ended")

        assert (await host.command("end"))["type"] == "ack"
        for p in everyone:
            ended = await p.wait_for("meeting_ended")
            assert ended["by"] is not None
            assert await p.closed() == 1000
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await close_all(*everyone, otter, gull if "gull" in locals() else host)

    for p in [*everyone, otter]:
        assert_strictly_increasing(p)
    # Exactly one expiry, though three workers ran the clock.
    for p in everyone:
        assert [e for e in p.events if e["type"] == "floor_released" and e["reason"] == "expired"]
        assert len([e for e in p.events if e["type"] == "floor_released"]) == len(
            {(e["turn_id"], e["participant_id"]) for e in p.events if e["type"] == "floor_released"}
        )
    # Everyone in the room from Lark's arrival on saw the same events, in the same order.
    assert lark.welcome is not None
    since = lark.welcome["seq"]
    reference = public(host, since)
    assert reference[-1][1] == "meeting_ended"
    assert len(reference) >= 12
    for p in everyone:
        assert public(p, since) == reference, p.name
        assert public_events(p, since) == public_events(host, since), p.name
    # Those who were there from the start agree from the start.
    start = max(p.welcome["seq"] for p in [host, amber, heron, wren, otter] if p.welcome)
    for p in [amber, heron, wren]:
        assert public(p, start) == public(host, start), p.name
    # The removed one saw the same prefix, up to its own removal.
    cut = removed["seq"]
    assert public(otter, start, cut) == public(host, start, cut)


def _person(client: Client) -> dict[str, object]:
    assert client.welcome is not None
    you = client.welcome["you"]
    return {
        "id": you["id"],
        "pseudonym": you["pseudonym"],
        "role": you["role"],
        "muted": False,
        "hand_raised": False,
        "cohost": False,
    }


async def test_changes_made_through_any_worker_reach_the_room_on_the_others(
    cluster: Cluster,
) -> None:
    """The organiser's requests land on A, which has nobody in the room: the pinned
    resource and the cancellation still reach the people on B and C."""
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a)
    host = await facilitator(b, meeting)
    amber = await join(c, meeting, pseudonym="Amber Fox")
    try:
        crisis = {"title": "Crisis line", "url": "https://crisis.example/", "kind": "crisis"}
        r = meeting.organiser.post(f"/api/groups/{meeting.group_id}/resources", json=crisis)
        assert r.status_code == 201, r.text
        for client in (host, amber):
            changed = await client.wait_for("resources_changed")
            assert [x["title"] for x in changed["resources"]] == ["Crisis line"]

        r = meeting.organiser.patch(f"/api/meetings/{meeting.id}", json={"cancelled": True})
        assert r.status_code == 200, r.text
        for client in (host, amber):
            assert (await client.wait_for("meeting_ended"))["by"] is None
            assert await client.closed() == 1000
    finally:
        await close_all(host, amber)
