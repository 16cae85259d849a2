"""Mistakes an operator can make with HEARTH_REDIS_CLUSTER, and what they then see."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from server.log.base import LogEntry, LogUnavailable
from server.log.redis_cluster import RedisClusterRoomLog
from tests.redis_cluster import RedisCluster
from tests.redis_server import RedisServer

pytestmark = pytest.mark.redis


async def test_a_plain_redis_in_cluster_mode_is_unavailable_and_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = RedisServer(tmp_path / "redis")
    server.start()
    impl = RedisClusterRoomLog(server.url)
    try:
        with caplog.at_level(logging.WARNING, "hearth.log.redis"):
            await impl.start(lambda entry: None)
            with pytest.raises(LogUnavailable):
                await impl.append("m1", b"x", 60)
            with pytest.raises(LogUnavailable):
                await impl.ping()
            for _ in range(50):  # the supervisor's warning names the mistake
                if "Cluster mode is not enabled" in caplog.text:
                    break
                await asyncio.sleep(0.1)
            assert "Cluster mode is not enabled" in caplog.text
    finally:
        await impl.close()
        server.stop()


async def test_a_history_that_went_back_in_a_failover_is_a_lost_history(
    redis_cluster: RedisCluster,
) -> None:
    """A replica promoted without the last entries would give their seqs out again."""
    redis_cluster.flush()
    impl = RedisClusterRoomLog(redis_cluster.url)
    delivered: list[LogEntry] = []
    await impl.start(delivered.append)
    try:
        await impl.subscribe("m1")
        first = [await impl.append("m1", b"x", 60) for _ in range(3)]
        # What the promoted replica holds: the first entry only.
        primary = redis_cluster.primary_of("m1")
        redis_cluster.call(primary, "set", "hearth:{m1}:seq", "1")
        redis_cluster.call(primary, "del", "hearth:{m1}:log")
        redis_cluster.call(primary, "xadd", "hearth:{m1}:log", "0-1", "a", "0", "p", "x")
        with pytest.raises(LogUnavailable):
            await impl.append("m1", b"y", 60)
        again = await impl.append("m1", b"z", 60)
        assert again.epoch != first[0].epoch and again.seq == 1  # peers see history_lost
        assert [e.payload for e in await impl.history("m1")] == [b"z"]
    finally:
        await impl.close()
