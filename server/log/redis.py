"""The Redis room log: one Lua script orders, stamps, stores and publishes each entry.

Keys of a room share the hash tag {meeting_id} so that a room lives in one Redis
Cluster slot. One pub/sub connection per worker is subscribed to the channels of
the rooms this worker holds connections for. Pub/sub can drop messages (a
reconnect, an output buffer overflow): the hub notices the gap by seq and refills
from the stream, and the on_reconnect hooks, called after every (re)connection of
pub/sub, tell it to resync every room.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisClusterException, RedisError

from server.log.base import Deliver, LogEntry, LogUnavailable, ReconnectHook

log = logging.getLogger("hearth.log.redis")

SCRIPT = (Path(__file__).parent / "append.lua").read_text()
MAX_ENTRIES = 100_000
BACKOFF_MAX = 2.0
# What "the store does not answer" looks like; a cluster's own errors
# (SlotNotCoveredError, ...) are not RedisErrors.
ERRORS = (RedisError, RedisClusterException, OSError)


def seq_key(room: str) -> str:
    return f"hearth:{{{room}}}:seq"


def log_key(room: str) -> str:
    return f"hearth:{{{room}}}:log"


def epoch_key(room: str) -> str:
    return f"hearth:{{{room}}}:epoch"


def channel(room: str) -> str:
    return f"hearth:{{{room}}}:live"


def _room_of(channel_name: str) -> str:
    return channel_name[channel_name.index("{") + 1 : channel_name.rindex("}")]


class RedisRoomLog:
    """The room log on one Redis; redis_cluster.py swaps the client and the pub/sub."""

    # ARGV[6] of append.lua: how the script publishes (PUBLISH, or SPUBLISH on a cluster).
    publish = b"PUBLISH"

    def __init__(self, url: str, max_entries: int = MAX_ENTRIES) -> None:
        self._client: Any = self._connect(url)
        self._url = url
        self._script = self._client.register_script(SCRIPT)
        self._max = max_entries
        self._rooms: set[str] = set()
        self._deliver: Deliver | None = None
        self._pubsub: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._resubscribed: asyncio.Event = asyncio.Event()
        self._reconnect_hooks: list[ReconnectHook] = []

    def _connect(self, url: str) -> Any:
        return aioredis.Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=10
        )

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver
        self._listener = asyncio.create_task(self._listen(), name="redis pubsub")

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.wait({self._listener})
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
        await self._client.aclose()

    def on_reconnect(self, hook: ReconnectHook) -> None:
        self._reconnect_hooks.append(hook)

    async def subscribe(self, room: str) -> None:
        self._rooms.add(room)
        if self._pubsub is not None:
            # On failure the listener resubscribes every room when it reconnects.
            with contextlib.suppress(*ERRORS):
                await self._pubsub.subscribe(channel(room))

    async def unsubscribe(self, room: str) -> None:
        self._rooms.discard(room)
        if self._pubsub is not None:
            with contextlib.suppress(*ERRORS):
                await self._pubsub.unsubscribe(channel(room))

    async def append(self, room: str, payload: bytes, ttl_seconds: int) -> LogEntry:
        try:
            epoch, seq, at_ms = await self._run_script(
                [seq_key(room), log_key(room), epoch_key(room)],
                [
                    payload,
                    max(1, ttl_seconds),
                    self._max,
                    channel(room),
                    secrets.token_hex(4),
                    self.publish,
                ],
            )
        except ERRORS as exc:
            raise LogUnavailable(f"redis: {type(exc).__name__}") from None
        return LogEntry(room, epoch.decode(), int(seq), int(at_ms), bytes(payload))

    async def _run_script(self, keys: list[str], args: list[Any]) -> Any:
        return await self._script(keys=keys, args=args)

    async def history(self, room: str, after: int = 0) -> list[LogEntry]:
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.get(epoch_key(room))
                pipe.xrange(log_key(room), min=f"0-{after + 1}", max="+")
                raw_epoch, rows = await pipe.execute()
        except ERRORS as exc:
            raise LogUnavailable(f"redis: {type(exc).__name__}") from None
        epoch = raw_epoch.decode() if raw_epoch else ""
        out = []
        for entry_id, fields in rows:
            seq = int(entry_id.split(b"-")[1])
            out.append(LogEntry(room, epoch, seq, int(fields[b"a"]), fields[b"p"]))
        return out

    async def epoch(self, room: str) -> str:
        try:
            raw = await self._client.get(epoch_key(room))
        except ERRORS as exc:
            raise LogUnavailable(f"redis: {type(exc).__name__}") from None
        return _text(raw) if raw else ""

    async def expire(self, room: str, seconds: int) -> None:
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                for key in (seq_key(room), log_key(room), epoch_key(room)):
                    pipe.expire(key, max(1, seconds))
                await pipe.execute()
        except ERRORS as exc:
            raise LogUnavailable(f"redis: {type(exc).__name__}") from None

    async def mark_alive(self, worker: str, ttl_seconds: int) -> None:
        try:
            await self._client.set(f"hearth:worker:{worker}", b"1", ex=max(1, ttl_seconds))
        except ERRORS as exc:
            raise LogUnavailable(f"redis: {type(exc).__name__}") from None

    async def alive(self, workers: list[str]) -> set[str]:
        if not workers:
            return set()
        try:
            # One GET per mark, pipelined: MGET would cross slots on a cluster, where
            # the pipeline goes to each shard at once.
            async with self._client.pipeline(transaction=False) as pipe:
                for w in workers:
                    pipe.get(f"hearth:worker:{w}")
                found = await pipe.execute()
        except ERRORS as exc:
            raise LogUnavailable(f"redis: {type(exc).__name__}") from None
        return {w for w, v in zip(workers, found, strict=True) if v is not None}

    async def ping(self) -> None:
        try:
            await self._client.ping()
        except ERRORS as exc:
            raise LogUnavailable(f"redis: {type(exc).__name__}") from None

    async def _listen(self) -> None:
        """Reads pub/sub forever; on any failure reconnects with capped backoff and resubscribes.

        redis-py does not resubscribe by itself after a dropped connection, so this
        loop owns the pub/sub connection and rebuilds it.
        """
        delay = 0.05
        while True:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                # A placeholder channel keeps the connection in subscribed mode even
                # when this worker holds no room.
                await pubsub.subscribe("hearth:worker-alive", *[channel(r) for r in self._rooms])
                self._pubsub = pubsub
                # Rooms added while we were connecting.
                missing = {channel(r) for r in self._rooms} - {_text(c) for c in pubsub.channels}
                if missing:
                    await pubsub.subscribe(*missing)
                for hook in list(self._reconnect_hooks):
                    hook()
                delay = 0.05
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is None or message.get("type") != "message":
                        continue
                    self._on_message(message)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                raise
            except Exception as exc:
                log.warning("redis pub/sub lost (%s); reconnecting", type(exc).__name__)
                self._pubsub = None
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                await asyncio.sleep(delay)
                delay = min(BACKOFF_MAX, delay * 2)

    def _on_message(self, message: dict[str, Any]) -> None:
        """Hands on one published entry: a `message`, or an `smessage` on a cluster."""
        data: bytes = message["data"]
        epoch, seq, at_ms, payload = data.split(b" ", 3)
        room = _room_of(message["channel"].decode())
        # A message already read from the socket when its room was unsubscribed.
        if room in self._rooms and self._deliver is not None:
            self._deliver(LogEntry(room, epoch.decode(), int(seq), int(at_ms), payload))


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value
