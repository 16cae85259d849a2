"""The room log: the one place where the order of a meeting's commands is decided.

Three implementations share this contract (memory.py for one process, redis.py for
many, redis_cluster.py for many on a Redis Cluster) and one test suite,
tests/server/log/test_contract.py. factory.py picks one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class LogUnavailable(Exception):
    """The log cannot take or give entries now (Redis down). Callers tell the client."""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One appended command: `seq` from 1 without gaps, `at_ms` stamped by the log itself."""

    room: str
    epoch: str
    seq: int
    at_ms: int
    payload: bytes


Deliver = Callable[[LogEntry], None]
ReconnectHook = Callable[[], None]


class RoomLog(Protocol):
    """Ordered, replicated, short-lived history of every room.

    Contract, for both implementations:
    - append() gives the entry the room's next seq (1, 2, 3, ...) and the log's own
      clock reading, atomically, and returns the entry. Two appends never share a seq.
    - Entries of subscribed rooms are handed to `deliver` (given to start()) after
      append returns to whoever appended. Delivery may lose entries (Redis pub/sub
      does), but never reorders those it delivers; a subscriber that sees a gap
      refills it with history().
    - history(room, after) returns every entry with seq > after, in order, as long
      as the room has not expired; [] for an unknown room.
    - epoch(room) names the current life of a room's history. It changes when the
      history is lost (Redis restarted empty, or the room expired and began again),
      so a replica built on the old epoch knows it must start over.
    - expire(room, seconds) drops the room's history that many seconds from now.
    - Payloads are bytes and are copied: a caller mutating its buffer changes nothing.

    Durations are whole seconds; less than 1 counts as 1 (Redis cannot keep a key
    for less), so no history vanishes before peers had a moment to read it.
    Every method that talks to the store raises LogUnavailable, and only that, when
    the store does not answer; after close() any of them may.
    """

    async def start(self, deliver: Deliver) -> None:
        """Begins delivering entries of subscribed rooms to `deliver`. Called once, first.

        `deliver` runs on the event loop, one entry at a time, and must neither block
        nor raise. Never raises: a log that cannot connect yet keeps trying.
        """
        ...

    async def close(self) -> None:
        """Stops delivery and releases connections. Idempotent; never raises."""
        ...

    def on_reconnect(self, hook: ReconnectHook) -> None:
        """Calls `hook` after the log reconnected and may have missed deliveries.

        Hooks run in the order given, on the event loop, once every subscription is
        back, and must not block; a subscriber resyncs its rooms from history().
        Called each time delivery (re)starts, the first time included, since entries
        appended while it was down were not delivered. Adding a hook twice calls it
        twice.
        """
        ...

    async def subscribe(self, room: str) -> None:
        """Delivers the room's entries appended from now on. Idempotent; never raises.

        Entries appended before (or while) subscribing are not delivered: read them
        with history() after subscribe returns. If the store is down, the
        subscription is made when the log reconnects.
        """
        ...

    async def unsubscribe(self, room: str) -> None:
        """Stops delivering the room's entries, even ones already appended.

        Idempotent (an unknown room is fine); never raises.
        """
        ...

    async def append(self, room: str, payload: bytes, ttl_seconds: int) -> LogEntry:
        """Gives `payload` the room's next seq and the log's clock reading, and stores it.

        A new or expired room starts again at seq 1 under a new epoch. The whole
        room's history then lives `ttl_seconds` from now. The returned entry is the
        one history() will give; it is delivered to subscribers after this returns.
        Raises LogUnavailable if the store does not answer (the entry may or may not
        have been appended: the caller cannot tell, and must not assume either).
        """
        ...

    async def history(self, room: str, after: int = 0) -> list[LogEntry]:
        """Every stored entry of the room with seq > after, in seq order, in one read.

        [] for an unknown or expired room. A bounded history keeps only its newest
        entries, so the first returned seq may be above after + 1. All entries carry
        the epoch current at the read. Raises LogUnavailable.
        """
        ...

    async def epoch(self, room: str) -> str:
        """The name of the room's current history; '' for an unknown or expired room.

        Reading it creates nothing. Raises LogUnavailable.
        """
        ...

    async def expire(self, room: str, seconds: int) -> None:
        """Drops the room's whole history `seconds` from now (less than 1 counts as 1).

        Replaces any earlier expiry; a later append sets its own. Nothing for an
        unknown room. Raises LogUnavailable.
        """
        ...

    async def ping(self) -> None:
        """Returns when the store answers; raises LogUnavailable when it does not."""
        ...

    async def mark_alive(self, worker: str, ttl_seconds: int) -> None:
        """Says this worker is alive for `ttl_seconds`; a dead worker's mark lapses.

        Replaces the worker's previous mark. Raises LogUnavailable.
        """
        ...

    async def alive(self, workers: list[str]) -> set[str]:
        """Which of these workers have a mark that has not lapsed. Raises LogUnavailable."""
        ...
