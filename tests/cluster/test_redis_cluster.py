"""Workers on a Redis Cluster (HEARTH_REDIS_CLUSTER=1): meetings flow, and survive a failover."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cluster.cluster import (
    Cluster,
    assert_strictly_increasing,
    close_all,
    facilitator,
    join,
    public_events,
    settle,
    start_cluster,
)
from tests.redis_cluster import RedisCluster
from tests.service.rooms import create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

FAILOVER_SECONDS = 20


@pytest.fixture
def on_cluster(tmp_path: Path, postgres_url: str, redis_cluster: RedisCluster) -> Iterator[Cluster]:
    redis_cluster.flush()
    workers = start_cluster(
        tmp_path / "workers", postgres_url, 3, redis_url=redis_cluster.url, HEARTH_REDIS_CLUSTER="1"
    )
    yield workers
    workers.shutdown()
    for server in workers.servers:
        log = server.log()
        assert "Traceback" not in log and " ERROR " not in log, log[-3000:]


async def test_meetings_on_different_shards_flow_across_workers(
    on_cluster: Cluster, redis_cluster: RedisCluster
) -> None:
    a, b, c = on_cluster.a, on_cluster.b, on_cluster.c
    meetings = [create_meeting(a) for _ in range(3)]
    while len({redis_cluster.primary_of(m.id) for m in meetings}) < 2:
        meetings.append(create_meeting(a))  # rooms on at least two shards
    shards = {redis_cluster.primary_of(m.id) for m in meetings}
    people: list[Client] = []
    try:
        for meeting in meetings:
            host = await facilitator(a, meeting)
            amber = await join(b, meeting, pseudonym="Amber Fox")
            heron = await join(c, meeting, pseudonym="Quiet Heron")
            people += [host, amber, heron]
            for speaker in (host, amber, heron):
                text = f"{meeting.id} from {speaker.name}"
                assert (await speaker.command("say", text=text))["type"] == "ack"
                for listener in (host, amber, heron):
                    if listener is not speaker:
                        await listener.wait_for("message", text=text)
            await settle(host, amber, heron)
            since = _joined(host, amber, heron)
            assert public_events(amber, since) == public_events(host, since)
            assert public_events(heron, since) == public_events(host, since)
    except BaseException:
        print(on_cluster.logs())
        raise
    finally:
        await close_all(*people)
    print(f"{len(meetings)} meetings on {len(shards)} shards")


async def test_primary_failover_mid_meeting_loses_nothing_acknowledged(
    on_cluster: Cluster, redis_cluster: RedisCluster
) -> None:
    a, b, c = on_cluster.a, on_cluster.b, on_cluster.c
    meeting = create_meeting(a)
    host = await facilitator(a, meeting)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    heron = await join(c, meeting, pseudonym="Quiet Heron")
    everyone = (host, amber, heron)
    old = redis_cluster.primary_of(meeting.id)
    # A meeting on another shard, with people on the same workers, is not affected.
    elsewhere = next(
        m for m in (create_meeting(a) for _ in range(20)) if redis_cluster.primary_of(m.id) != old
    )
    lark = await join(a, elsewhere, pseudonym="Lark")
    wren = await join(b, elsewhere, pseudonym="Wren")
    acked: list[str] = []
    refused = 0
    try:
        assert (await amber.command("say", text="before")).get("type") == "ack"
        acked.append("before")
        await settle(*everyone)
        # Acknowledged, then the primary dies at once: the replica must have it (WAIT).
        assert (await heron.command("say", text="last word")).get("type") == "ack"
        acked.append("last word")
        redis_cluster.kill(old)
        failover = asyncio.create_task(
            asyncio.to_thread(redis_cluster.wait_failover, meeting.id, old, FAILOVER_SECONDS)
        )
        # Speakers keep talking through the failover: each command is answered, an ack
        # or `unavailable`, never silence; after it, acks come again.
        i = 0
        after = 0
        async with asyncio.timeout(FAILOVER_SECONDS + 10):
            while after < 3:
                speaker = everyone[i % 3]
                text = f"m{i} from {speaker.name}"
                reply = await speaker.command("say", text=text)
                if reply["type"] == "ack":
                    acked.append(text)
                    after += failover.done()
                else:
                    assert reply.get("code") == "unavailable", reply
                    refused += 1
                    # Meanwhile the other shard's meeting goes on, delivered across workers.
                    reply = await lark.command("say", text=f"elsewhere {i}")
                    assert reply["type"] == "ack", reply
                    await wren.wait_for("message", text=f"elsewhere {i}")
                i += 1
                await asyncio.sleep(0.1)
        await failover
        assert refused > 0  # the outage was real, and said so
        # Ready again although the new primary has no replica yet (its old primary is down).
        r = await asyncio.to_thread(httpx.get, f"{a.url}/readyz", timeout=5)
        assert r.status_code == 200, r.text
        print(f"{len(acked)} acked, {refused} refused during the failover")

        # Every acknowledged message reaches everyone, once, in one order.
        for listener in everyone:
            for text in acked:
                if not _has(listener, "message", text=text):
                    await listener.wait_for("message", text=text, timeout=FAILOVER_SECONDS)
        await settle(*everyone)
        for client in everyone:
            assert not _has(client, "history_lost"), client.name
            assert_strictly_increasing(client)
            said = [e["text"] for e in client.events if e["type"] == "message"]
            assert sorted(said) == sorted(acked), client.name
        since = _joined(*everyone)
        assert public_events(amber, since) == public_events(host, since)
        assert public_events(heron, since) == public_events(host, since)
    except BaseException:
        print(on_cluster.logs())
        raise
    finally:
        await close_all(*everyone, lark, wren)
        redis_cluster.start_node(old)  # back as a replica, for the tests after this one
        await asyncio.to_thread(redis_cluster.wait_ok)


def _has(client: Client, type_: str, **match: Any) -> bool:
    return any(
        f["type"] == type_ and all(f.get(k) == v for k, v in match.items()) for f in client.frames
    )


def _joined(*clients: Client) -> int:
    """The seq after which every one of them was in the room."""
    seqs: list[int] = [c.welcome["seq"] for c in clients if c.welcome]
    return max(seqs)
