"""kill -9 of a worker mid-meeting: its people resume elsewhere; the absent are swept."""

from __future__ import annotations

import asyncio
import signal
import time

import pytest

from tests.cluster.cluster import (
    GRACE_SECONDS,
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

SWEEP_SECONDS = 25  # heartbeat TTL + heartbeat period + grace, with room to spare


async def test_a_killed_workers_participants_resume_elsewhere_or_time_out(
    make_cluster: MakeCluster,
) -> None:
    cluster: Cluster = make_cluster()
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a, share_seconds=30)
    host = await facilitator(a, meeting)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    heron = await join(c, meeting, pseudonym="Quiet Heron")
    wren = await join(c, meeting, pseudonym="Blue Wren")  # never comes back
    heron2: Client | None = None
    try:
        await heron.command("raise_hand")
        await host.command("grant")
        await amber.wait_for("floor_granted", participant_id=heron.me)
        await heron.command("say", text="before the crash")
        await settle(host, amber, heron, wren)

        # Commands keep flowing while C dies, so some may be lost on the way to C's people.
        talk = asyncio.create_task(_talk(host, amber, 6))
        await asyncio.sleep(0.05)
        c.stop(signal.SIGKILL)
        await talk
        killed_at = time.monotonic()

        # Heron had only what C sent before it died; it resumes on B with that.
        before = heron.last_seq
        heron2 = await Client.connect(ws_url(b, meeting), "heron2")
        resumed = await heron2.hello(resume={"token": resume_token(heron), "last_seq": before})
        assert resumed["type"] == "welcome", resumed
        assert resumed["you"]["id"] == heron.me
        assert resumed["state"]["floor"]["participant_id"] == heron.me
        assert (await heron2.command("say", text="still sharing"))["type"] == "ack"
        await amber.wait_for("message", text="still sharing")

        # Wren, whose worker died, is swept by the survivors: left, reason timeout.
        gone = await host.wait_for("left", timeout=SWEEP_SECONDS, participant_id=wren.me)
        took = time.monotonic() - killed_at
        assert gone["reason"] == "timeout"
        assert took >= GRACE_SECONDS - 0.5, took
        await amber.wait_for("left", participant_id=wren.me)
        await heron2.wait_for("left", participant_id=wren.me)

        # Heron, resumed, was not swept with the dead worker: still here, still sharing.
        assert (await heron2.command("yield"))["type"] == "ack"
        await host.wait_for("floor_released", participant_id=heron.me, reason="yielded")
        await settle(host, amber, heron2, quiet=1.0)
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await close_all(host, amber, heron, wren, *([heron2] if heron2 else []))

    assert not [e for e in host.events if e["type"] == "left" and e["participant_id"] == heron.me]
    assert_strictly_increasing(heron2)
    texts = [e["text"] for e in heron2.events if e["type"] == "message"]
    said = [e["text"] for e in host.events if e["type"] == "message" and e["seq"] > before]
    assert texts == said
    reference = public(host, before)
    assert public(heron2, before) == reference
    assert public(amber, before) == reference
    # Heron before the crash plus after the resume: one unbroken history.
    joined = public(heron, 0) + public(heron2, before)
    assert joined == public(host, heron.welcome["seq"] if heron.welcome else 0)


async def _talk(host: Client, amber: Client, n: int) -> None:
    for i in range(n):
        assert (await host.command("say", text=f"host {i}"))["type"] == "ack"
        assert (await amber.command("react", message_id="m1", emoji="❤️"))["type"] in {
            "ack",
            "error",
        }
