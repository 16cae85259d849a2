"""The connections of the cluster room log: the cluster client, and one shard's pub/sub.

Both are built with retries off: the room log decides what a failure means (an
append is never sent twice; a lost pub/sub connection means a resync), not redis-py.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.connection import Connection, SSLConnection
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


def cluster_client(urls: str) -> RedisCluster:
    """A cluster client from seed nodes: `redis://h1:p1/0,redis://h2:p2/0` (any one will do).

    Commands are not retried after a connection error: an append whose answer was
    lost may have been applied, and the caller must be told rather than have it
    applied twice. MOVED and ASK redirections are still followed.
    """
    parts = [urlsplit(u.strip()) for u in urls.split(",") if u.strip()]
    nodes = [ClusterNode(p.hostname or "127.0.0.1", p.port or 6379) for p in parts]
    first = parts[0]
    return RedisCluster(
        startup_nodes=nodes,
        username=first.username,
        password=first.password,
        ssl=first.scheme == "rediss",
        retry=Retry(NoBackoff(), 0),
        socket_connect_timeout=2,
        socket_timeout=5,
    )


class Shard:
    """One pub/sub connection to one primary, read by its own task until it fails."""

    def __init__(self, node: ClusterNode, cluster: RedisCluster) -> None:
        kwargs = cluster.get_connection_kwargs()
        connection_class: type[Connection] = kwargs.get("connection_class") or Connection
        self._client = aioredis.Redis(
            host=node.host,
            port=int(node.port),
            username=kwargs.get("username"),
            password=kwargs.get("password"),
            ssl=issubclass(connection_class, SSLConnection),
            socket_connect_timeout=2,
            health_check_interval=10,
            retry=Retry(NoBackoff(), 0),
        )
        self.pubsub: Any = self._client.pubsub()
        self.subscribed = asyncio.Event()

    async def ssubscribe(self, *channels: str) -> None:
        await self.pubsub.ssubscribe(*channels)
        self.subscribed.set()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.pubsub.aclose()
        with contextlib.suppress(Exception):
            await self._client.aclose()
