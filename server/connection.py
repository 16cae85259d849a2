"""One WebSocket's outgoing side: a bounded queue and its own writer task.

The fan-out only ever calls send(), which never awaits: a client that stops
reading fills its own queue and is disconnected, without delaying anyone else.
Closing sets `closing`, so the session stops waiting for frames at once: a client
that never reads again would otherwise hold its place in the room for ever, since
its close frame cannot get past the full socket either.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass
from typing import Literal

from starlette.websockets import WebSocket

from rooms import protocol
from server.metrics import Metrics

log = logging.getLogger("hearth.ws")


@dataclass(frozen=True, slots=True)
class _Close:
    code: int
    reason: str


class Connection:
    __slots__ = (
        "closing",
        "conn_id",
        "device_hash",
        "last_seq",
        "meeting_id",
        "metrics",
        "muted",
        "participant_id",
        "pseudonym",
        "queue",
        "resume_token",
        "role",
        "token_hash",
        "waiting",
        "websocket",
        "writer",
    )

    def __init__(
        self,
        websocket: WebSocket,
        conn_id: str,
        meeting_id: str,
        max_frames: int,
        metrics: Metrics | None = None,
    ) -> None:
        self.websocket = websocket
        self.metrics = metrics
        self.conn_id = conn_id
        self.meeting_id = meeting_id
        self.participant_id: str | None = None
        self.waiting = False
        self.muted = False  # as the room was when its history was lost (see rejoin_command)
        self.resume_token = ""
        self.role: Literal["attendee", "facilitator"] = "attendee"
        self.token_hash = ""
        self.device_hash: str | None = None
        self.pseudonym: str | None = None
        self.last_seq = 0
        self.closing = asyncio.Event()
        self.queue: asyncio.Queue[str | tuple[str, ...] | _Close] = asyncio.Queue(max_frames)
        self.writer = asyncio.create_task(self._write(), name=f"writer {conn_id}")

    @property
    def closed(self) -> bool:
        return self.closing.is_set()

    def rejoin_command(self) -> protocol.Join:
        """The join that brings this person back after the room's history was lost: as
        they were (`waiting`, `muted`, recorded by Replica.history_lost), so that a room
        rebuilt without its facilitator admits nobody from its lobby and unmutes nobody."""
        return protocol.Join(
            conn=self.conn_id,
            role=self.role,
            pseudonym=self.pseudonym,
            name_seed=secrets.randbits(32),
            token_hash=self.token_hash,
            lobby_exempt=not self.waiting,
            waiting=self.waiting,
            muted=self.muted,
            device_hash=self.device_hash,
        )

    def send(self, frame: str | tuple[str, ...]) -> bool:
        """Queues a frame; a full queue closes the connection instead of waiting.

        Frames are str because ASGI text frames are: the fan-out decodes an event once
        and hands the same object to every connection.
        """
        if self.closed:
            return False
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            log.info("closing a connection that stopped reading (%s)", self.meeting_id)
            if self.metrics is not None:
                self.metrics.slow_consumer_closes.inc()
            self._force_close(protocol.CloseCode.TRY_AGAIN, "too slow")  # it resumes with last_seq
            return False
        return True

    def send_batch(self, frames: list[str]) -> bool:
        """Queues many frames as one item: a resume's replay is owed, not a sign of slowness."""
        if not frames:
            return True
        if len(frames) == 1:
            return self.send(frames[0])
        return self.send(tuple(frames))

    def close(self, code: int = protocol.CloseCode.NORMAL, reason: str = "") -> None:
        """Closes after the frames already queued have been sent."""
        if self.closed:
            return
        self.closing.set()
        try:
            self.queue.put_nowait(_Close(code, reason))
        except asyncio.QueueFull:
            self._force_close(code, reason)

    def _force_close(self, code: int, reason: str) -> None:
        self.closing.set()
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(_Close(code, reason))

    async def _write(self) -> None:
        ws = self.websocket
        try:
            while True:
                item = await self.queue.get()
                if isinstance(item, _Close):
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(ws.close(item.code, item.reason), 5)
                    return
                if isinstance(item, tuple):
                    for frame in item:
                        await ws.send({"type": "websocket.send", "text": frame})
                else:
                    await ws.send({"type": "websocket.send", "text": item})
        except Exception:
            self.closing.set()

    async def finish(self) -> None:
        """Waits briefly for queued frames to go out, then stops the writer.

        `asyncio.wait` neither raises the writer's own end nor swallows the caller's
        cancellation: a server shutting down still cancels the task that called this.
        """
        if not self.writer.done():
            self.close()
            try:
                await asyncio.wait({self.writer}, timeout=2)
            finally:
                if not self.writer.done():
                    self.writer.cancel()
