"""The room log on a Redis Cluster: the same script and keys, sharded pub/sub.

A room's keys and channel share the hash tag {meeting_id}, so one shard holds the
whole room and append.lua publishes with SPUBLISH on that shard. Each worker keeps
one pub/sub connection per primary that owns a subscribed room (SSUBSCRIBE must be
sent to the slot's owner). redis-py's ClusterPubSub polls its per-node connections
in turn, each with its own timeout, which would add latency to every delivery, and
it reconnects silently, which would hide lost deliveries from the hub; so this
module reads each shard in its own task and, on any trouble (a shard gone, a slot
moved away, a failover), drops every shard connection, re-reads the slot map,
subscribes again and calls the on_reconnect hooks so that every room resyncs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.asyncio.cluster import ClusterNode, PipelineCommand, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import NoScriptError, RedisError

from server.log.base import Deliver
from server.log.redis import BACKOFF_MAX, SCRIPT, RedisRoomLog, _room_of, _text, channel

log = logging.getLogger("hearth.log.redis")


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


class _Shard:
    """One pub/sub connection to one primary, read by its own task until it fails."""

    def __init__(self, node: ClusterNode, cluster: RedisCluster) -> None:
        kwargs = cluster.get_connection_kwargs()
        self._client = aioredis.Redis(
            host=node.host,
            port=int(node.port),
            username=kwargs.get("username"),
            password=kwargs.get("password"),
            ssl=bool(kwargs.get("ssl", False)),
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


class RedisClusterRoomLog(RedisRoomLog):
    publish = b"SPUBLISH"

    def __init__(self, urls: str, wait_ms: int = 100, **kwargs: Any) -> None:
        super().__init__(urls, **kwargs)
        self._wait_ms = wait_ms
        self._shards: dict[str, _Shard] | None = None
        self._replan = asyncio.Event()
        self._readers: dict[str, asyncio.Task[None]] = {}

    def _connect(self, url: str) -> Any:
        return cluster_client(url)

    async def _run_script(self, keys: list[str], args: list[Any]) -> Any:
        """Runs append.lua on the room's primary, then WAITs for a replica on the same connection.

        Replication is asynchronous: without WAIT, a primary that dies right after
        acknowledging can take the entry with it while its replica takes over, and
        an acknowledged message is gone. WAIT counts replicas that have this
        connection's writes, so it must follow the script on the same connection.
        A missing replica (just after a failover) only delays the answer by
        wait_ms; the entry is kept and acknowledged all the same.
        """
        node: ClusterNode = self._client.get_node_from_key(keys[0])
        evalsha = ("EVALSHA", self._script.sha, len(keys), *keys, *args)
        commands = [PipelineCommand(0, *evalsha)]
        if self._wait_ms > 0:
            commands.append(PipelineCommand(1, "WAIT", 1, self._wait_ms))
        try:
            await node.execute_pipeline(commands)
            if isinstance(commands[0].result, NoScriptError):  # not run: load it and run again
                await node.execute_command("SCRIPT", "LOAD", SCRIPT)
                for command in commands:
                    command.result = None
                await node.execute_pipeline(commands)
        except (RedisError, OSError):
            self._replan.set()  # the slot may have moved: read the slot map again
            raise
        if isinstance(commands[0].result, Exception):
            self._replan.set()
            raise commands[0].result
        return commands[0].result

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver
        # The slot map first: commands racing its first read find their connections closed.
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2):
                await self._client.initialize()
        self._listener = asyncio.create_task(self._supervise(), name="redis cluster pubsub")

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.wait({self._listener})
        await self._drop_shards()
        with contextlib.suppress(Exception):
            await self._client.aclose()

    async def subscribe(self, room: str) -> None:
        self._rooms.add(room)
        if self._shards is None:
            return  # the supervisor subscribes every room when it (re)connects
        try:
            await self._shard_of(self._shards, room).ssubscribe(channel(room))
        except (RedisError, OSError):
            self._replan.set()

    async def unsubscribe(self, room: str) -> None:
        self._rooms.discard(room)
        if self._shards is None:
            return
        with contextlib.suppress(RedisError, OSError):
            node = self._client.get_node_from_key(channel(room))
            shard = self._shards.get(node.name)
            if shard is not None and shard.subscribed.is_set():
                await shard.pubsub.sunsubscribe(channel(room))

    def _shard_of(self, shards: dict[str, _Shard], room: str) -> _Shard:
        node: ClusterNode = self._client.get_node_from_key(channel(room))
        if node.name not in shards:
            shards[node.name] = _Shard(node, self._client)
            reader = asyncio.create_task(self._read(shards[node.name]))
            # A reader ends only on trouble (or when cancelled): then every shard is rebuilt.
            reader.add_done_callback(self._reader_done)
            self._readers[node.name] = reader
        return shards[node.name]

    def _reader_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled():
            self._replan.set()

    async def _supervise(self) -> None:
        """Keeps one subscribed connection per shard; rebuilds them all on any trouble."""
        delay = 0.05
        fresh = True
        while True:
            self._readers = {}
            self._replan.clear()
            try:
                await self._client.initialize()
                if not fresh:
                    # After a failover the cached slot map still names the dead primary.
                    await self._client.nodes_manager.initialize()
                fresh = False
                # Every primary answers before the hooks run and readers are trusted.
                await self._client.ping(target_nodes=RedisCluster.PRIMARIES)
                shards: dict[str, _Shard] = {}
                self._shards = shards
                for room in list(self._rooms):
                    await self._shard_of(shards, room).ssubscribe(channel(room))
                for hook in list(self._reconnect_hooks):
                    hook()
                delay = 0.05
                await self._replan.wait()
                for task in list(self._readers.values()):
                    if task.done() and task.exception() is not None:
                        raise task.exception()  # type: ignore[misc]
                log.info("redis cluster slots moved; subscribing again")
                await self._drop_shards()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("redis cluster pub/sub lost (%s); reconnecting", type(exc).__name__)
                await self._drop_shards()
                await asyncio.sleep(delay)
                delay = min(BACKOFF_MAX, delay * 2)

    async def _drop_shards(self) -> None:
        shards, self._shards = self._shards, None
        readers, self._readers = self._readers, {}
        for task in readers.values():
            task.cancel()
        if readers:
            await asyncio.wait(set(readers.values()))
        for shard in (shards or {}).values():
            await shard.close()

    async def _read(self, shard: _Shard) -> None:
        """Delivers a shard's messages; returns when one of our rooms' slots moved away."""
        await shard.subscribed.wait()
        while True:
            message = await shard.pubsub.get_message(timeout=1.0)
            if message is None:
                continue
            kind = _text(message["type"])
            if kind == "smessage":
                self._on_message(message)
            elif kind == "sunsubscribe" and _room_of(_text(message["channel"])) in self._rooms:
                return  # Redis unsubscribes us itself when a slot changes owner
