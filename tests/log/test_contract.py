"""ONE contract for the room log, run against the memory and the Redis implementation."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.log.base import LogEntry, LogUnavailable, RoomLog
from server.log.memory import MemoryRoomLog
from tests.redis_server import RedisServer


class Collector:
    def __init__(self) -> None:
        self.entries: list[LogEntry] = []
        self.arrived = asyncio.Event()

    def __call__(self, entry: LogEntry) -> None:
        self.entries.append(entry)
        self.arrived.set()

    async def wait_for(self, count: int, within: float = 5) -> list[LogEntry]:
        async with asyncio.timeout(within):
            while len(self.entries) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.entries


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def room_log(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[RoomLog, Collector, RedisServer | None]]:
    collector = Collector()
    server = None
    impl: RoomLog
    if request.param == "memory":
        impl = MemoryRoomLog()
    else:
        from server.log.redis import RedisRoomLog

        server = RedisServer(tmp_path / "redis")
        server.start()
        impl = RedisRoomLog(server.url)
    await impl.start(collector)
    yield impl, collector, server
    await impl.close()
    if server is not None:
        server.stop()


async def _subscribed(impl: RoomLog, room: str) -> None:
    await impl.subscribe(room)
    await asyncio.sleep(0.1)  # let a pub/sub connection settle


async def test_append_numbers_entries_from_one_without_gaps(
    room_log: tuple[RoomLog, Collector, RedisServer | None],
) -> None:
    impl, _, _ = room_log
    entries = [await impl.append("m1", f"c{i}".encode(), 60) for i in range(5)]
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert len({e.epoch for e in entries}) == 1
    assert all(b.at_ms >= a.at_ms for a, b in itertools.pairwise(entries))
    other = await impl.append("m2", b"x", 60)
    assert other.seq == 1


async def test_concurrent_appends_never_share_a_seq(
    room_log: tuple[RoomLog, Collector, RedisServer | None],
) -> None:
    impl, _, _ = room_log
    entries = await asyncio.gather(*(impl.append("m1", b"x", 60) for _ in range(50)))
    assert sorted(e.seq for e in entries) == list(range(1, 51))


async def test_subscribers_get_entries_in_order_after_append_returns(
    room_log: tuple[RoomLog, Collector, RedisServer | None],
) -> None:
    impl, collector, _ = room_log
    await _subscribed(impl, "m1")
    await impl.append("other", b"not subscribed", 60)
    for i in range(10):
        await impl.append("m1", f"{i} with spaces".encode(), 60)
    got = await collector.wait_for(10)
    assert [e.seq for e in got] == list(range(1, 11))
    assert [e.payload for e in got] == [f"{i} with spaces".encode() for i in range(10)]
    assert {e.room for e in got} == {"m1"}


async def test_history_returns_entries_after_a_seq(
    room_log: tuple[RoomLog, Collector, RedisServer | None],
) -> None:
    impl, _, _ = room_log
    for i in range(6):
        await impl.append("m1", bytes([65 + i]), 60)
    after3 = await impl.history("m1", 3)
    assert [(e.seq, e.payload) for e in after3] == [(4, b"D"), (5, b"E"), (6, b"F")]
    assert await impl.history("unknown") == []
    assert after3[0].epoch == await impl.epoch("m1")


async def test_payloads_are_copied(room_log: tuple[RoomLog, Collector, RedisServer | None]) -> None:
    impl, _, _ = room_log
    buf = bytearray(b"before")
    await impl.append("m1", bytes(buf), 60)
    buf[:] = b"after!"
    assert (await impl.history("m1"))[0].payload == b"before"


async def test_unsubscribed_rooms_are_not_delivered(
    room_log: tuple[RoomLog, Collector, RedisServer | None],
) -> None:
    impl, collector, _ = room_log
    await _subscribed(impl, "m1")
    await impl.unsubscribe("m1")
    await asyncio.sleep(0.1)
    await impl.append("m1", b"x", 60)
    await asyncio.sleep(0.2)
    assert collector.entries == []


async def test_an_expired_room_starts_a_new_epoch(
    room_log: tuple[RoomLog, Collector, RedisServer | None],
) -> None:
    impl, _, _ = room_log
    first = await impl.append("m1", b"x", 60)
    await impl.expire("m1", 1)
    await asyncio.sleep(1.2)
    assert await impl.history("m1") == []
    again = await impl.append("m1", b"y", 60)
    assert again.seq == 1
    assert again.epoch != first.epoch


async def test_redis_down_is_a_clear_error_and_recovery_is_automatic(
    room_log: tuple[RoomLog, Collector, RedisServer | None],
) -> None:
    impl, collector, server = room_log
    if server is None:
        await impl.close()
        with pytest.raises(LogUnavailable):
            await impl.append("m1", b"x", 60)
        return
    await _subscribed(impl, "m1")
    first = await impl.append("m1", b"x", 60)
    server.stop()
    with pytest.raises(LogUnavailable):
        await impl.append("m1", b"during outage", 60)
    server.start()
    async with asyncio.timeout(10):
        while True:
            try:
                again = await impl.append("m1", b"y", 60)
                break
            except LogUnavailable:
                await asyncio.sleep(0.1)
    assert again.epoch != first.epoch  # Redis came back empty: the history was lost
    assert again.seq == 1
    # The listener resubscribed by itself: new entries arrive again.
    async with asyncio.timeout(10):
        while not any(e.payload == b"z" for e in collector.entries):
            await impl.append("m1", b"z", 60)
            await asyncio.sleep(0.2)
