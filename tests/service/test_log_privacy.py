"""A real `hearth serve`'s log names no client, holds no secret from a path, and cannot be
forged: each test attacks the server over real connections and reads what it wrote."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
import websockets
from websockets.typing import Origin

from tests.service.conftest import Server, server_env
from tests.service.rooms import create_meeting
from tests.services import TIMEOUT

pytestmark = pytest.mark.service


@dataclass
class BoundServer(Server):
    """A `hearth serve` bound to one address, IPv6 included."""

    host: str = "127.0.0.1"

    @property
    def netloc(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.netloc}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.netloc}"


def bound_server(tmp: Path, host: str) -> BoundServer:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
    env = server_env(tmp / "data", HEARTH_LOG_LEVEL="debug")
    return BoundServer(port, env, tmp / "server.log", ["--host", host], host=host)


async def raw_request(server: BoundServer, data: bytes) -> bytes:
    """Sends bytes as they are and reads the answer until the server closes."""
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), TIMEOUT)
    finally:
        writer.close()


def client_forms(host: str, port: int) -> list[str]:
    """Every way a log could write this client: the address alone, with its port, bracketed,
    IPv4-mapped, and the port alone."""
    forms = [host, f"[{host}]", f"{host}:{port}", f":{port}", str(port)]
    if host == "127.0.0.1":
        forms += ["::ffff:127.0.0.1", "::ffff:7f00:1"]
    if host == "::1":
        forms += ["0:0:0:0:0:0:0:1"]
    return forms


@pytest.mark.timeout(60)
@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
async def test_no_log_line_names_a_client_address(tmp_path: Path, host: str) -> None:
    """A join, a refused upgrade, a broken upgrade, a bad request and plain requests, with
    the server on IPv4 and IPv6 loopback: no line but uvicorn's startup line (the server's
    own address, which the operator chose) holds any form of the client's address."""
    server = bound_server(tmp_path, host)
    server.start()
    ports: list[int] = []
    try:
        meeting = create_meeting(server)
        attendee = await meeting.join("amber", pseudonym="Amber")  # uvicorn: [accepted]
        ports.append(attendee.ws.transport.get_extra_info("sockname")[1])
        await attendee.close()
        with pytest.raises(websockets.InvalidStatus):  # refused before accept: 403
            await websockets.connect(meeting.ws_url, origin=Origin("https://elsewhere.example"))
        with pytest.raises(websockets.InvalidStatus):  # no such WebSocket route
            await websockets.connect(f"{server.ws_url}/ws/nowhere?token=x")
        broken_upgrade = (
            f"GET /ws/meetings/{meeting.id} HTTP/1.1\r\nHost: {server.netloc}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        await raw_request(server, broken_upgrade.encode())
        answer = await raw_request(server, b"NOT HTTP AT ALL\x01\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 400"), answer
        for path in ("/healthz", "/api/nowhere", "/static/nothing.css"):
            meeting.organiser.get(f"{server.url}{path}")
    finally:
        server.stop()

    lines = server.log().splitlines()
    assert any('"WebSocket /ws/meetings/' in line and "[accepted]" in line for line in lines)
    assert any("Invalid HTTP request" in line for line in lines), "the bad request ran"
    startup = [line for line in lines if "Uvicorn running on" in line]
    for line in lines:
        if line in startup:
            continue
        for port in ports:
            for form in client_forms(host, port):
                assert form not in line, f"{form!r} in {line!r}"
    assert len(startup) == 1 and f"http://{server.netloc} " in startup[0], startup
    accepted = next(line for line in lines if "[accepted]" in line)
    assert "[client]" in accepted, accepted  # removed before formatting, not redacted after
