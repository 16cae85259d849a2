"""After the end of a meeting its room log expires within the retention period."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from tests.cluster.cluster import RETENTION_SECONDS, Cluster, close_all, facilitator, join
from tests.service.rooms import create_meeting

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def keys(meeting_id: str) -> list[str]:
    return [f"hearth:{{{meeting_id}}}:{k}" for k in ("seq", "log", "epoch")]


async def test_the_room_log_expires_after_the_end(cluster: Cluster) -> None:
    meeting = create_meeting(cluster.a, duration_minutes=120)
    host = await facilitator(cluster.a, meeting)
    amber = await join(cluster.b, meeting, pseudonym="Amber Fox")
    heron = await join(cluster.c, meeting, pseudonym="Quiet Heron")
    r = aioredis.Redis.from_url(cluster.redis.url)
    try:
        await amber.command("say", text="something private")
        await heron.wait_for("message", text="something private")
        # While the meeting runs the log lives at least until its scheduled end.
        for key in keys(meeting.id):
            assert await r.ttl(key) > 60 * 60, key

        assert (await host.command("end"))["type"] == "ack"
        for p in (host, amber, heron):
            await p.wait_for("meeting_ended")
            assert await p.closed() == 1000

        # Each worker's goodbyes are done; nothing extends the log again.
        await asyncio.sleep(2)
        for key in keys(meeting.id):
            ttl = await r.ttl(key)
            assert 0 < ttl <= RETENTION_SECONDS, (key, ttl)
        entries = await r.xrange(keys(meeting.id)[1])
        assert entries, "the log is still readable until it expires"
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await r.aclose()
        await close_all(host, amber, heron)
