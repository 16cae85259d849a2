"""create_room_log picks the backend from the settings, as HEARTH_REDIS_URL says."""

from __future__ import annotations

import pytest

from server.config import Settings
from server.log.factory import create_room_log
from server.log.memory import MemoryRoomLog


def test_without_a_redis_url_the_log_is_in_memory() -> None:
    assert isinstance(create_room_log(Settings()), MemoryRoomLog)


async def test_with_a_redis_url_the_log_is_redis() -> None:
    from server.log.redis import RedisRoomLog

    # Building it connects nowhere: the URL is not even reachable.
    room_log = create_room_log(Settings(redis_url="redis://127.0.0.1:1/0"))
    assert isinstance(room_log, RedisRoomLog)
    await room_log.close()


async def test_with_redis_cluster_set_the_log_uses_the_cluster_and_the_seed_nodes() -> None:
    from server.config import ConfigError
    from server.log.redis_cluster import RedisClusterRoomLog

    env = {
        "HEARTH_REDIS_URL": "redis://127.0.0.1:1/0,redis://127.0.0.1:2/0",
        "HEARTH_REDIS_CLUSTER": "1",
        "HEARTH_REDIS_WAIT_MS": "50",
    }
    settings = Settings.from_env(env)
    assert settings.redis_cluster and settings.redis_wait_ms == 50
    room_log = create_room_log(settings)
    assert isinstance(room_log, RedisClusterRoomLog)
    await room_log.close()  # built without connecting anywhere
    with pytest.raises(ConfigError, match="HEARTH_REDIS_WAIT_MS"):
        Settings.from_env({**env, "HEARTH_REDIS_WAIT_MS": "soon"})


def test_redis_cluster_without_seed_nodes_is_a_clear_config_error() -> None:
    from server.config import ConfigError

    for url in ("", " , ", "127.0.0.1:7000"):
        env = {"HEARTH_REDIS_CLUSTER": "1", "HEARTH_REDIS_URL": url}
        with pytest.raises(ConfigError, match=r"HEARTH_REDIS_URL.*seed nodes"):
            Settings.from_env(env)
