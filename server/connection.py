"""One WebSocket's outgoing side: frames written at once, or a bounded queue behind them.

The fan-out only ever calls send(), which never awaits. While the socket keeps up (its
buffer is below the high-water mark and nothing is queued) a frame is written straight
away, with no task and no queue held for an idle connection; once it falls behind, frames
wait in a bounded queue drained by a writer task that exists only until it is empty. A
client that stops reading fills its own queue and is disconnected, without delaying
anyone else. Closing sets `closed` and calls `on_close`, so the session stops waiting for
frames at once: a client that never reads again would otherwise hold its place in the room
for ever, since its close frame cannot get past the full socket either.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from starlette.websockets import WebSocket

from rooms import protocol
from server.metrics import Metrics
from server.wire import LINK, Link, Text, batch_wire

log = logging.getLogger("hearth.ws")


@dataclass(frozen=True, slots=True)
class _Close:
    code: int
    reason: str


_Item = Text | tuple[Text, ...] | _Close


class Connection:
    __slots__ = (
        "closed",
        "conn_id",
        "device_hash",
        "last_seq",
        "link",
        "max_frames",
        "meeting_id",
        "metrics",
        "muted",
        "on_close",
        "participant_id",
        "pending",
        "pseudonym",
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
        scope = getattr(websocket, "scope", None)
        self.link: Link | None = scope.get("extensions", {}).get(LINK) if scope else None
        self.conn_id = conn_id
        self.meeting_id = meeting_id
        self.max_frames = max_frames
        self.participant_id: str | None = None
        self.waiting = False
        self.muted = False  # as the room was when its history was lost (see rejoin_command)
        self.resume_token = ""
        self.role: Literal["attendee", "facilitator"] = "attendee"
        self.token_hash = ""
        self.device_hash: str | None = None
        self.pseudonym: str | None = None
        self.last_seq = 0
        self.closed = False
        self.on_close: Callable[[], object] | None = None
        self.pending: deque[_Item] | None = None  # None: nothing queued, no writer
        self.writer: asyncio.Task[None] | None = None

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

    def send(self, frame: str | Text) -> bool:
        """Writes a frame now, or queues it; a full queue closes the connection instead.

        The fan-out passes one Text per event, so its wire bytes are built once and the
        same object reaches every connection.
        """
        if self.closed:
            return False
        return self._put(Text(frame) if isinstance(frame, str) else frame)

    def send_batch(self, frames: list[str | Text]) -> bool:
        """Sends many frames as one item: a resume's replay is owed, not a sign of slowness."""
        if not frames:
            return True
        if len(frames) == 1:
            return self.send(frames[0])
        if self.closed:
            return False
        return self._put(tuple(Text(f) if isinstance(f, str) else f for f in frames))

    def _put(self, item: Text | tuple[Text, ...]) -> bool:
        if self.pending is None:
            link = self.link
            if link is not None:
                data = item.wire if isinstance(item, Text) else batch_wire(item)
                if link.write_frame(data):
                    return True
            self.pending = deque()
        elif len(self.pending) >= self.max_frames:
            log.info("closing a connection that stopped reading (%s)", self.meeting_id)
            if self.metrics is not None:
                self.metrics.slow_consumer_closes.inc()
            self._force_close(protocol.CloseCode.TRY_AGAIN, "too slow")  # it resumes with last_seq
            return False
        self.pending.append(item)
        self._start_writer()
        return True

    def close(self, code: int = protocol.CloseCode.NORMAL, reason: str = "") -> None:
        """Closes after the frames already queued have been sent."""
        if self.closed:
            return
        self._closing()
        if self.pending is None:
            self.pending = deque()
        if len(self.pending) >= self.max_frames:
            self.pending.clear()
        self.pending.append(_Close(code, reason))
        self._start_writer()

    def _force_close(self, code: int, reason: str) -> None:
        self._closing()
        self.pending = deque([_Close(code, reason)])
        self._start_writer()

    def _closing(self) -> None:
        self.closed = True
        callback, self.on_close = self.on_close, None
        if callback is not None:
            callback()

    def _start_writer(self) -> None:
        if self.writer is None or self.writer.done():
            self.writer = asyncio.create_task(self._write(), name=f"writer {self.conn_id}")

    async def _write(self) -> None:
        ws, link = self.websocket, self.link
        try:
            while self.pending:
                item = self.pending.popleft()
                if isinstance(item, _Close):
                    self.pending.clear()
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(ws.close(item.code, item.reason), 5)
                    return
                if link is not None:
                    data = item.wire if isinstance(item, Text) else batch_wire(item)
                    while not link.write_frame(data):
                        if not await link.drained():
                            self._closing()
                            return
                elif isinstance(item, tuple):
                    for frame in item:
                        await ws.send({"type": "websocket.send", "text": frame.text})
                else:
                    await ws.send({"type": "websocket.send", "text": item.text})
            self.pending, self.writer = None, None  # caught up: back to writing directly
        except Exception:
            self._closing()

    async def finish(self) -> None:
        """Closes, waits briefly for queued frames to go out, then stops the writer.

        `asyncio.wait` neither raises the writer's own end nor swallows the caller's
        cancellation: a server shutting down still cancels the task that called this.
        """
        self.close()
        writer = self.writer
        if writer is None or writer.done():
            return
        try:
            await asyncio.wait({writer}, timeout=2)
        finally:
            if not writer.done():
                writer.cancel()
