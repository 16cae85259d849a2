"""WebSocket endpoint: origin check, hello, admission, then frames to and from the hub."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import deque
from typing import Any, Literal

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket

from rooms import protocol
from server.audit import audit_row, record
from server.connection import Connection
from server.context import AppContext, ctx
from server.db.invites import refund_invite
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
        # A hello retried after pseudonym_taken reuses its admission: one invite use each.
        self.admission: Admission | None = None
        self.admitted_for: tuple[str | None, str | None, bool] | None = None
        self.joined = False

    def refuse(self, code: str, message: str, close: int, request_id: str | None = None) -> None:
        self.conn.send(error_frame(code, message, request_id))
        self.conn.close(close, code)

    async def run(self) -> None:
        hello = await self._next_hello("Send hello first.")
        while hello is not None:
            result = await self._join(hello)
            if result == "joined":
                await self._serve()
                return
            if result == "refused":
                return
            # pseudonym_taken, pseudonym_invalid or resume_failed: another hello may follow,
            # but each costs a database query and a log entry, so retries count as commands.
            if self.rate.hit(time.monotonic()) > self.settings.rate_limit_commands:
                self.refuse("rate_limited", "Too many attempts; disconnected.", CLOSE_FLOOD)
                return
            hello = await self._next_hello("Send hello again.")

    async def _next_hello(self, late: str) -> protocol.Hello | None:
        """The next frame, which must be a hello in time; None when the connection ends."""
        try:
            data = await asyncio.wait_for(
                _receive_text(self.websocket), self.settings.hello_timeout_seconds
            )
        except TimeoutError:
            self.refuse("hello_required", late, CLOSE_HELLO)
            return None
        if data is None:
            return None
        if _frame_too_big(data, self.settings.max_frame_bytes):
            self.conn.close(CLOSE_TOO_BIG, "frame too large")
            return None
        return self._decode_hello(data)

    def _decode_hello(self, data: str | bytes) -> protocol.Hello | None:
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

    async def _admit(self, hello: protocol.Hello) -> Admission:
        credentials = (hello.invite, hello.facilitator_token, hello.resume is None)
        if self.admission is not None and self.admitted_for == credentials:
            return self.admission
        await self._give_back_invite()
        admission = await admit(self.app, self.meeting_id, hello)
        if admission.error is None:
            self.admission, self.admitted_for = admission, credentials
        return admission

    async def _give_back_invite(self) -> None:
        """An invite use counts only for someone who got in (or into the lobby)."""
        admission, self.admission = self.admission, None
        if admission is None or admission.invite is None or admission.setup is None:
            return
        try:
            async with self.app.session() as session:
                await refund_invite(session, admission.setup.group_id, admission.invite)
        except Exception:
            log.warning("could not give back an unused invite use (%s)", self.meeting_id)

    async def _join(self, hello: protocol.Hello) -> Literal["joined", "refused", "retry"]:
        admission = await self._admit(hello)
        if admission.error is not None:
            code, message = admission.error
            self.refuse(code, message, _encoder_errors.get(code, CLOSE_FORBIDDEN))
            return "refused"
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
            return "refused"
        if not outcome.ok:
            close = _encoder_errors.get(outcome.code, CLOSE_FORBIDDEN)
            if outcome.code in {"pseudonym_taken", "pseudonym_invalid", "resume_failed"}:
                # The client may try again on this same connection with a new hello.
                self.conn.send(error_frame(outcome.code, outcome.message))
                return "retry"
            self.refuse(outcome.code, outcome.message, close)
            return "refused"
        self.joined = True
        return "joined"

    async def _serve(self) -> None:
        assert self.replica is not None
        settings = self.settings
        flood = settings.rate_limit_commands * FLOOD_FACTOR
        closing = asyncio.create_task(self.conn.closing.wait(), name="closing")
        try:
            while not self.conn.closed:
                data = await self._receive_unless_closing(closing)
                if data is None:
                    return
                if _frame_too_big(data, settings.max_frame_bytes):
                    self.conn.close(CLOSE_TOO_BIG, "frame too large")
                    return
                count = self.rate.hit(time.monotonic())
                if count > flood:
                    self.refuse("rate_limited", "Too many messages; disconnected.", CLOSE_FLOOD)
                    return
                if isinstance(data, bytes):
                    self.conn.send(error_frame("bad_request", "Send JSON text frames, not binary."))
                    continue
                try:
                    frame = protocol.decode_client_frame(data, settings.max_text_chars)
                except protocol.ProtocolError as exc:
                    self.conn.send(error_frame(exc.code, exc.message, exc.request_id))
                    continue
                if count > settings.rate_limit_commands:
                    request_id = getattr(frame, "id", None)
                    self.conn.send(error_frame("rate_limited", "Slow down a little.", request_id))
                    continue
                await self._command(frame)
        finally:
            closing.cancel()

    async def _receive_unless_closing(self, closing: asyncio.Task[Any]) -> str | bytes | None:
        """The next frame, or None once this side is closing: a client that stopped
        reading never answers its close frame, and must not keep its place for ever."""
        receiving = asyncio.ensure_future(_receive_text(self.websocket))
        try:
            await asyncio.wait((receiving, closing), return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not receiving.done():
                receiving.cancel()
        return None if receiving.cancelled() else receiving.result()

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
        if not self.joined:
            await self._give_back_invite()
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
