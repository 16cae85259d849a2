"""Setting up meetings on a real server through its HTTP API, for the tests that need a
real process (limits, slow readers, privacy, clusters); room rules are checked in process,
in tests/server/ws."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.service.conftest import OPEN_CLIENTS, Server
from tests.wsclient import Client


@dataclass
class Meeting:
    server: Server
    id: str
    group_id: str
    organiser: httpx.Client

    @property
    def ws_url(self) -> str:
        return f"{self.server.ws_url}/ws/meetings/{self.id}"

    def facilitator_token(self) -> str:
        r = self.organiser.post(f"/api/meetings/{self.id}/facilitator-token")
        assert r.status_code == 200, r.text
        token: str = r.json()["token"]
        return token

    async def join(self, name: str = "", **hello: Any) -> Client:
        client = await Client.connect(self.ws_url, name)
        reply = await client.hello(**hello)
        assert reply["type"] in {"welcome", "waiting"}, reply
        return client

    async def facilitator(self, pseudonym: str = "Host") -> Client:
        return await self.join(
            "host", pseudonym=pseudonym, facilitator_token=self.facilitator_token()
        )


def organiser_client(server: Server) -> httpx.Client:
    """A new organiser, signed in; the caller closes the client."""
    name = f"org{secrets.token_hex(3)}"
    result = server.hearth("user", "add", name, "--role", "organiser", stdin="long passphrase\n")
    assert result.returncode == 0, result.stderr
    client = httpx.Client(base_url=server.url, timeout=10)
    r = client.post("/api/auth/login", json={"username": name, "password": "long passphrase"})
    assert r.status_code == 200, r.text
    return client


def create_meeting(
    server: Server,
    organiser: httpx.Client | None = None,
    starts_in: timedelta = timedelta(minutes=-1),
    duration_minutes: int = 60,
    **group: Any,
) -> Meeting:
    """A group (options as in POST /api/groups) with one meeting, by default open now."""
    org = organiser
    if org is None:
        org = organiser_client(server)
        OPEN_CLIENTS.append(org)
    body = {"name": "Test circle", "timezone": "UTC", **group}
    g = org.post("/api/groups", json=body)
    assert g.status_code == 201, g.text
    start = (datetime.now(UTC) + starts_in).strftime("%Y-%m-%dT%H:%M")
    m = org.post(
        f"/api/groups/{g.json()['id']}/meetings",
        json={"starts_at": start, "timezone": "UTC", "duration_minutes": duration_minutes},
    )
    assert m.status_code == 201, m.text
    return Meeting(server, m.json()[0]["id"], g.json()["id"], org)
