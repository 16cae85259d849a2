"""WebSocket endpoint: origin check, hello, admission, then frames to and from the hub."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from typing import Literal

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket

from rooms import protocol
from rooms.protocol import CloseCode
from server import frames
from server.address_limits import ADDRESS_KEY, AddressLimits
from server.connection import Connection
from server.context import AppContext, ctx
from server.log.base import LogUnavailable
from server.rate_limit import FLOOD_FACTOR, RateLimit
from server.replica import Replica
from server.security import hash_secret, origin_allowed
from server.ws_admission import Entry
from server.ws_commands import carry_out, frame_too_big, receive_text, receive_unless_closing

log = logging.getLogger("hearth.ws")

RETRYABLE: frozenset[protocol.ErrorCode] = frozenset(
    {"pseudonym_taken", "pseudonym_invalid", "resume_failed"}
)

_REFUSAL_CLOSES: dict[protocol.ErrorCode, CloseCode] = {
    "meeting_not_found": CloseCode.NOT_FOUND,
    "meeting_not_open": CloseCode.NOT_OPEN,
    "meeting_ended": CloseCode.NOT_OPEN,
    "room_locked": CloseCode.NOT_OPEN,
    "room_full": CloseCode.NOT_OPEN,
    "unavailable": CloseCode.TRY_AGAIN,
}


def refusal_close(code: protocol.ErrorCode) -> CloseCode:
    """The close that follows a refused hello (docs/protocol.md, "Joining")."""
    return _REFUSAL_CLOSES.get(code, CloseCode.FORBIDDEN)


async def endpoint(websocket: WebSocket) -> None:
    app = ctx(websocket)
    settings = app.settings
    origin = websocket.headers.get("origin")
    if origin is not None and not origin_allowed(
        origin, websocket.headers.get("host"), settings.allowed_origins
    ):
        await websocket.close(code=CloseCode.FORBIDDEN)  # before accept: HTTP 403
        return
    # The hello deadline counts from here, not from the last retry (docs/protocol.md).
    hello_deadline = asyncio.get_running_loop().time() + settings.hello_timeout_seconds
    await websocket.accept()
    meeting_id = websocket.path_params["meeting_id"]
    session = _Session(app, websocket, meeting_id, hello_deadline)
    try:
        await session.run()
    finally:
        await session.finish()


class _Session:
    """One connection's life: hello, admission, commands, and the goodbye."""

    # A thousand of these live as long as their meetings: no __dict__ each.
    __slots__ = (
        "address",
        "app",
        "conn",
        "entry",
        "gone",
        "hello_deadline",
        "hub",
        "joined",
        "limits",
        "meeting_id",
        "metrics",
        "rate",
        "replica",
        "seated",
        "settings",
        "websocket",
    )

    def __init__(
        self, app: AppContext, websocket: WebSocket, meeting_id: str, hello_deadline: float
    ) -> None:
        assert app.hub is not None
        self.app = app
        self.hub = app.hub
        self.settings = app.settings
        self.websocket = websocket
        self.meeting_id = meeting_id
        self.conn = Connection(
            websocket,
            self.hub.new_conn_id(),
            meeting_id,
            self.settings.send_queue_frames,
            self.hub.metrics,
        )
        self.metrics = self.hub.metrics
        self.replica: Replica | None = None
        self.rate = RateLimit(
            self.settings.rate_limit_commands,
            self.settings.rate_limit_window_seconds,
            self.hub.stalls,
        )
        self.gone = False  # left, removed, denied: no disconnect entry needed
        # A hello retried after pseudonym_taken reuses its admission: one invite use each.
        self.entry = Entry(app, self.hub, meeting_id)
        self.joined = False
        self.hello_deadline = hello_deadline
        # Counting only (server/address_limits.py): never logged, never stored.
        self.limits: AddressLimits = websocket.app.state.address_limits
        self.address: str | None = websocket.scope.get(ADDRESS_KEY)
        self.seated = False  # holds one of its address's seats in this meeting

    def refuse(
        self,
        code: protocol.ErrorCode,
        message: str,
        close: CloseCode,
        request_id: str | None = None,
    ) -> None:
        if not self.joined:
            self.metrics.refused(code)
        self.conn.send(frames.error(code, message, request_id))
        self.conn.close(close, code)

    async def run(self) -> None:
        hello = await self._next_hello("Send hello first.")
        while hello is not None:
            if not self.limits.hello(self.address, time.monotonic()):
                self.metrics.limited("address_joins")
                self.refuse(
                    "rate_limited",
                    "Too many joins from your network; try again in a minute.",
                    CloseCode.FLOOD,
                )
                return
            result = await self._join(hello)
            if result == "joined":
                await self._serve()
                return
            if result == "refused":
                return
            # pseudonym_taken, pseudonym_invalid or resume_failed: another hello may follow,
            # but each costs a database query and a log entry, so retries count as commands.
            if self.rate.hit(time.monotonic()) > self.settings.rate_limit_commands:
                self.metrics.limited("hello_retries")
                self.refuse("rate_limited", "Too many attempts; disconnected.", CloseCode.FLOOD)
                return
            hello = await self._next_hello("Send hello again.")

    async def _next_hello(self, late: str) -> protocol.Hello | None:
        """The next frame, which must be a hello in time; None when the connection ends."""
        try:
            async with asyncio.timeout_at(self.hello_deadline):
                data = await receive_text(self.websocket)
        except TimeoutError:
            self.refuse("hello_required", late, CloseCode.HELLO)
            return None
        if data is None:
            return None
        if frame_too_big(data, self.settings.max_frame_bytes):
            self.conn.close(CloseCode.TOO_BIG, "frame too large")
            return None
        return self._decode_hello(data)

    def _decode_hello(self, data: str | bytes) -> protocol.Hello | None:
        if isinstance(data, bytes):
            self.refuse("hello_required", "The first frame must be a JSON hello.", CloseCode.HELLO)
            return None
        try:
            frame = protocol.decode_client_frame(data, self.settings.max_text_chars)
        except protocol.ProtocolError as exc:
            self.refuse(exc.code, exc.message, CloseCode.HELLO, exc.request_id)
            return None
        if not isinstance(frame, protocol.Hello):
            self.refuse("hello_required", "The first frame must be hello.", CloseCode.HELLO)
            return None
        return frame

    async def _join(self, hello: protocol.Hello) -> Literal["joined", "refused", "retry"]:
        admission = await self.entry.admit(hello)
        if admission.error is not None:
            self.refuse(
                admission.error.code, admission.error.message, refusal_close(admission.error.code)
            )
            return "refused"
        assert admission.setup is not None
        if admission.role != "facilitator" and not self.seated:
            if not self.limits.take_seat(
                self.address, self.meeting_id, admission.setup.config.capacity
            ):
                self.metrics.limited("address_seats")
                self.refuse(
                    "rate_limited",
                    "Too many people from your network are in this meeting already.",
                    CloseCode.FLOOD,
                )
                return "refused"
            self.seated = True
        command: protocol.Join | protocol.Resume
        if hello.resume is not None:
            self.conn.resume_token = hello.resume.token
            command = protocol.Resume(
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
                waiting=admission.lobby and admission.role != "facilitator",
                device_hash=admission.device_hash,
            )
            last_seq = 0
        try:
            self.replica = await self.hub.room(admission.setup)
            basis = self.entry.basis
            outcome = await self.hub.submit(
                self.replica,
                None,
                command,
                self.conn,
                last_seq,
                joining=True,
                admitted_at=basis.mark_for(self.replica) if basis is not None else None,
            )
            if (
                isinstance(outcome, protocol.Ok)
                and outcome.participant_id is not None
                and self.conn.participant_id is None
            ):
                outcome = await self._decide_again(hello, outcome, last_seq)
        except LogUnavailable:
            self.refuse(
                "unavailable",
                "The meeting is unreachable right now; try again.",
                CloseCode.TRY_AGAIN,
            )
            return "refused"
        if isinstance(outcome, protocol.Err):
            if outcome.code in RETRYABLE:
                # The client may try again on this same connection with a new hello.
                self.metrics.refused(outcome.code)
                self.conn.send(frames.refusal(outcome))
                return "retry"
            self.refuse(outcome.code, outcome.message, refusal_close(outcome.code))
            return "refused"
        self.joined = True
        self.metrics.join_by_kind["join" if hello.resume is None else "resume"].inc()
        return "joined"

    async def _decide_again(
        self, hello: protocol.Hello, joined: protocol.Ok, last_seq: int
    ) -> protocol.Outcome:
        """An organiser's edit reached the room before this join did, so the cached
        facts it was admitted on may be out of date: the database decides once more,
        before the newcomer sees anything of the room."""
        assert self.replica is not None and joined.participant_id is not None
        admission = await self.entry.admit(hello, fresh=True)
        if admission.error is None:
            self.replica.attach(self.conn, joined, last_seq)
            return joined
        self.gone = True
        with contextlib.suppress(TimeoutError):
            await self.hub.submit(self.replica, joined.participant_id, protocol.Leave())
        return admission.error

    async def _serve(self) -> None:
        assert self.replica is not None
        settings = self.settings
        flood = settings.rate_limit_commands * FLOOD_FACTOR
        # Joined: nothing reads the handshake's headers again, and they would stay for the
        # connection's life (about 1 KiB each). Cleared in place, as Starlette shares the list.
        headers = self.websocket.scope.get("headers")
        if isinstance(headers, list):
            headers.clear()
        try:
            while not self.conn.closed:
                data = await receive_unless_closing(self.conn, self.websocket)
                if data is None:
                    return
                if frame_too_big(data, settings.max_frame_bytes):
                    self.conn.close(CloseCode.TOO_BIG, "frame too large")
                    return
                count = self.rate.hit(time.monotonic())
                if count > flood:
                    self.metrics.limited("command_flood")
                    self.refuse("rate_limited", "Too many messages; disconnected.", CloseCode.FLOOD)
                    return
                if isinstance(data, bytes):
                    self.conn.send(
                        frames.error("bad_request", "Send JSON text frames, not binary.")
                    )
                    continue
                try:
                    frame = protocol.decode_client_frame(data, settings.max_text_chars)
                except protocol.ProtocolError as exc:
                    self.conn.send(frames.error(exc.code, exc.message, exc.request_id))
                    continue
                if count > settings.rate_limit_commands:
                    self.metrics.limited("command_rate")
                    self.conn.send(frames.error("rate_limited", "Slow down a little.", frame.id))
                    continue
                self.metrics.command(frame)
                setup = self.entry.admission.setup if self.entry.admission is not None else None
                group_id = setup.group_id if setup is not None else None
                if await carry_out(self.app, self.hub, self.replica, self.conn, group_id, frame):
                    self.gone = True
        finally:
            self.conn.on_close = None

    async def finish(self) -> None:
        if self.seated:
            self.seated = False
            self.limits.leave_seat(self.address, self.meeting_id)
        if not self.joined:
            await self.entry.give_back_invite()
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
