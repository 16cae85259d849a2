"""Mistakes an operator can make with HEARTH_REDIS_CLUSTER, and what they then see."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from server.log.base import LogUnavailable
from server.log.redis_cluster import RedisClusterRoomLog
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
