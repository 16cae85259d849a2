"""WebSocket endpoint: origin check, hello, admission, then frames to and from the hub."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import deque
from typing import Any

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket

from rooms import protocol
from server.audit import audit_row, record
from server.connection import Connection
from server.context import AppContext, ctx
from server.log.base import LogUnavailable
from server.meeting_setup import Admission, admit
from server.replica import Outcome, Replica
from server.security import hash_secret, origin_allowed

log = logging.getLogger("hearth.ws")

CLOSE_NORMAL = 1000
CLOSE_TOO_BIG = 1009
CLOSE_HELLO = 4400
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_NOT_OPEN = 4409
CLOSE_FLOOD = 4429
FLOOD_FACTOR = 5

_encoder_errors: dict[str, int] = {
    "meeting_not_found": CLOSE_NOT_FOUND,
    "meeting_not_open": CLOSE_NOT_OPEN,
    "meeting_ended": CLOSE_NOT_OPEN,
    "room_locked": CLOSE_NOT_OPEN,
    "room_full": CLOSE_NOT_OPEN,
}


def error_frame(code: str, message: str, request_id: str | None = None) -> str:
    return protocol.encode_server_message(
        {"type": "error", "id": request_id, "code": code, "message": message}
    )


class RateLimit:
    """A sliding window: over the limit, refuse; far over it, the caller closes."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.times: deque[float] = deque()

    def hit(self, now: float) -> int:
        while self.times and now - self.times[0] > self.window:
            self.times.popleft()
        self.times.append(now)
        return len(self.times)


async def _receive_text(websocket: WebSocket) -> str | bytes | None:
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        return None
    text = message.get("text")
    if text is not None:
        return str(text)
    return bytes(message.get("bytes") or b"")


def _frame_too_big(data: str | bytes, limit: int) -> bool:
    if isinstance(data, bytes):
        return len(data) > limit
    return len(data) > limit // 4 and len(data.encode()) > limit


async def endpoint(websocket: WebSocket) -> None:
    app = ctx(websocket)
    settings = app.settings
    origin = websocket.headers.get("origin")
    if origin is not None and not origin_allowed(
        origin, websocket.headers.get("host"), settings.allowed_origins
    ):
        await websocket.close(code=CLOSE_FORBIDDEN)  # before accept: HTTP 403
        return
    await websocket.accept()
    meeting_id = websocket.path_params["meeting_id"]
    session = _Session(app, websocket, meeting_id)
    try:
        await session.run()
    finally:
        await session.finish()


class _Session:
    """One connection's life: hello, admission, commands, and the goodbye."""

    def __init__(self, app: AppContext, websocket: WebSocket, meeting_id: str) -> None:
        assert app.hub is not None
        self.app = app
        self.hub = app.hub
        self.settings = app.settings
        self.websocket = websocket
        self.meeting_id = meeting_id
        self.conn = Connection(
            websocket, self.hub.new_conn_id(), meeting_id, self.settings.send_queue_frames
        )
        self.replica: Replica | None = None
        self.rate = RateLimit(
            self.settings.rate_limit_commands, self.settings.rate_limit_window_seconds
        )
        self.gone = False  # left, removed, denied: no disconnect entry needed

    def refuse(self, code: str, message: str, close: int, request_id: str | None = None) -> None:
        self.conn.send(error_frame(code, message, request_id))
        self.conn.close(close, code)

    async def run(self) -> None:
        try:
            first = await asyncio.wait_for(
                _receive_text(self.websocket), self.settings.hello_timeout_seconds
            )
        except TimeoutError:
            self.refuse("hello_required", "Send hello first, within 10 seconds.", CLOSE_HELLO)
            return
        if first is None:
            return
        if _frame_too_big(first, self.settings.max_frame_bytes):
            self.conn.close(CLOSE_TOO_BIG, "frame too large")
            return
        hello = self._decode_hello(first)
        if hello is None:
            return
        if not await self._join(hello):
            return
        await self._serve()

    def _decode_hello(self, data: str | bytes) -> Any:
        if isinstance(data, bytes):
            self.refuse("hello_required", "The first frame must be a JSON hello.", CLOSE_HELLO)
            return None
        try:
            frame = protocol.decode_client_frame(data, self.settings.max_text_chars)
        except protocol.ProtocolError as exc:
            self.refuse(exc.code, exc.message, CLOSE_HELLO, exc.request_id)
            return None
        if not isinstance(frame, protocol.Hello):
            self.refuse("hello_required", "The first frame must be hello.", CLOSE_HELLO)
            return None
        return frame

    async def _join(self, hello: protocol.Hello) -> bool:
        admission: Admission = await admit(self.app, self.meeting_id, hello)
        if admission.error is not None:
            code, message = admission.error
            self.refuse(code, message, _encoder_errors.get(code, CLOSE_FORBIDDEN))
            return False
        assert admission.setup is not None
        try:
            self.replica = await self.hub.room(admission.setup)
            if hello.resume is not None:
                self.conn.resume_token = hello.resume.token
                command: Any = protocol.Resume(
                    conn=self.conn.conn_id, token_hash=hash_secret(hello.resume.token)
                )
                last_seq = hello.resume.last_seq
            else:
                token = secrets.token_urlsafe(24)
                self.conn.resume_token = token
                command = protocol.Join(
                    conn=self.conn.conn_id,
                    role=admission.role,
                    pseudonym=hello.pseudonym,
                    name_seed=secrets.randbits(32),
                    token_hash=hash_secret(token),
                    lobby_exempt=admission.role == "facilitator",
                )
                last_seq = 0
            outcome = await self.hub.submit(
                self.replica, None, command, self.conn, last_seq, joining=True
            )
        except LogUnavailable:
            self.refuse("unavailable", "The meeting is unreachable right now; try again.", 1013)
            return False
        if not outcome.ok:
            close = _encoder_errors.get(outcome.code, CLOSE_FORBIDDEN)
            if outcome.code in {"pseudonym_taken", "pseudonym_invalid", "resume_failed"}:
                # The client may try again on this same connection with a new hello.
                self.conn.send(error_frame(outcome.code, outcome.message))
                return await self._retry_hello()
            self.refuse(outcome.code, outcome.message, close)
            return False
        return True

    async def _retry_hello(self) -> bool:
        try:
            data = await asyncio.wait_for(
                _receive_text(self.websocket), self.settings.hello_timeout_seconds
            )
        except TimeoutError:
            self.refuse("hello_required", "Send hello again.", CLOSE_HELLO)
            return False
        if data is None:
            return False
        hello = self._decode_hello(data)
        return hello is not None and await self._join(hello)

    async def _serve(self) -> None:
        assert self.replica is not None
        settings = self.settings
        flood = settings.rate_limit_commands * FLOOD_FACTOR
        while not self.conn.closed:
            data = await _receive_text(self.websocket)
            if data is None:
                return
            if _frame_too_big(data, settings.max_frame_bytes):
                self.conn.close(CLOSE_TOO_BIG, "frame too large")
                return
            count = self.rate.hit(time.monotonic())
            if count > flood:
                self.refuse("rate_limited", "Too many messages; disconnected.", CLOSE_FLOOD)
                return
            if count > settings.rate_limit_commands:
                self.conn.send(error_frame("rate_limited", "Slow down a little."))
                continue
            if isinstance(data, bytes):
                self.conn.send(error_frame("bad_request", "Send JSON text frames, not binary."))
                continue
            try:
                frame = protocol.decode_client_frame(data, settings.max_text_chars)
            except protocol.ProtocolError as exc:
                self.conn.send(error_frame(exc.code, exc.message, exc.request_id))
                continue
            await self._command(frame)

    async def _command(self, frame: Any) -> None:
        assert self.replica is not None
        request_id = getattr(frame, "id", None)
        pid = self.conn.participant_id
        if isinstance(frame, protocol.Hello):
            self.conn.send(error_frame("bad_request", "Already joined.", request_id))
            return
        if isinstance(frame, protocol.Ping):
            self.conn.send(protocol.encode_server_message({"type": "pong", "id": request_id}))
            return
        if pid is None:
            self.conn.send(
                error_frame("unavailable", "The room is being restored; try again.", request_id)
            )
            return
        local = self.replica.local_answer(pid, frame, self.hub.now_ms())
        if local is not None:
            self.conn.send(local)
            return
        try:
            outcome: Outcome = await self.hub.submit(
                self.replica, pid, frame, self.conn, request_id=request_id
            )
        except LogUnavailable:
            self.conn.send(
                error_frame("unavailable", "The meeting is unreachable; try again.", request_id)
            )
            return
        if outcome.ok and isinstance(frame, protocol.Leave):
            self.gone = True
        if outcome.ok and pid is not None:
            row = audit_row(self.replica.room, self.meeting_id, pid, frame)
            if row is not None:
                self.hub.spawn(record(self.app, row, isinstance(frame, protocol.End)), "audit")

    async def finish(self) -> None:
        replica, pid = self.replica, self.conn.participant_id
        if replica is not None:
            replica.detach(self.conn)
            if pid is not None and not self.gone and not replica.ended and replica.is_member(pid):
                with contextlib.suppress(LogUnavailable, TimeoutError):
                    await self.hub.submit(
                        replica,
                        None,
                        protocol.Disconnect(participant_id=pid, conn=self.conn.conn_id),
                    )
            self.hub.release(replica)
        await self.conn.finish()


routes: list[BaseRoute] = [WebSocketRoute("/ws/meetings/{meeting_id}", endpoint)]
