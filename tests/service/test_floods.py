"""Connection floods against a real `hearth serve` (issue 10, finding 5).

The attacker connects from 127.0.0.2 (any 127/8 address reaches a loopback server on
Linux), the honest client and the health check from 127.0.0.1, which is never counted per
address: so one test server shows both the attacker refused and everyone else served.
The limits are small (20 WebSockets in all, 5 per address, 1 s per request) so the
attacks need tens of sockets, not 20,000."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.service.conftest import Server, running_server

pytestmark = pytest.mark.service

ATTACKER = "127.0.0.2"
MAX_CONNECTIONS = 20  # WebSockets; TCP connections get a reserve of 8 above it
PER_ADDRESS = 5  # WebSockets per address; TCP connections per peer: 5 + 8
TCP_PER_PEER = PER_ADDRESS + 8
REQUEST_TIMEOUT = 1
UPGRADE = (
    "GET /ws/meetings/nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n"
)


@pytest.fixture(scope="module")
def server(service_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(
        tmp_path_factory.mktemp("floods"),
        HEARTH_MAX_CONNECTIONS=str(MAX_CONNECTIONS),
        HEARTH_MAX_CONNECTIONS_PER_ADDRESS=str(PER_ADDRESS),
        HEARTH_REQUEST_TIMEOUT_SECONDS=str(REQUEST_TIMEOUT),
        HEARTH_HELLO_TIMEOUT_SECONDS="3",
        HEARTH_JOINS_PER_ADDRESS_PER_MINUTE="1000",
    ) as srv:
        yield srv


async def connect(server: Server, source: str = ATTACKER) -> Socket:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port, local_addr=(source, 0))
    return Socket(reader, writer)


class Socket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def answer(self, timeout: float) -> bytes:
        """Everything the server sends until it closes; TimeoutError if it does not."""
        async with asyncio.timeout(timeout):
            return await self.reader.read()

    def close(self) -> None:
        self.writer.transport.abort()


@contextlib.asynccontextmanager
async def sockets() -> AsyncIterator[list[Socket]]:
    opened: list[Socket] = []
    try:
        yield opened
    finally:
        for s in opened:
            s.close()


async def healthz(server: Server) -> int:
    async with httpx.AsyncClient(timeout=3) as client:
        return (await client.get(f"{server.url}/healthz")).status_code


def status(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), answer[:80]
    return int(answer[9:12])


# Idle connections and the caps -----------------------------------------------------------


async def test_idle_connections_from_one_address_are_capped_and_time_out(server: Server) -> None:
    """One address opening 40 idle connections holds at most its share (the rest get 429 at
    once), those it holds are answered 408 and closed after the request timeout, and
    /healthz answers throughout."""
    async with sockets() as held:
        for _ in range(40):
            held.append(await connect(server))
        await asyncio.sleep(0.2)
        assert await healthz(server) == 200
        refused = []
        for s in held[TCP_PER_PEER:]:
            refused.append(status(await s.answer(1)))
        assert refused == [429] * (40 - TCP_PER_PEER)
        started = time.monotonic()
        answers = [await s.answer(REQUEST_TIMEOUT + 3) for s in held[:TCP_PER_PEER]]
        assert [status(a) for a in answers] == [408] * TCP_PER_PEER
        assert time.monotonic() - started < REQUEST_TIMEOUT + 2
        assert await healthz(server) == 200


async def test_websockets_over_the_caps_get_429_and_503_and_healthz_answers(
    server: Server,
) -> None:
    """Five WebSockets per address, then HTTP 429 before the upgrade; twenty in all (from
    four addresses), then 503; /healthz still answers from the reserve above the cap."""
    url = f"{server.ws_url}/ws/meetings/nowhere"

    def ws(source: str) -> websockets.connect:
        return websockets.connect(url, local_addr=(source, 0), open_timeout=3)

    async with contextlib.AsyncExitStack() as stack:
        for _ in range(PER_ADDRESS):
            await stack.enter_async_context(ws(ATTACKER))
        with pytest.raises(websockets.InvalidStatus) as per_address:
            await stack.enter_async_context(ws(ATTACKER))
        assert per_address.value.response.status_code == 429
        for n in range(PER_ADDRESS, MAX_CONNECTIONS):
            await stack.enter_async_context(ws(f"127.0.0.{3 + n // PER_ADDRESS}"))
        with pytest.raises(websockets.InvalidStatus) as total:
            await stack.enter_async_context(ws("127.0.0.20"))
        assert total.value.response.status_code == 503
        assert await healthz(server) == 200
    # The places come back when the connections end.
    await asyncio.sleep(0.3)
    async with ws(ATTACKER) as again:
        assert again.protocol.state.name == "OPEN"


# Slow requests --------------------------------------------------------------------------


async def drip(s: Socket, head: bytes, data: bytes, every: float = 0.1) -> bytes:
    """Sends `head`, then `data` a byte at a time until the server closes; returns what it
    answered."""
    reading = asyncio.ensure_future(s.answer(REQUEST_TIMEOUT + 5))
    s.writer.write(head)
    for byte in data:
        if reading.done():
            break
        with contextlib.suppress(ConnectionError):
            s.writer.write(bytes([byte]))
            await s.writer.drain()
        await asyncio.sleep(every)
    return await reading


@pytest.mark.parametrize(
    ("head", "dripped"),
    [
        ("GET /healthz HTTP/1.1\r\n", "Host: 127.0.0.1\r\nX-Slow: " + "s" * 100),
        (UPGRADE, "X-Slow: " + "s" * 100),
        (
            "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/json\r\nContent-Length: 400\r\n\r\n",
            '{"username": "' + "u" * 100,
        ),
        (
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "s" * 100,
        ),
    ],
    ids=["headers", "upgrade", "body", "second-request"],
)
async def test_a_slow_request_is_answered_408_and_closed(
    server: Server, head: str, dripped: str
) -> None:
    """Headers, an upgrade, a body, or a keep-alive connection's next request, dripped a
    byte every 0.1 s: 408 and closed after the request timeout, not held for ever."""
    started = time.monotonic()
    s = await connect(server)
    try:
        answer = await drip(s, head.encode(), dripped.encode())
    finally:
        s.close()
    assert re.findall(rb"HTTP/1.1 (\d{3}) ", answer)[-1] == b"408", answer[:300]
    assert time.monotonic() - started < REQUEST_TIMEOUT + 1.5


# Header sizes ---------------------------------------------------------------------------


async def send_until_closed(s: Socket, head: bytes, total: int) -> int:
    """Sends `head` then filler up to `total` bytes, stopping when the server stops reading."""
    sent = 0
    chunk = b"h" * 65536
    with contextlib.suppress(ConnectionError):
        s.writer.write(head)
        while sent < total:
            s.writer.write(chunk)
            async with asyncio.timeout(3):
                await s.writer.drain()
            sent += len(chunk)
    return sent


def rss_kib(server: Server) -> int:
    assert server.proc is not None
    for line in Path(f"/proc/{server.proc.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def test_huge_headers_get_431_and_do_not_grow_the_server(server: Server) -> None:
    """A 20 MB header gets 431 (not 200), and eight unfinished 50 MB headers at once leave
    the server's memory about where it was."""
    before = rss_kib(server)
    s = await connect(server, "127.0.0.1")
    try:
        sending = asyncio.ensure_future(
            send_until_closed(s, b"GET /healthz HTTP/1.1\r\nX-Big: ", 20_000_000)
        )
        assert status(await s.answer(5)) == 431
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sending, 5)
    finally:
        s.close()
    many = [await connect(server, "127.0.0.1") for _ in range(8)]
    try:
        await asyncio.gather(
            *(send_until_closed(m, b"GET / HTTP/1.1\r\nX-Big: ", 50_000_000) for m in many),
            return_exceptions=True,
        )
        assert {status(await m.answer(5)) for m in many} == {431}
    finally:
        for m in many:
            m.close()
    assert rss_kib(server) - before < 30 * 1024, (before, rss_kib(server))


async def test_an_upgrade_with_an_over_long_path_is_answered_and_closed(server: Server) -> None:
    """The client gets 414 at once and the connection ends, instead of being held."""
    s = await connect(server, "127.0.0.1")
    try:
        path = "/ws/meetings/" + "a" * 40_000
        s.writer.write(UPGRADE.replace("/ws/meetings/nowhere", path).encode() + b"\r\n")
        started = time.monotonic()
        assert status(await s.answer(3)) == 414
        assert time.monotonic() - started < 1.5
    finally:
        s.close()


async def test_hello_is_required_in_time_over_a_real_socket(server: Server) -> None:
    """A WebSocket that never says hello is closed 4400 after HEARTH_HELLO_TIMEOUT_SECONDS."""
    async with websockets.connect(
        f"{server.ws_url}/ws/meetings/nowhere", local_addr=(ATTACKER, 0)
    ) as ws:
        started = time.monotonic()
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(ws.recv(), 6)
        assert ws.close_code == 4400
        assert time.monotonic() - started < 4.5
