"""What only the memory log does: lose deliveries and fire reconnect hooks on demand."""

from __future__ import annotations

import asyncio

from server.log.base import LogEntry
from server.log.memory import MemoryRoomLog


async def _started(impl: MemoryRoomLog, *rooms: str) -> list[LogEntry]:
    delivered: list[LogEntry] = []
    await impl.start(delivered.append)
    for room in rooms:
        await impl.subscribe(room)
    return delivered


async def test_drop_next_counts_only_deliveries_of_its_room() -> None:
    impl = MemoryRoomLog()
    delivered = await _started(impl, "m1", "m2")
    impl.drop_next(2, room="m1")
    await impl.append("unsubscribed", b"x", 60)  # not a delivery: not counted
    for room in ("m2", "m1", "m1", "m1"):
        await impl.append(room, room.encode(), 60)
    await asyncio.sleep(0)
    assert [(e.room, e.seq) for e in delivered] == [("m2", 1), ("m1", 3)]
    assert [(e.room, e.seq) for e in impl.dropped] == [("m1", 1), ("m1", 2)]
    assert [e.seq for e in await impl.history("m1")] == [1, 2, 3]


async def test_drop_next_without_a_room_takes_any_room_and_adds_up() -> None:
    impl = MemoryRoomLog()
    delivered = await _started(impl, "m1", "m2")
    impl.drop_next()
    impl.drop_next()
    for room in ("m2", "m1", "m1"):
        await impl.append(room, b"x", 60)
    await asyncio.sleep(0)
    assert [(e.room, e.seq) for e in delivered] == [("m1", 2)]


async def test_a_drop_rule_decides_per_entry() -> None:
    impl = MemoryRoomLog(drop=lambda entry: entry.seq % 2 == 0)
    delivered = await _started(impl, "m1")
    for _ in range(5):
        await impl.append("m1", b"x", 60)
    await asyncio.sleep(0)
    assert [e.seq for e in delivered] == [1, 3, 5]
    assert [e.seq for e in impl.dropped] == [2, 4]


async def test_simulate_reconnect_calls_the_hooks_in_order() -> None:
    impl = MemoryRoomLog()
    calls: list[int] = []
    impl.simulate_reconnect()  # no hook yet: nothing happens
    impl.on_reconnect(lambda: calls.append(1))
    impl.on_reconnect(lambda: calls.append(2))
    impl.simulate_reconnect()
    assert calls == [1, 2]
