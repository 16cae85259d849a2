"""The embedded room log: one process, entries in a dict, delivery on the event loop.

As strict as the Redis one, so that tests on it mean something: payloads are
copied, delivery is asynchronous (after append returns), history expires, and a
bounded history drops its oldest entries like XADD MAXLEN does.

Expiry is a timer, as Redis's TTLs are: an ended meeting's entries (what people said,
their pseudonyms) leave this process's memory when its retention runs out, whether or
not anyone touches the room again. One timer per room that has an expiry, moved when
the expiry moves earlier, re-armed when it has moved later, cancelled on close.

Tests can make it lose deliveries as Redis pub/sub does (`drop=` or
drop_next()), while history() keeps every entry, and can fire the reconnect hooks
with simulate_reconnect().
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable

from server.log.base import Deliver, LogEntry, LogUnavailable, ReconnectHook

MAX_ENTRIES = 100_000

DropRule = Callable[[LogEntry], bool]


class _Room:
    __slots__ = ("entries", "epoch", "expires_at", "seq", "timer")

    def __init__(self) -> None:
        self.seq = 0
        self.entries: list[LogEntry] = []
        self.epoch = secrets.token_hex(4)
        self.expires_at: float | None = None
        self.timer: asyncio.TimerHandle | None = None


class MemoryRoomLog:
    def __init__(self, max_entries: int = MAX_ENTRIES, drop: DropRule | None = None) -> None:
        """`drop(entry)` returning True loses that entry's delivery (tests only)."""
        self._rooms: dict[str, _Room] = {}
        self._subscribed: set[str] = set()
        self._deliver: Deliver | None = None
        self._max = max_entries
        self._closed = False
        self._alive: dict[str, float] = {}
        self._reconnect_hooks: list[ReconnectHook] = []
        self._drop = drop
        self._drop_next: dict[str | None, int] = {}
        self.dropped: list[LogEntry] = []
        """Entries whose delivery was lost on purpose, oldest first."""

    async def start(self, deliver: Deliver) -> None:
        self._deliver = deliver

    async def close(self) -> None:
        self._closed = True
        self._subscribed.clear()
        for room in self._rooms.values():
            if room.timer is not None:
                room.timer.cancel()
                room.timer = None

    @property
    def held_rooms(self) -> frozenset[str]:
        """The rooms whose entries are in memory now, without expiring any (for tests)."""
        return frozenset(self._rooms)

    def _expire_at(self, name: str, room: _Room, seconds: int) -> None:
        """Sets the room's expiry `seconds` from now and makes sure a timer will drop it."""
        room.expires_at = time.time() + max(1, seconds)
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        due = loop.time() + (room.expires_at - time.time())
        if room.timer is not None and room.timer.when() <= due:
            return  # it fires first, and re-arms for the rest
        if room.timer is not None:
            room.timer.cancel()
        room.timer = loop.call_at(due, self._timer_fired, name, room)

    def _timer_fired(self, name: str, room: _Room) -> None:
        room.timer = None
        if self._rooms.get(name) is not room or room.expires_at is None or self._closed:
            return
        left = room.expires_at - time.time()
        if left <= 0:
            del self._rooms[name]
        else:  # the expiry moved later since the timer was set
            loop = asyncio.get_running_loop()
            room.timer = loop.call_at(loop.time() + left, self._timer_fired, name, room)

    def on_reconnect(self, hook: ReconnectHook) -> None:
        self._reconnect_hooks.append(hook)

    def simulate_reconnect(self) -> None:
        """Calls the on_reconnect hooks now, as Redis does after pub/sub came back."""
        for hook in list(self._reconnect_hooks):
            hook()

    def drop_next(self, count: int = 1, room: str | None = None) -> None:
        """Loses the next `count` deliveries (of `room`, or of any room), as pub/sub may.

        Counts only entries that would have been delivered (subscribed rooms); adds
        to any count still pending. The entries stay in history().
        """
        self._drop_next[room] = self._drop_next.get(room, 0) + count

    async def subscribe(self, room: str) -> None:
        self._subscribed.add(room)

    async def unsubscribe(self, room: str) -> None:
        self._subscribed.discard(room)

    def _room(self, name: str, create: bool) -> _Room | None:
        room = self._rooms.get(name)
        if room is not None and room.expires_at is not None and room.expires_at <= time.time():
            del self._rooms[name]  # its timer is due too; it finds the room gone
            if room.timer is not None:
                room.timer.cancel()
            room = None
        if room is None and create:
            room = self._rooms[name] = _Room()
        return room

    async def append(self, room: str, payload: bytes, ttl_seconds: int) -> LogEntry:
        if self._closed:
            raise LogUnavailable("the room log is closed")
        r = self._room(room, create=True)
        assert r is not None
        r.seq += 1
        entry = LogEntry(room, r.epoch, r.seq, int(time.time() * 1000), bytes(payload))
        r.entries.append(entry)
        if len(r.entries) > self._max:
            del r.entries[: len(r.entries) - self._max]
        self._expire_at(room, r, ttl_seconds)
        if room in self._subscribed and self._deliver is not None:
            if self._dropping(entry):
                self.dropped.append(entry)
            else:
                asyncio.get_running_loop().call_soon(self._deliver_one, entry)
        return entry

    def _dropping(self, entry: LogEntry) -> bool:
        for key in (entry.room, None):
            left = self._drop_next.get(key, 0)
            if left > 0:
                self._drop_next[key] = left - 1
                return True
        return self._drop is not None and self._drop(entry)

    def _deliver_one(self, entry: LogEntry) -> None:
        if entry.room in self._subscribed and self._deliver is not None:
            self._deliver(entry)

    async def history(self, room: str, after: int = 0) -> list[LogEntry]:
        r = self._room(room, create=False)
        if r is None:
            return []
        return [e for e in r.entries if e.seq > after]

    async def epoch(self, room: str) -> str:
        r = self._room(room, create=False)
        return r.epoch if r is not None else ""

    async def expire(self, room: str, seconds: int) -> None:
        r = self._room(room, create=False)
        if r is not None:
            self._expire_at(room, r, seconds)

    async def mark_alive(self, worker: str, ttl_seconds: int) -> None:
        self._alive[worker] = time.time() + max(1, ttl_seconds)

    async def alive(self, workers: list[str]) -> set[str]:
        now = time.time()
        return {w for w in workers if self._alive.get(w, 0) > now}

    async def ping(self) -> None:
        if self._closed:
            raise LogUnavailable("the room log is closed")
