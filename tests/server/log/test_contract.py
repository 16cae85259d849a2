"""ONE contract for the room log, run against the memory and the Redis implementation."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.log.base import LogEntry, LogUnavailable, RoomLog
from server.log.memory import MemoryRoomLog
from tests.redis_cluster import RedisCluster
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


Fixture = tuple[RoomLog, Collector, RedisServer | RedisCluster | None]


@pytest.fixture(
    params=[
        "memory",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("redis-cluster", marks=pytest.mark.redis),
    ]
)
async def room_log(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Fixture]:
    collector = Collector()
    server: RedisServer | RedisCluster | None = None
    impl: RoomLog
    if request.param == "memory":
        impl = MemoryRoomLog()
    elif request.param == "redis-cluster":
        from server.log.redis_cluster import RedisClusterRoomLog

        cluster: RedisCluster = request.getfixturevalue("redis_cluster")
        cluster.flush()
        impl = RedisClusterRoomLog(cluster.url)
        server = cluster
    else:
        from server.log.redis import RedisRoomLog

        server = RedisServer(tmp_path / "redis")
        server.start()
        impl = RedisRoomLog(server.url)
    await impl.start(collector)
    yield impl, collector, server
    await impl.close()
    if isinstance(server, RedisServer):
        server.stop()


async def _subscribed(impl: RoomLog, room: str) -> None:
    await impl.subscribe(room)
    await asyncio.sleep(0.1)  # let a pub/sub connection settle


async def test_append_numbers_entries_from_one_without_gaps(
    room_log: Fixture,
) -> None:
    impl, _, _ = room_log
    entries = [await impl.append("m1", f"c{i}".encode(), 60) for i in range(5)]
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert len({e.epoch for e in entries}) == 1
    assert all(b.at_ms >= a.at_ms for a, b in itertools.pairwise(entries))
    other = await impl.append("m2", b"x", 60)
    assert other.seq == 1


async def test_concurrent_appends_never_share_a_seq(
    room_log: Fixture,
) -> None:
    impl, _, _ = room_log
    entries = await asyncio.gather(*(impl.append("m1", b"x", 60) for _ in range(50)))
    assert sorted(e.seq for e in entries) == list(range(1, 51))


async def test_subscribers_get_entries_in_order_after_append_returns(
    room_log: Fixture,
) -> None:
    impl, collector, _ = room_log
    await _subscribed(impl, "m1")
    await impl.append("other", b"not subscribed", 60)
    for i in range(10):
        await impl.append("m1", f"{i} with spaces".encode(), 60)
    got = await collector.wait_for(10)
    assert [e.seq for e in got] == list(range(1, 11)), got
    assert [e.payload for e in got] == [f"{i} with spaces".encode() for i in range(10)]
    assert {e.room for e in got} == {"m1"}


async def test_history_returns_entries_after_a_seq(
    room_log: Fixture,
) -> None:
    impl, _, _ = room_log
    for i in range(6):
        await impl.append("m1", bytes([65 + i]), 60)
    after3 = await impl.history("m1", 3)
    assert [(e.seq, e.payload) for e in after3] == [(4, b"D"), (5, b"E"), (6, b"F")]
    assert await impl.history("unknown") == []
    assert after3[0].epoch == await impl.epoch("m1")


async def test_payloads_are_copied(room_log: Fixture) -> None:
    impl, _, _ = room_log
    buf = bytearray(b"before")
    await impl.append("m1", bytes(buf), 60)
    buf[:] = b"after!"
    assert (await impl.history("m1"))[0].payload == b"before"


async def test_unsubscribed_rooms_are_not_delivered(
    room_log: Fixture,
) -> None:
    impl, collector, _ = room_log
    await _subscribed(impl, "m1")
    await impl.unsubscribe("m1")
    await asyncio.sleep(0.1)
    await impl.append("m1", b"x", 60)
    await asyncio.sleep(0.2)
    assert collector.entries == []


async def test_an_expired_room_starts_a_new_epoch(
    room_log: Fixture,
) -> None:
    impl, _, _ = room_log
    first = await impl.append("m1", b"x", 60)
    await impl.expire("m1", 1)
    await asyncio.sleep(1.2)
    assert await impl.history("m1") == []
    again = await impl.append("m1", b"y", 60)
    assert again.seq == 1
    assert again.epoch != first.epoch


async def test_epoch_of_an_unknown_room_is_empty_and_reading_it_creates_nothing(
    room_log: Fixture,
) -> None:
    # Unified: memory used to invent an epoch (and a room that never expired).
    impl, _, _ = room_log
    assert await impl.epoch("m1") == ""
    assert await impl.history("m1") == []
    entry = await impl.append("m1", b"x", 60)
    assert entry.seq == 1 and entry.epoch != ""
    assert await impl.epoch("m1") == entry.epoch


async def test_expire_zero_counts_as_one_second(
    room_log: Fixture,
) -> None:
    # Unified on Redis's behaviour: memory used to drop the history at once, before
    # other workers could refill a gap from it.
    impl, _, _ = room_log
    entry = await impl.append("m1", b"x", 60)
    await impl.expire("m1", 0)
    assert [e.seq for e in await impl.history("m1")] == [1]
    assert await impl.epoch("m1") == entry.epoch
    await asyncio.sleep(1.2)
    assert await impl.history("m1") == []
    assert await impl.epoch("m1") == ""


async def test_append_with_a_ttl_below_one_keeps_the_room_a_second(
    room_log: Fixture,
) -> None:
    impl, _, _ = room_log
    await impl.append("m1", b"x", 0)
    assert len(await impl.history("m1")) == 1
    await asyncio.sleep(1.2)
    assert await impl.history("m1") == []


async def test_expire_of_an_unknown_room_does_nothing(
    room_log: Fixture,
) -> None:
    impl, _, _ = room_log
    await impl.expire("m1", 60)
    assert await impl.epoch("m1") == ""
    assert (await impl.append("m1", b"x", 60)).seq == 1


async def test_subscribe_and_unsubscribe_are_idempotent(
    room_log: Fixture,
) -> None:
    impl, collector, _ = room_log
    await impl.unsubscribe("never subscribed")
    await impl.subscribe("m1")
    await _subscribed(impl, "m1")
    await impl.append("m1", b"once", 60)
    await collector.wait_for(1)
    await asyncio.sleep(0.2)
    assert [e.payload for e in collector.entries] == [b"once"]
    await impl.unsubscribe("m1")
    await impl.unsubscribe("m1")
    await asyncio.sleep(0.1)
    await impl.append("m1", b"not delivered", 60)
    await asyncio.sleep(0.2)
    assert len(collector.entries) == 1


async def test_workers_are_alive_until_their_mark_lapses(
    room_log: Fixture,
) -> None:
    impl, _, _ = room_log
    assert await impl.alive([]) == set()
    await impl.mark_alive("w1", 1)
    await impl.mark_alive("w2", 60)
    assert await impl.alive(["w1", "w2", "w3"]) == {"w1", "w2"}
    await asyncio.sleep(1.2)
    assert await impl.alive(["w1", "w2", "w3"]) == {"w2"}


async def test_close_is_idempotent(
    room_log: Fixture,
) -> None:
    impl, _, _ = room_log
    await impl.close()
    await impl.close()


async def test_redis_down_is_a_clear_error_and_recovery_is_automatic(
    room_log: Fixture,
) -> None:
    impl, collector, server = room_log
    reconnects: list[str] = []
    hooked = asyncio.Event()

    def second_hook() -> None:
        reconnects.append("second hook")
        hooked.set()

    impl.on_reconnect(lambda: reconnects.append("first hook"))
    impl.on_reconnect(second_hook)
    if server is None:
        await impl.close()
        with pytest.raises(LogUnavailable):
            await impl.append("m1", b"x", 60)
        with pytest.raises(LogUnavailable):
            await impl.ping()
        return
    async with asyncio.timeout(5):  # the first connection counts as a (re)start
        await hooked.wait()
    hooked.clear()
    if isinstance(server, RedisCluster):
        await _primary_failover(impl, collector, server, hooked)
        assert reconnects[:4] == ["first hook", "second hook"] * 2
        return
    await _subscribed(impl, "m1")
    first = await impl.append("m1", b"x", 60)
    server.stop()
    with pytest.raises(LogUnavailable):
        await impl.append("m1", b"during outage", 60)
    server.start()
    again = await _append_once_back(impl, b"y")
    assert again.epoch != first.epoch  # Redis came back empty: the history was lost
    assert again.seq == 1
    # The hooks ran again, in order, so that subscribers resync what they missed.
    async with asyncio.timeout(10):
        await hooked.wait()
    assert reconnects[:4] == ["first hook", "second hook"] * 2
    # The listener resubscribed by itself: new entries arrive again.
    async with asyncio.timeout(10):
        while not any(e.payload == b"z" for e in collector.entries):
            await impl.append("m1", b"z", 60)
            await asyncio.sleep(0.2)


async def _append_once_back(impl: RoomLog, payload: bytes) -> LogEntry:
    """Appends as soon as the store answers again (within 10 s)."""
    async with asyncio.timeout(10):
        while True:
            try:
                return await impl.append("m1", payload, 60)
            except LogUnavailable:
                await asyncio.sleep(0.1)


async def _primary_failover(
    impl: RoomLog, collector: Collector, cluster: RedisCluster, hooked: asyncio.Event
) -> None:
    """On a cluster the room's primary dies and its replica, which has every entry, takes over."""
    await _subscribed(impl, "m1")
    first = await impl.append("m1", b"x", 60)
    await collector.wait_for(1)
    old = cluster.primary_of("m1")
    cluster.kill(old)
    try:
        with pytest.raises(LogUnavailable):
            await impl.append("m1", b"during failover", 60)
        await asyncio.to_thread(cluster.wait_failover, "m1", old)
        again = await _append_once_back(impl, b"y")
        assert again.epoch == first.epoch  # the history survived the failover
        history = await impl.history("m1")
        assert [e.payload for e in history if e.payload != b"during failover"] == [b"x", b"y"]
        assert [e.seq for e in history] == list(range(1, len(history) + 1))
        async with asyncio.timeout(10):
            await hooked.wait()
        # Delivery came back on the new primary by itself.
        async with asyncio.timeout(10):
            while not any(e.payload == b"z" for e in collector.entries):
                await impl.append("m1", b"z", 60)
                await asyncio.sleep(0.2)
    finally:
        cluster.start_node(old)
        await asyncio.to_thread(cluster.wait_ok)


async def test_a_lost_delivery_is_still_in_history_and_shows_as_a_gap() -> None:
    """The contract's lossy delivery, made to happen: only the memory log can drop on demand."""
    impl = MemoryRoomLog()
    collector = Collector()
    await impl.start(collector)
    await impl.subscribe("m1")
    await impl.append("m1", b"one", 60)
    impl.drop_next()
    await impl.append("m1", b"two", 60)
    await impl.append("m1", b"three", 60)
    got = await collector.wait_for(2)
    assert [e.seq for e in got] == [1, 3]  # the subscriber sees the gap...
    refill = await impl.history("m1", got[0].seq)  # ...and refills it
    assert [(e.seq, e.payload) for e in refill] == [(2, b"two"), (3, b"three")]
    assert [e.seq for e in impl.dropped] == [2]
    await impl.close()
