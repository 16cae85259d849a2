"""A real `hearth serve`'s log names no client, holds no secret from a path, and cannot be
forged: each test attacks the server over real connections and reads what it wrote."""

from __future__ import annotations

import asyncio
import re
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


LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ [\w.]+: ")


@pytest.mark.timeout(60)
async def test_the_access_log_names_routes_not_paths_and_cannot_be_forged(tmp_path: Path) -> None:
    """An invite revoked by its code, a code in a query and an unmatched path, and paths
    carrying CR LF and ESC (percent-encoded, and raw): the log names the routes, holds no
    code, and every line is one the server wrote."""
    server = bound_server(tmp_path, "127.0.0.1")
    server.start()
    try:
        meeting = create_meeting(server)
        org = meeting.organiser
        invite = org.post(f"/api/groups/{meeting.group_id}/invites", json={})
        assert invite.status_code == 201, invite.text
        code = invite.json()["code"]
        assert org.get(f"/api/groups/{meeting.group_id}/invites?code={code}").status_code == 200
        revoked = org.delete(f"/api/groups/{meeting.group_id}/invites/{code}")
        assert revoked.status_code == 204, revoked.text
        assert org.get(f"/join/{code}").status_code == 404
        forged = "%0d%0a2026-01-01 00:00:00,000 INFO hearth.access: GET /forged 200 0.1ms%1b[2J"
        assert org.get(f"/api/groups/{forged.replace(' ', '%20')}").status_code == 404
        assert org.get(f"/nowhere/{forged.replace(' ', '%20')}").status_code == 404
        for raw in (
            b"GET /api/x\x1b[2J HTTP/1.1\r\n",
            b"GET /api/x\r2026-01-01 INFO x: y HTTP/1.1\r\n",
        ):
            await raw_request(server, raw + f"Host: {server.netloc}\r\n\r\n".encode())
        with pytest.raises(websockets.InvalidStatus):
            await websockets.connect(f"{server.ws_url}/ws/%0d%0aforged%1b[2J")
    finally:
        server.stop()

    log = server.log()
    assert code not in log and code.lower() not in log.lower(), "the log holds the invite code"
    assert "forged" not in log.replace("%0d%0aforged%1b", "")  # only uvicorn's encoded path
    assert "\x1b" not in log and "\r" not in log
    for line in log.splitlines():
        assert LINE.match(line) or line.startswith("  "), (
            f"a line the server did not write: {line!r}"
        )
    assert "DELETE /api/groups/{id}/invites/{code} 204" in log
    assert "GET /api/groups/{id}/invites 200" in log
    assert "GET unmatched 404" in log
