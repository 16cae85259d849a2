"""The hub's own counters, in process: what a scrape would show after the fan-out, a
slow reader, a lost delivery, a reconnect and a lost history (tests/service/test_metrics.py
scrapes a real server for the rest)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from rooms import protocol as p
from server.clock import now_ms
from server.config import Settings
from server.connection import Connection
from server.hub import Hub
from server.log.base import LogEntry
from server.log.memory import MemoryRoomLog
from server.metrics import Metrics
from server.replica import Replica
from server.room_setup import RoomSetup
from tests.rooms.test_core_support import HOUR_MS, START_MS, config
from tests.server.test_connection import StuckSocket
from tests.server.test_fanout import RecordingSocket


def value(metrics: Metrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    return 0.0 if found is None else found


def _join(n: int) -> p.Join:
    return p.Join(
        conn=f"c{n}", role="attendee", pseudonym=f"Person {n}", name_seed=n,
        token_hash=f"t{n}", lobby_exempt=True,
    )  # fmt: skip


async def test_the_fan_out_counts_each_frame_it_queued() -> None:
    metrics = Metrics()
    replica = Replica(RoomSetup(config(), "g1", 600), metrics.deliveries)
    seq = 0

    def apply(actor: str | None, command: Any) -> None:
        nonlocal seq
        seq += 1
        payload = p.encode_submission(p.Submission(actor=actor, origin=None, command=command))
        replica.apply(LogEntry("m1", "e1", seq, START_MS + seq, payload))

    apply(None, p.Open(config=config()))
    for n in range(3):
        apply(None, _join(n))
    connections = []
    for n, person in enumerate(replica.room.participants.values()):
        conn = Connection(cast(Any, RecordingSocket()), f"c{n}", "m1", 64)
        conn.participant_id, conn.last_seq = person.id, replica.room.event_seq
        replica.connections[conn.conn_id] = conn
        connections.append(conn)
    before = value(metrics, "hearth_deliveries_total")
    apply(connections[0].participant_id, p.Say(text="hello all"))
    apply(connections[1].participant_id, p.RaiseHand())
    for conn in connections:
        await conn.finish()
    # Two events, each queued to the three people in the room.
    assert value(metrics, "hearth_deliveries_total") - before == 6


async def test_a_reader_whose_queue_fills_is_counted_as_a_slow_consumer() -> None:
    metrics = Metrics()
    conn = Connection(cast(Any, StuckSocket()), "c1", "m1", 2, metrics)
    for frame in "abcd":
        conn.send(frame)
        await asyncio.sleep(0)
    assert conn.closed
    conn.send("e")  # already closed: not counted again
    assert value(metrics, "hearth_slow_consumer_closes_total") == 1
    if conn.writer is not None:
        conn.writer.cancel()


async def test_resyncs_lost_histories_and_appends_are_counted(tmp_path: Path) -> None:
    room_log = MemoryRoomLog()
    hub = await Hub.start(Settings(data_dir=tmp_path), room_log)
    metrics = hub.metrics
    try:
        ends = now_ms() + HOUR_MS
        replica = await hub.room(
            RoomSetup(config(starts_at_ms=now_ms(), ends_at_ms=ends), "g1", 600)
        )
        assert value(metrics, "hearth_rooms") == 1
        assert value(metrics, "hearth_log_append_seconds_count") >= 1  # the room's opening

        room_log.drop_next(room="m1")
        await hub.tell_room("m1", _join(1), ends)
        await hub.tell_room("m1", _join(2), ends)  # arrives after a gap: a resync
        await _settle(replica, lambda: len(replica.room.participants) == 2)
        assert value(metrics, "hearth_resyncs_total", reason="gap") == 1

        room_log.simulate_reconnect()
        await asyncio.sleep(0.05)
        assert value(metrics, "hearth_resyncs_total", reason="reconnect") == 1

        del room_log._rooms["m1"]  # as a Redis that lost the room's keys
        await hub.tell_room("m1", _join(3), ends)
        await _settle(replica, lambda: value(metrics, "hearth_histories_lost_total") == 1)
        assert value(metrics, "hearth_resyncs_total", reason="epoch") >= 1
        assert value(metrics, "hearth_log_append_failures_total") == 0
    finally:
        await hub.stop()
    # A registry per hub: a second one in the same process starts from nothing.
    assert value(Metrics(), "hearth_resyncs_total", reason="gap") == 0


async def _settle(replica: Replica, done: Callable[[], bool]) -> None:
    """Waits, entry by entry, until `done()`."""
    async with asyncio.timeout(2):
        while not done():
            replica.changed.clear()
            await replica.changed.wait()


def test_the_token_comes_from_the_environment_and_stays_out_of_the_settings_repr() -> None:
    settings = Settings.from_env({"HEARTH_METRICS_TOKEN": " s3cret-token \n"})
    assert settings.metrics_token == "s3cret-token"
    assert "s3cret-token" not in repr(settings)
    assert Settings.from_env({}).metrics_token == ""  # open by default
