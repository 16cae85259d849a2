"""uvicorn's HTTP and WebSocket protocols, with the bounds uvicorn does not keep by itself.

uvicorn (httptools) takes request headers of any size, for as long as the client likes,
and never times out a connection that has not finished its first request: a handful of
clients could hold every file descriptor, or grow the worker by the size of their headers.
So each TCP connection here, from accept to close (across the WebSocket upgrade):

- counts against `HEARTH_MAX_CONNECTIONS` plus a reserve for plain HTTP (so `/healthz`
  answers while WebSockets are at their cap), and against `HEARTH_MAX_CONNECTIONS_PER_ADDRESS`
  plus a reserve for its peer address (a trusted proxy is not capped per address); over
  either it is answered 503 or 429 at once and closed;
- must complete each request, headers and body, within `HEARTH_REQUEST_TIMEOUT_SECONDS`
  of its first byte (the first from the accept), else 408 and close;
- may send at most `HEARTH_MAX_HEADER_BYTES` of request line and headers, else 414 (the
  request line alone is too long) or 431, and close.

`hearth serve` passes these classes to uvicorn by name; each worker reads the settings once.
The peer address is a counting key only, never logged.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from functools import cache
from http import HTTPStatus
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request
from websockets.protocol import State

from server.address_limits import address_key, is_trusted, trusted_networks
from server.config import Settings
from server.light_sync import Flag, Inbox
from server.wire import LINK

LINGER_SECONDS = 1.0  # read and drop what a refused client still sends, so it sees our answer
MAX_LINGERING = 64  # beyond that many at once, refused connections close straight away


def reserve(limit: int) -> int:
    """The connections kept above a WebSocket cap for plain HTTP: a tenth, at least 8."""
    return max(8, limit // 10)


class Sockets:
    """Every open TCP connection of this worker, by transport, with its peer's key."""

    def __init__(self, settings: Settings) -> None:
        self.max_total = settings.max_connections + reserve(settings.max_connections)
        per_address = settings.max_connections_per_address
        self.max_per_peer = per_address + reserve(per_address)
        self.max_header_bytes = settings.max_header_bytes
        self.request_timeout = settings.request_timeout_seconds
        self.networks = trusted_networks(settings)
        self.peers: dict[asyncio.BaseTransport, str | None] = {}
        self.counts: Counter[str] = Counter()
        self.lingering = 0

    def acquire(self, transport: asyncio.BaseTransport) -> int | None:
        """Counts a new connection; or the status that refuses it (503 full, 429 yours)."""
        if len(self.peers) >= self.max_total:
            return 503
        peername = transport.get_extra_info("peername")
        peer = str(peername[0]) if isinstance(peername, tuple) and peername else ""
        key = None if is_trusted(peer, self.networks) else address_key(peer)
        if key is not None and self.counts[key] >= self.max_per_peer:
            return 429
        self.peers[transport] = key
        if key is not None:
            self.counts[key] += 1
        return None

    def release(self, transport: asyncio.BaseTransport) -> None:
        if transport not in self.peers:
            return
        key = self.peers.pop(transport)
        if key is not None:
            self.counts[key] -= 1
            if self.counts[key] <= 0:
                del self.counts[key]


@cache
def sockets() -> Sockets:
    return Sockets(Settings.from_env())


def _response(status: int) -> bytes:
    phrase = HTTPStatus(status).phrase
    body = f"{status} {phrase}\n".encode()
    retry = b"retry-after: 30\r\n" if status in {429, 503} else b""
    return (
        f"HTTP/1.1 {status} {phrase}\r\n".encode()
        + b"content-type: text/plain; charset=utf-8\r\n"
        + f"content-length: {len(body)}\r\n".encode()
        + retry
        + b"connection: close\r\n\r\n"
        + body
    )


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """httptools with a connection cap, a request deadline and a header size limit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = sockets()
        self.deadline: asyncio.TimerHandle | None = None
        self.in_headers = True
        self.header_bytes = 0
        self.line_done = False
        self.refused = False
        self.upgraded = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        status = self.guard.acquire(transport)
        if status is not None:
            self.answer(status)
            return
        self.arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm()
        self.guard.release(self.transport)
        if self.refused and self.guard.lingering > 0:
            self.guard.lingering -= 1
            self.refused = False
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return  # lingering: dropped unread
        counting = self.in_headers
        if counting:
            self.header_bytes += len(data)
            self.line_done = self.line_done or b"\n" in data
        super().data_received(data)
        if self.upgraded:
            # The parser calls back into this protocol, which holds the parser: a cycle
            # only the collector would free, long after a rush of a thousand upgrades
            # had piled them up. Let go of it here, and this object goes with its socket.
            self.parser = None  # type: ignore[assignment]
            return
        unfinished = counting and self.in_headers and not self.refused
        if unfinished and self.header_bytes > self.guard.max_header_bytes:
            self.answer(431 if self.line_done else 414)

    def handle_websocket_upgrade(self) -> None:
        self.upgraded = True
        self.disarm()  # from here on the WebSocket's own deadlines (hello, pings) apply
        super().handle_websocket_upgrade()

    # Parser callbacks ------------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.cycle is not None:  # a later request on this connection counts afresh
            self.in_headers, self.header_bytes, self.line_done = True, 0, False
        if self.deadline is None:
            self.arm()

    def on_headers_complete(self) -> None:
        self.in_headers = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.disarm()
        super().on_message_complete()

    # The deadline and the answers --------------------------------------------------------

    def arm(self) -> None:
        self.disarm()
        self.deadline = self.loop.call_later(self.guard.request_timeout, self.expired)

    def disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def expired(self) -> None:
        self.deadline = None
        if self.upgraded or self.transport.is_closing():
            return
        cycle = self.cycle
        if self.in_headers or cycle is None:
            self.answer(408)
        elif not cycle.more_body and not cycle.response_complete:
            return  # the request is in; the app is answering it
        elif cycle.response_started:
            self.transport.close()  # answered (or answering) before the body came: just go
        else:
            self.answer(408)

    def answer(self, status: int) -> None:
        """Writes a short response and closes; the client is not read any more."""
        self.disarm()
        self.refused = True
        self.guard.release(self.transport)  # its place is free now, and uvicorn's
        self.connections.discard(self)  # concurrency limit does not count it either
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True  # the app, if it is waiting for a body, sees a disconnect
            cycle.message_event.set()
        self.transport.write(_response(status))
        if self.guard.lingering >= MAX_LINGERING or not self.transport.can_write_eof():
            self.refused = False
            self.transport.close()
            return
        self.guard.lingering += 1
        self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)


class GuardedWebSocketsProtocol(WebSocketsSansIOProtocol):
    """websockets' sans-I/O protocol that gives back its connection's place when it ends,
    and takes prebuilt frames straight to the socket (a server.wire.Link, offered to the
    app in the scope's extensions).

    A frame written here bypasses only websockets' framing of data frames, which keeps no
    state for unfragmented ones; pings, pongs and the close handshake still go through it,
    and nothing is written once a close frame has been sent or the peer is gone.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = cast(Any, Inbox())  # see server/light_sync.py
        self.writable = cast(Any, Flag())
        self.writable.set()

    def connection_lost(self, exc: Exception | None) -> None:
        sockets().release(self.transport)
        super().connection_lost(exc)

    async def send(self, message: Any) -> None:
        await super().send(message)
        if self.handshake_complete and self.response is not None:
            # Sent: the handshake's request and response (their headers) are not needed
            # again, and would otherwise stay for the connection's life.
            self.request = self.response = cast(Any, None)

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        # The scope has its own copy now; websockets' parser would keep this one alive
        # for the connection's life (a local of its generator).
        event.headers.clear()
        if self.handshake_initiated and not self.close_sent:
            cast(dict[str, object], self.scope["extensions"])[LINK] = self

    def _open(self) -> bool:
        return (
            self.handshake_complete
            and self.initial_response is None
            and not self.close_sent
            and not self.disconnected
            and self.conn.state is State.OPEN
            and not self.transport.is_closing()
        )

    def write_frame(self, data: bytes) -> bool:
        if not self.writable.is_set() or not self._open():
            return False
        self.transport.write(data)
        return True

    async def drained(self) -> bool:
        await self.writable.wait()
        return self._open()


HTTP = f"{__name__}:GuardedHttpToolsProtocol"
WS = f"{__name__}:GuardedWebSocketsProtocol"
