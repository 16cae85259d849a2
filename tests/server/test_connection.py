"""The slow reader's writer, against a socket that never takes a frame."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from starlette.websockets import WebSocket

from server.connection import Connection


class StuckSocket:
    """A peer whose network never drains: every send waits for ever."""

    async def send(self, message: dict[str, Any]) -> None:
        await asyncio.Event().wait()

    async def close(self, code: int, reason: str) -> None:
        await asyncio.Event().wait()


def connection(max_frames: int = 4) -> Connection:
    return Connection(cast(WebSocket, StuckSocket()), "c1", "m1", max_frames)


async def test_a_full_queue_closes_instead_of_waiting() -> None:
    conn = connection(max_frames=2)
    assert conn.send("a") and conn.send("b")
    await asyncio.sleep(0)
    assert conn.send("c"), "the writer took one frame, so there is room for one more"
    assert not conn.closed
    assert not conn.send("d")
    assert conn.closed
    assert conn.writer is not None
    conn.writer.cancel()


async def test_finish_stops_a_stuck_writer_and_keeps_the_callers_cancellation() -> None:
    conn = connection()
    conn.send("hello")
    finishing = asyncio.create_task(conn.finish())
    await asyncio.sleep(0.05)
    finishing.cancel()
    await asyncio.wait({finishing})
    assert finishing.cancelled(), "finish() swallowed the cancellation of its caller"
    assert conn.writer is not None
    await asyncio.wait({conn.writer}, timeout=1)
    assert conn.writer.done()


async def test_finish_gives_up_on_a_stuck_writer_after_its_grace() -> None:
    conn = connection()
    conn.send("hello")
    async with asyncio.timeout(5):
        await conn.finish()
    assert conn.writer is not None
    await asyncio.wait({conn.writer}, timeout=1)
    assert conn.writer.cancelled()
