"""Picks the room log a deployment runs on: Redis (or Redis Cluster with HEARTH_REDIS_CLUSTER)
when HEARTH_REDIS_URL is set, else memory."""

from __future__ import annotations

from server.config import Settings
from server.log.base import RoomLog
from server.log.memory import MemoryRoomLog


def create_room_log(settings: Settings) -> RoomLog:
    """A new, not yet started room log for these settings.

    The Redis backend is imported only when it is used, so that a single-process
    deployment never loads redis-py or reads append.lua.
    """
    if settings.redis_url and settings.redis_cluster:
        from server.log.redis_cluster import RedisClusterRoomLog

        return RedisClusterRoomLog(settings.redis_url, wait_ms=settings.redis_wait_ms)
    if settings.redis_url:
        from server.log.redis import RedisRoomLog

        return RedisRoomLog(settings.redis_url)
    return MemoryRoomLog()
