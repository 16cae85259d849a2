"""The issue's scenario: a meeting over three workers survives a kill and a Redis restart."""

from __future__ import annotations

import signal

import pytest

from tests.cluster.cluster import (
    PRIVATE_EVENTS,
    Cluster,
    MakeCluster,
    assert_strictly_increasing,
    close_all,
    facilitator,
    join,
    public,
    resume_token,
    settle,
    ws_url,
)
from tests.service.rooms import create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def since_last_welcome(client: Client) -> list[tuple[int, str]]:
    """(seq, type) of public events received after the client's latest welcome."""
    last = max(i for i, f in enumerate(client.frames) if f["type"] == "welcome")
    return [
        (f["seq"], f["type"])
        for f in client.frames[last + 1 :]
        if "seq" in f and f["type"] not in {"ack", *PRIVATE_EVENTS}
    ]


async def test_a_meeting_over_three_workers_survives_a_kill_and_a_redis_restart(
    make_cluster: MakeCluster,
) -> None:
    cluster: Cluster = make_cluster()
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a, lobby=True)
    host = await facilitator(a, meeting)
    people: dict[str, Client] = {}
    for name, server in [("Amber Fox", b), ("Quiet Heron", c), ("Blue Wren", b), ("Calm Otter", c)]:
        client = await join(server, meeting, pseudonym=name)
        knock = await host.wait_for("knock", pseudonym=name)
        await host.command("admit", participant_id=knock["participant_id"])
        await client.wait_for("welcome")
        people[name] = client
    amber, heron, wren, otter = people.values()
    clients = [host, amber, heron, wren, otter]
    try:
        # Turn-taking across workers.
        await heron.command("raise_hand")
        await amber.command("raise_hand")
        await host.command("grant")
        await wren.wait_for("floor_granted", participant_id=heron.me)
        assert (await heron.command("say", text="sharing from C"))["type"] == "ack"
        assert (await amber.command("say", text="crosstalk"))["code"] == "not_your_turn"
        await heron.command("yield")
        await host.command("mute", participant_id=otter.me)
        await settle(*clients)
        assert otter.welcome is not None
        since = otter.welcome["seq"]  # everyone is in from here on
        assert public(amber, since) == public(wren, since) == public(heron, since)
        assert public(host, since) == public(amber, since)
        assert len(public(host, since)) == 7  # hands, grant, share, yield, mute

        # Worker C dies; Heron resumes on A, Otter on B, and nothing is lost or doubled.
        c.stop(signal.SIGKILL)
        await host.command("say", text="while C was down")
        moved = {}
        for old, server in [(heron, a), (otter, b)]:
            fresh = await Client.connect(ws_url(server, meeting), old.name)
            reply = await fresh.hello(resume={"token": resume_token(old), "last_seq": old.last_seq})
            assert reply["type"] == "welcome" and reply["you"]["id"] == old.me
            moved[old.me] = fresh
        heron2, otter2 = moved[heron.me], moved[otter.me]
        await host.command("unmute", participant_id=otter.me)
        await settle(host, amber, wren, heron2, otter2)
        for resumed, old in [(heron2, heron), (otter2, otter)]:
            gap = public(resumed)
            assert gap == public(amber, old.last_seq, gap[-1][0])
            assert_strictly_increasing(resumed)

        # Redis restarts empty: everyone is told, gets a fresh welcome, and carries on.
        live = [host, amber, wren, heron2, otter2]
        cluster.redis.restart()
        for client in live:
            await client.wait_for("history_lost", timeout=20)
            await client.wait_for("welcome", timeout=20)
        assert (await amber.command("say", text="after the restart"))["type"] == "ack"
        for client in live:
            await client.wait_for("message", text="after the restart")
        await host.command("end")
        for client in live:
            await client.wait_for("meeting_ended")
            assert await client.closed() == 1000

        # Within the new history, every participant saw the same events in the same order.
        start = max(x.welcome["seq"] for x in live if x.welcome)
        logs = [[e for e in since_last_welcome(x) if e[0] > start] for x in live]
        assert logs[0] and all(log == logs[0] for log in logs), logs
    finally:
        await close_all(*clients, *[x for x in locals().get("moved", {}).values()])
