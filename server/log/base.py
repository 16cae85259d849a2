"""The room log: the one place where the order of a meeting's commands is decided.

Two implementations share this contract (memory.py for one process, redis.py for
many) and one test suite, tests/log/test_contract.py.
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
    """

    async def start(self, deliver: Deliver) -> None: ...

    async def close(self) -> None: ...

    async def subscribe(self, room: str) -> None: ...

    async def unsubscribe(self, room: str) -> None: ...

    async def append(self, room: str, payload: bytes, ttl_seconds: int) -> LogEntry: ...

    async def history(self, room: str, after: int = 0) -> list[LogEntry]: ...

    async def epoch(self, room: str) -> str: ...

    async def expire(self, room: str, seconds: int) -> None: ...

    async def ping(self) -> None: ...

    async def mark_alive(self, worker: str, ttl_seconds: int) -> None:
        """Says this worker is alive for `ttl_seconds`; a dead worker's mark lapses."""
        ...

    async def alive(self, workers: list[str]) -> set[str]:
        """Which of these workers have a mark that has not lapsed."""
        ...
