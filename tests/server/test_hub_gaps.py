"""The hub refills a delivery the log lost from the log's history, in process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from rooms import protocol as p
from server.clock import now_ms
from server.config import Settings
from server.hub import Hub
from server.log.memory import MemoryRoomLog
from server.replica import Replica
from server.room_setup import RoomSetup
from tests.rooms.test_core_support import HOUR_MS, config


def _join(n: int) -> p.Join:
    return p.Join(
        conn=f"c{n}", role="attendee", pseudonym=f"Person {n}", name_seed=n,
        token_hash=f"t{n}", lobby_exempt=True,
    )  # fmt: skip


async def _applied(replica: Replica, seq: int) -> None:
    async with asyncio.timeout(2):
        while replica.applied_seq < seq:
            await replica.changed.wait()
            replica.changed.clear()


@dataclass
class _Room:
    hub: Hub
    log: MemoryRoomLog
    replica: Replica
    opened: int  # the seq the room had once open
    ends_at_ms: int


@asynccontextmanager
async def _room_with_a_lost_join(tmp_path: Path) -> AsyncIterator[_Room]:
    """An open room whose next entry, a join, never reaches this worker by delivery."""
    room_log = MemoryRoomLog()
    hub = await Hub.start(Settings(data_dir=tmp_path), room_log)
    try:
        ends = now_ms() + HOUR_MS  # an open room: no timer appends anything meanwhile
        setup = RoomSetup(config(starts_at_ms=now_ms(), ends_at_ms=ends), "g1", 600)
        replica = await hub.room(setup)
        room = _Room(hub, room_log, replica, replica.applied_seq, ends)
        room_log.drop_next(room="m1")
        await hub.tell_room("m1", _join(1), ends)
        await asyncio.sleep(0.05)
        assert replica.applied_seq == room.opened  # lost, and nothing after it yet
        yield room
    finally:
        await hub.stop()
    left = [t.get_name() for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert left == []  # every hub task ended when cancelled: nothing holds up a shutdown


async def test_a_lost_delivery_is_refilled_from_history_before_the_next_entry(
    tmp_path: Path,
) -> None:
    async with _room_with_a_lost_join(tmp_path) as room:
        await room.hub.tell_room("m1", _join(2), room.ends_at_ms)
        await _applied(room.replica, room.opened + 2)
        names = [x.pseudonym for x in room.replica.room.participants.values()]
        assert names == ["Person 1", "Person 2"]  # in log order, the lost one first
        assert [e.seq for e in room.log.dropped] == [room.opened + 1]


async def test_after_a_reconnect_the_hub_reads_what_it_missed(tmp_path: Path) -> None:
    async with _room_with_a_lost_join(tmp_path) as room:
        room.log.simulate_reconnect()
        await _applied(room.replica, room.opened + 1)
