"""The slow reader's writer, against a socket that never takes a frame."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from starlette.websockets import WebSocket

from server.connection import Connection
from server.wire import LINK, Text


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


class PausingLink:
    """A socket that takes frames until its buffer fills, then none until it drains."""

    def __init__(self) -> None:
        self.wire = bytearray()
        self.paused = False
        self.resumed = asyncio.Event()
        self.gone = False

    def write_frame(self, data: bytes) -> bool:
        if self.paused or self.gone:
            return False
        self.wire += data
        return True

    async def drained(self) -> bool:
        await self.resumed.wait()
        return not self.gone

    def resume(self) -> None:
        self.paused = False
        self.resumed.set()


class ClosingSocket:
    """The ASGI side of a linked connection: only its close is used."""

    def __init__(self, link: PausingLink) -> None:
        self.link = link
        self.scope = {"extensions": {LINK: link}}
        self.closed_with: tuple[int, str] | None = None
        self.wire_at_close = b""

    async def close(self, code: int, reason: str) -> None:
        self.closed_with, self.wire_at_close = (code, reason), bytes(self.link.wire)


def texts(wire: bytes) -> list[str]:
    """The text frames of a server's byte stream (short, unmasked frames only)."""
    out = []
    while wire:
        assert wire[0] == 0x81 and wire[1] < 126
        out.append(wire[2 : 2 + wire[1]].decode())
        wire = wire[2 + wire[1] :]
    return out


def linked(max_frames: int = 4) -> tuple[Connection, PausingLink, ClosingSocket]:
    link = PausingLink()
    socket = ClosingSocket(link)
    return Connection(cast(WebSocket, socket), "c1", "m1", max_frames), link, socket


async def test_a_socket_that_keeps_up_gets_frames_at_once_with_no_writer() -> None:
    conn, link, _ = linked()
    shared = Text("event")
    assert conn.send(shared) and conn.send("reply")
    assert texts(bytes(link.wire)) == ["event", "reply"]  # written before any await
    assert conn.writer is None and conn.pending is None


async def test_a_reader_that_stalls_mid_broadcast_gets_every_frame_in_order_after() -> None:
    conn, link, _ = linked(max_frames=4)
    conn.send("1")
    link.paused = True
    assert conn.send("2") and conn.send_batch(["3", "4"]) and conn.send("5")
    link.paused = False  # writable again, but frames 2-5 are queued: 6 must wait its turn
    assert conn.send("6")
    assert texts(bytes(link.wire)) == ["1"]
    link.paused = True
    await asyncio.sleep(0)
    writer = conn.writer
    assert writer is not None
    link.resume()
    await asyncio.wait_for(writer, 1)
    assert texts(bytes(link.wire)) == ["1", "2", "3", "4", "5", "6"]
    assert conn.send("7") and conn.writer is None, "caught up: written directly again"
    assert texts(bytes(link.wire))[-1] == "7"


async def test_a_stalled_reader_past_its_queue_is_closed_and_the_close_follows_whole_frames() -> (
    None
):
    conn, link, socket = linked(max_frames=2)
    link.paused = True
    assert conn.send("a") and conn.send("b")
    assert not conn.send("c"), "a full queue closes instead of waiting"
    assert conn.closed and not conn.send("d")
    link.resume()
    async with asyncio.timeout(1):
        await conn.finish()
    assert socket.closed_with == (1013, "too slow")  # it resumes with last_seq
    assert texts(socket.wire_at_close) == [], "what was queued is dropped: it resumes"


async def test_a_close_goes_out_after_the_frames_queued_before_it() -> None:
    conn, link, socket = linked(max_frames=8)
    link.paused = True
    conn.send("last words")
    conn.close(4001, "bye")
    assert conn.closed and not conn.send("too late")
    link.resume()
    async with asyncio.timeout(1):
        await conn.finish()
    assert socket.closed_with == (4001, "bye")
    assert texts(socket.wire_at_close) == ["last words"]
