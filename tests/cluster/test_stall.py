"""A worker stalls (SIGSTOP) while the room is busy: Redis drops its pub/sub connection.

When it wakes it must notice the gap by seq and refill from the stream, so that its
clients still see every event, in order, as a client of a healthy worker does.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.cluster.cluster import (
    Cluster,
    MakeCluster,
    assert_strictly_increasing,
    close_all,
    facilitator,
    join,
    public,
    public_events,
    settle,
)
from tests.service.rooms import create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

TEXT = "x" * 1900  # each entry ~2 KB on the pub/sub connection
BATCH = 25
FLOOD_SECONDS_MAX = 6.0  # below the heartbeat TTL (10 s): the stalled worker is not swept
OVERFLOW = "output buffer limits"


def overflowed(redis_log: Path) -> bool:
    return OVERFLOW in redis_log.read_text(errors="replace")


async def _flood(client: Client, stop: asyncio.Event) -> int:
    """Sends messages in batches until told to stop; every one must be acked."""
    sent = 0
    while not stop.is_set():
        for _ in range(BATCH):
            await client.send(
                {"type": "say", "id": f"{client.name}-{sent}", "text": f"{sent} {TEXT}"}
            )
            sent += 1
        async with asyncio.timeout(30):
            while sum(1 for f in client.frames if f["type"] in {"ack", "error"}) < sent:
                await client.recv(30)
    errors = [f for f in client.frames if f["type"] == "error"]
    assert not errors, errors[:3]
    return sent


async def _watch(redis_log: Path, stop: asyncio.Event) -> float:
    started = time.monotonic()
    for _ in range(int(FLOOD_SECONDS_MAX * 10)):
        if overflowed(redis_log):
            break
        await asyncio.sleep(0.1)
    stop.set()
    return time.monotonic() - started


async def test_a_stalled_worker_refills_the_gap(make_cluster: MakeCluster) -> None:
    cluster: Cluster = make_cluster(
        redis_args=("--client-output-buffer-limit", "pubsub 64kb 32kb 1"),
        HEARTH_RATE_LIMIT_COMMANDS="10000",
        HEARTH_RATE_LIMIT_WINDOW_SECONDS="1",
    )
    a, b, c = cluster.a, cluster.b, cluster.c
    redis_log = cluster.redis.workdir / "redis.log"
    meeting = create_meeting(a, crosstalk=True)
    host = await facilitator(a, meeting)
    healthy = await join(a, meeting, pseudonym="Healthy Hare")
    stalled = await join(c, meeting, pseudonym="Sleepy Seal")
    senders = [await join(s, meeting, pseudonym=f"Sender {i}") for i, s in enumerate((a, b) * 3)]
    for i, s in enumerate(senders):
        s.name = f"s{i}"
    everyone = [host, healthy, stalled, *senders]
    try:
        await host.command("say", text="start")
        await stalled.wait_for("message", text="start")
        await settle(*everyone)
        start = stalled.last_seq

        cluster.pause(c)
        stop = asyncio.Event()
        watch = asyncio.create_task(_watch(redis_log, stop))
        counts = await asyncio.gather(*(_flood(s, stop) for s in senders))
        took = await watch
        cluster.resume(c)
        print(f"flooded {sum(counts)} messages in {took:.1f} s")
        assert overflowed(redis_log), (
            f"{sum(counts)} messages in {took:.1f} s did not overflow C's pub/sub buffer"
        )

        assert (await host.command("say", text="the end"))["type"] == "ack"
        await healthy.wait_for("message", timeout=30, text="the end")
        await stalled.wait_for("message", timeout=30, text="the end")
        await settle(healthy, stalled)
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await close_all(*everyone)

    # It was C's subscriber that Redis dropped: C had a real gap to refill.
    assert "pub/sub lost" in c.log()
    reference = public(healthy, start)
    assert len(reference) >= sum(counts) + 1
    assert_strictly_increasing(stalled)
    got = public(stalled, start)
    missing = sorted(set(reference) - set(got))
    assert got == reference, f"{len(missing)} events missing on the stalled worker: {missing[:5]}"
    assert public_events(stalled, start) == public_events(healthy, start)
