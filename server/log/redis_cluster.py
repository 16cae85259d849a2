"""The room log on a Redis Cluster: the same script and keys, sharded pub/sub.

A room's keys and channel share the hash tag {meeting_id}, so one shard holds the
whole room and append.lua publishes with SPUBLISH on that shard. Each worker keeps
one pub/sub connection per primary that owns a subscribed room (SSUBSCRIBE must be
sent to the slot's owner). redis-py's ClusterPubSub polls its per-node connections
in turn, each with its own timeout, which would add latency to every delivery, and
it reconnects silently, which would hide lost deliveries from the hub; so this
module reads each shard in its own task. When a shard's connection fails or a
room's slot moves (a failover), the supervisor re-reads the slot map, subscribes
the rooms of that shard on their new owner with capped backoff, leaving working
shards alone, and calls the on_reconnect hooks so that every room resyncs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from redis.asyncio.cluster import ClusterNode, PipelineCommand, RedisCluster
from redis.exceptions import NoScriptError, RedisClusterException

from server.log.base import Deliver, LogEntry, LogUnavailable
from server.log.redis import (
    BACKOFF_MAX,
    ERRORS,
    SCRIPT,
    RedisRoomLog,
    _room_of,
    _text,
    channel,
    epoch_key,
)
from server.log.redis_cluster_client import Shard, cluster_client

log = logging.getLogger("hearth.log.redis")


class RedisClusterRoomLog(RedisRoomLog):
    publish = b"SPUBLISH"

    def __init__(self, urls: str, wait_ms: int = 100, **kwargs: Any) -> None:
        super().__init__(urls, **kwargs)
        self._wait_ms = wait_ms
        self._shards: dict[str, Shard] = {}
        self._readers: dict[str, asyncio.Task[None]] = {}
        self._room_shard: dict[str, str] = {}  # subscribed room -> the shard it is on
        self._replan = asyncio.Event()
        self._closing = False
        self._subscribing = asyncio.Lock()
        # The highest (epoch, seq) seen of each subscribed room.
        self._highest: dict[str, tuple[str, int]] = {}

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
        except ERRORS:
            self._replan.set()  # the slot may have moved: read the slot map again
            raise
        if isinstance(commands[0].result, Exception):
            self._replan.set()
            raise commands[0].result
        return commands[0].result

    async def append(self, room: str, payload: bytes, ttl_seconds: int) -> LogEntry:
        """Appends, and turns a history that went back in time into a lost one.

        A failover to a replica that had not got the last entries (WAIT timed out, or
        is off) keeps the epoch but hands out seqs again that peers have already
        applied. Dropping the epoch makes the next append start a new history, so
        rooms report `history_lost` exactly as after a Redis restarted empty.
        """
        # Seen before this append was sent: later entries may be delivered before
        # its answer comes back, and are no sign of anything.
        epoch, seq = self._highest.get(room, ("", 0))
        entry = await super().append(room, payload, ttl_seconds)
        if entry.epoch == epoch and entry.seq <= seq:
            log.warning("redis cluster shard lost entries in a failover; starting over")
            with contextlib.suppress(*ERRORS):
                await self._client.delete(epoch_key(room))
            raise LogUnavailable("redis: the room's history went back")
        self._note(room, entry.epoch, entry.seq)
        return entry

    def _note(self, room: str, epoch: str, seq: int) -> None:
        if room in self._rooms:
            high = self._highest.get(room)
            if high is None or high[0] != epoch or high[1] < seq:
                self._highest[room] = (epoch, seq)

    def _on_message(self, message: dict[str, Any]) -> None:
        super()._on_message(message)
        epoch, seq, _ = message["data"].split(b" ", 2)
        self._note(_room_of(_text(message["channel"])), epoch.decode(), int(seq))

    async def ping(self) -> None:
        """Every primary answers; a missing replica does not make a worker unready."""
        try:
            await self._client.ping(target_nodes=RedisCluster.PRIMARIES)
        except ERRORS as exc:
            raise LogUnavailable(f"redis: {type(exc).__name__}") from None

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver
        # The slot map first: commands racing its first read find their connections closed.
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2):
                await self._client.initialize()
        self._listener = asyncio.create_task(self._supervise(), name="redis cluster pubsub")

    async def close(self) -> None:
        self._closing = True
        # redis-py can turn a cancellation inside a command into a ConnectionError,
        # which the supervisor would take for an outage: cancel until it is done.
        while self._listener is not None and not self._listener.done():
            self._listener.cancel()
            await asyncio.wait({self._listener}, timeout=0.1)
        await self._drop_shards()
        with contextlib.suppress(Exception):
            await self._client.aclose()

    async def subscribe(self, room: str) -> None:
        self._rooms.add(room)
        if self._listener is None or self._replan.is_set():
            return  # the supervisor subscribes every room on its next pass
        try:
            await self._subscribe(room)
        except ERRORS:
            self._replan.set()

    async def unsubscribe(self, room: str) -> None:
        self._rooms.discard(room)
        self._highest.pop(room, None)
        async with self._subscribing:
            shard = self._shards.get(self._room_shard.pop(room, ""))
            if shard is not None:
                with contextlib.suppress(*ERRORS):
                    await shard.pubsub.sunsubscribe(channel(room))

    async def _subscribe(self, room: str) -> None:
        """SSUBSCRIBEs the room on the primary that owns its slot now (or raises).

        One at a time: two first commands racing on a new redis-py PubSub each take a
        connection, and every entry of the room would then arrive twice.
        """
        async with self._subscribing:
            await self._subscribe_now(room)

    async def _subscribe_now(self, room: str) -> None:
        node: ClusterNode = self._client.get_node_from_key(channel(room))
        if self._room_shard.get(room) == node.name:
            return
        old = self._shards.get(self._room_shard.pop(room, ""))
        if old is not None:  # the slot moved: leave the old owner
            with contextlib.suppress(*ERRORS):
                await old.pubsub.sunsubscribe(channel(room))
        shard = self._shards.get(node.name)
        if shard is None:
            shard = self._shards[node.name] = Shard(node, self._client)
            reader = asyncio.create_task(self._read(node.name, shard))
            # A reader ends only on trouble (or when cancelled): then that shard is rebuilt.
            reader.add_done_callback(self._reader_done)
            self._readers[node.name] = reader
        await shard.ssubscribe(channel(room))
        if room in self._rooms:
            self._room_shard[room] = node.name

    def _reader_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled():
            self._replan.set()

    async def _supervise(self) -> None:
        """Keeps every subscribed room on a live connection to its slot's primary.

        Shards that work are left alone: during a failover only the rooms of the
        failed shard wait. The hooks run after each pass that subscribed every
        room, so rooms resync from their streams whatever they missed.
        """
        delay = 0.05
        fresh = True
        while not self._closing:
            self._replan.clear()
            try:
                await self._client.initialize()
                if not fresh:
                    # After a failover the cached slot map still names the dead primary.
                    await self._client.nodes_manager.initialize()
                fresh = False
                # A round trip before the first hooks.
                await self._client.ping(target_nodes=RedisCluster.RANDOM)
                await self._drop_failed_shards()
                failure: Exception | None = None
                for room in list(self._rooms):
                    try:
                        await self._subscribe(room)
                    except ERRORS as exc:
                        failure = failure or exc
                if failure is not None:
                    raise failure
                for hook in list(self._reconnect_hooks):
                    hook()
                delay = 0.05
                await self._replan.wait()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # The cluster's own errors say what is wrong ("Cluster mode is not
                # enabled on this node" for a plain Redis in HEARTH_REDIS_URL).
                detail = f": {str(exc)[:200]}" if isinstance(exc, RedisClusterException) else ""
                log.warning(
                    "redis cluster pub/sub lost (%s%s); reconnecting", type(exc).__name__, detail
                )
                await asyncio.sleep(delay)
                delay = min(BACKOFF_MAX, delay * 2)

    async def _drop_failed_shards(self) -> None:
        """Closes shards whose reader ended; their rooms are subscribed again elsewhere."""
        for name, task in list(self._readers.items()):
            if task.done():
                del self._readers[name]
                error = None if task.cancelled() else task.exception()
                log.warning("redis cluster shard lost (%s)", type(error).__name__)
                await self._shards.pop(name).close()
                for room in [r for r, n in self._room_shard.items() if n == name]:
                    del self._room_shard[room]

    async def _drop_shards(self) -> None:
        readers, self._readers = self._readers, {}
        shards, self._shards = self._shards, {}
        self._room_shard.clear()
        for task in readers.values():
            task.cancel()
        if readers:
            await asyncio.gather(*readers.values(), return_exceptions=True)
        for shard in shards.values():
            await shard.close()

    async def _read(self, name: str, shard: Shard) -> None:
        """Delivers a shard's messages until its connection fails."""
        await shard.subscribed.wait()
        while True:
            message = await shard.pubsub.get_message(timeout=1.0)
            if message is None:
                continue
            kind = _text(message["type"])
            if kind == "smessage":
                self._on_message(message)
            elif kind == "sunsubscribe":
                room = _room_of(_text(message["channel"]))
                if self._room_shard.get(room) == name:
                    # Redis unsubscribed us itself: the slot changed owner.
                    del self._room_shard[room]
                    self._replan.set()
