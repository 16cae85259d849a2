"""create_room_log picks the backend from the settings, as HEARTH_REDIS_URL says."""

from __future__ import annotations

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
