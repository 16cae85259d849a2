"""A worker is stopped (SIGSTOP) long enough for the others to take it for dead.

Its people's connections stay open the whole time: on waking the worker takes them
back (same participant, same place), and what they typed meanwhile is not a flood.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.cluster.cluster import Cluster, MakeCluster, close_all, facilitator, join
from tests.service.rooms import create_meeting

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

GRACE = 20
STOPPED_SECONDS = 16  # past the heartbeat TTL (10 s) and a heartbeat period (3 s)


async def test_a_stopped_worker_keeps_its_people_and_their_queued_words(
    make_cluster: MakeCluster,
) -> None:
    cluster: Cluster = make_cluster(
        workers=2,
        HEARTH_RESUME_GRACE_SECONDS=str(GRACE),
        HEARTH_RATE_LIMIT_COMMANDS="10",
        HEARTH_RATE_LIMIT_WINDOW_SECONDS="5",
    )
    a, b = cluster.a, cluster.b
    meeting = create_meeting(a, crosstalk=True)
    host = await facilitator(a, meeting)
    sleeper = await join(b, meeting, pseudonym="Sleepy Seal")
    try:
        cluster.pause(b)
        stopped_at = time.monotonic()
        for i in range(STOPPED_SECONDS):
            await sleeper.send({"type": "say", "id": f"z{i}", "text": f"while you slept {i}"})
            await asyncio.sleep(1)
        cluster.resume(b)

        for i in range(STOPPED_SECONDS):
            reply = await sleeper.wait_for("ack", timeout=30, id=f"z{i}")
            assert reply["seq"], reply
            await host.wait_for("message", timeout=10, text=f"while you slept {i}")
        refused = [f for f in sleeper.frames if f["type"] == "error"]
        assert not refused, refused

        # Past the moment the sweep's grace would have run out, nobody has left.
        await asyncio.sleep(max(0.0, stopped_at + 13 + GRACE + 3 - time.monotonic()))
        assert (await sleeper.command("say", text="still here"))["type"] == "ack"
        said = await host.wait_for("message", text="still here")
        assert said["participant_id"] == sleeper.me
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await close_all(host, sleeper)
    left = [e for e in host.events if e["type"] == "left"]
    assert not left, left
