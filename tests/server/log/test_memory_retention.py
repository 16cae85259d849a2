"""The memory room log lets go of a room when its retention runs out, by a timer: nobody has
to touch the room again for what was said in it to leave the process."""

from __future__ import annotations

import asyncio
import secrets
import time
from pathlib import Path

import pytest

from server.log.memory import MemoryRoomLog
from tests.server.ws.inprocess import running_hearth


async def test_an_expired_room_leaves_memory_untouched() -> None:
    """expire(1): a second later the room is gone from memory, with no read or append."""
    log = MemoryRoomLog()
    await log.append("m1", b"said", 60)
    await log.expire("m1", 1)
    assert log.held_rooms == {"m1"}
    await asyncio.sleep(1.3)
    assert log.held_rooms == frozenset()
    await log.close()


async def test_an_append_ttl_alone_also_drops_the_room() -> None:
    """A room only ever appended to (a TTL below one counts as one) goes too."""
    log = MemoryRoomLog()
    await log.append("m1", b"said", 0)
    await asyncio.sleep(1.3)
    assert log.held_rooms == frozenset()
    await log.close()


async def test_a_later_expiry_keeps_the_room_until_then() -> None:
    """The timer set for the first expiry re-arms for a later one instead of dropping early."""
    log = MemoryRoomLog()
    await log.append("m1", b"said", 1)
    await log.expire("m1", 2)
    await asyncio.sleep(1.3)
    assert log.held_rooms == {"m1"}
    assert [e.payload for e in await log.history("m1")] == [b"said"]
    await asyncio.sleep(1.0)
    assert log.held_rooms == frozenset()
    await log.close()


async def test_a_room_born_again_is_not_dropped_by_its_old_timer() -> None:
    """An old life's timer finds a new room under the name and leaves it alone."""
    log = MemoryRoomLog()
    await log.append("m1", b"old", 1)
    await asyncio.sleep(1.05)
    assert await log.history("m1") == []  # expired lazily: the old timer is still pending
    await log.append("m1", b"new", 60)
    await asyncio.sleep(0.3)
    assert [e.payload for e in await log.history("m1")] == [b"new"]
    await log.close()


async def test_close_cancels_the_timers() -> None:
    """No timer of a closed log fires: the loop has nothing of it left to run."""
    log = MemoryRoomLog()
    await log.append("m1", b"said", 1)
    await log.close()
    loop = asyncio.get_running_loop()
    scheduled = [h for h in getattr(loop, "_scheduled", []) if not h.cancelled()]
    assert not any(getattr(h, "_callback", None) == log._timer_fired for h in scheduled)


@pytest.mark.timeout(30)
def test_an_ended_meetings_words_leave_memory_after_its_retention(tmp_path: Path) -> None:
    """A real meeting over WebSockets (in process): someone speaks, the facilitator ends it,
    everyone goes. With a retention of one second and nobody touching the room again, the
    log holds neither the room nor the words two seconds later."""
    marker = f"said{secrets.token_hex(8)}"
    with running_hearth(tmp_path / "data", room_retention_seconds=1) as hearth:
        meeting = hearth.create_meeting()
        host = meeting.facilitator()
        amber = meeting.join("amber", pseudonym="Amber")
        assert amber.command("say", text=f"my secret is {marker}")["type"] == "ack"
        assert host.command("end")["type"] == "ack"
        amber.wait_for("meeting_ended")
        hearth.close_clients()
        log = hearth.http.app.state.ctx.hub.log  # type: ignore[attr-defined]
        assert isinstance(log, MemoryRoomLog)
        deadline = time.monotonic() + 10
        while meeting.id in log.held_rooms and time.monotonic() < deadline:
            time.sleep(0.1)
        assert meeting.id not in log.held_rooms, "the ended room is still in memory"
        held = [e for room in log._rooms.values() for e in room.entries]
        assert not any(marker.encode() in e.payload for e in held)
