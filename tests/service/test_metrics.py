"""GET /metrics on a real `hearth serve`: the figures move as an operator watching a
meeting would expect, the token keeps the endpoint closed, and nothing in a scrape names
a meeting, a group, a person, what they said or where they connect from."""

from __future__ import annotations

import asyncio
import secrets
import socket
import string
from collections.abc import Iterator

import httpx
import pytest
import websockets

from tests.service.conftest import Server, running_server
from tests.service.rooms import create_meeting
from tests.service.scrape import Samples, scrape, scrape_text, value
from tests.wsclient import Client

pytestmark = pytest.mark.service

TOKEN = secrets.token_urlsafe(24)
OUTSIDER = "127.0.0.2"  # counted per address (127.0.0.1 never is: server/address_limits.py)
JOINS_PER_MINUTE = 2
SOCKETS_PER_ADDRESS = JOINS_PER_MINUTE + 1


@pytest.fixture(scope="module")
def server(service_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(
        tmp_path_factory.mktemp("metrics"),
        HEARTH_METRICS_TOKEN=TOKEN,
        HEARTH_JOINS_PER_ADDRESS_PER_MINUTE=str(JOINS_PER_MINUTE),
        HEARTH_MAX_CONNECTIONS_PER_ADDRESS=str(SOCKETS_PER_ADDRESS),
    ) as srv:
        yield srv


def letters() -> str:
    """A random name part with no digits (digits can look like a phone number: refused)."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))


def outside(server: Server) -> socket.socket:
    """A TCP connection to the server from OUTSIDER."""
    return socket.create_connection(("127.0.0.1", server.port), source_address=(OUTSIDER, 0))


async def settled(server: Server, name: str, expected: float) -> None:
    """Waits until a scrape shows `expected` (a closed connection is let go just after)."""
    for _ in range(50):
        if value(scrape(server, TOKEN), name) == expected:
            return
        await asyncio.sleep(0.1)
    assert value(scrape(server, TOKEN), name) == expected


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def test_the_token_guards_the_endpoint_and_scraping_often_is_no_abuse(server: Server) -> None:
    url = f"{server.url}/metrics"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        r = httpx.get(url, headers=headers)
        assert r.status_code == 401, headers
        assert r.json()["error"]["code"] == "unauthorised"
        assert r.headers["www-authenticate"].startswith("Bearer")
    # Prometheus scrapes every 15 s for ever, on one connection or on new ones.
    with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        assert all(client.get(url).status_code == 200 for _ in range(30))
    assert all(scrape_text(server, TOKEN) for _ in range(10))
    assert TOKEN not in server.log()


async def test_the_figures_follow_joins_refusals_commands_and_floods(server: Server) -> None:
    before = scrape(server, TOKEN)
    meeting = create_meeting(server)
    pseudonym = f"Wren {letters()}"
    marker = f"marker{secrets.token_hex(6)}"
    host = await meeting.facilitator(pseudonym=f"Host {letters()}")
    wren = await meeting.join("wren", pseudonym=pseudonym)

    twin = await Client.connect(meeting.ws_url, "twin")
    assert (await twin.hello(pseudonym=pseudonym))["code"] == "pseudonym_taken"
    nowhere = await Client.connect(f"{server.ws_url}/ws/meetings/nowhere", "lost")
    assert (await nowhere.hello())["code"] == "meeting_not_found"

    assert (await wren.command("say", text=f"hello {marker}"))["type"] == "ack"
    await host.wait_for("message", text=f"hello {marker}")
    assert (await host.command("raise_hand"))["type"] == "ack"
    await wren.wait_for("hand_raised")

    # A flood: far over the command limit in one window closes the connection (4429).
    flooder = await meeting.join("flooder")
    for _ in range(60):
        await flooder.send({"type": "ping"})
    assert await flooder.closed() == 4429

    # Joins from one outside address, past its share of the minute.
    for n in range(JOINS_PER_MINUTE + 1):
        outsider = await Client.connect(meeting.ws_url, f"outsider{n}", sock=outside(server))
        reply = await outsider.hello()
    assert reply["code"] == "rate_limited"
    # And past its share of open WebSockets: the two that joined, one more, and no more.
    await outsider.closed()
    open_now = 3 + JOINS_PER_MINUTE  # host, wren, twin and the outsiders who got in
    await settled(server, "hearth_connections", open_now)
    await Client.connect(meeting.ws_url, "lurker", sock=outside(server))
    with pytest.raises(websockets.InvalidStatus) as refused:
        await Client.connect(meeting.ws_url, "one too many", sock=outside(server))
    assert refused.value.response.status_code == 429

    after = scrape(server, TOKEN)
    assert moved(before, after, "hearth_joins_total", kind="join") == 3 + JOINS_PER_MINUTE
    assert moved(before, after, "hearth_join_refusals_total", code="pseudonym_taken") == 1
    assert moved(before, after, "hearth_join_refusals_total", code="meeting_not_found") == 1
    assert moved(before, after, "hearth_join_refusals_total", code="rate_limited") == 1
    assert moved(before, after, "hearth_rate_limited_total", limit="address_joins") == 1
    assert moved(before, after, "hearth_rate_limited_total", limit="address_connections") == 1
    assert moved(before, after, "hearth_commands_total", type="say") == 1
    assert moved(before, after, "hearth_commands_total", type="raise_hand") == 1
    assert moved(before, after, "hearth_rate_limited_total", limit="command_flood") == 1
    assert moved(before, after, "hearth_rate_limited_total", limit="command_rate") >= 1
    # The message and the raised hand, each to at least the two people in the room.
    assert moved(before, after, "hearth_deliveries_total") >= 4
    assert moved(before, after, "hearth_log_append_seconds_count") >= 5
    assert value(after, "hearth_rooms") >= 1
    assert value(after, "hearth_participants_connected") >= 2 + JOINS_PER_MINUTE
    assert value(after, "hearth_connections") == open_now + 1
    assert value(after, "process_resident_memory_bytes") > 0

    # Everyone leaves: the open-connection gauges come back down.
    for client in (host, wren, twin):
        await client.close()
    await asyncio.sleep(0.3)
    later = scrape(server, TOKEN)
    assert value(later, "hearth_connections") == value(after, "hearth_connections") - 3
    assert (
        value(later, "hearth_participants_connected")
        == value(after, "hearth_participants_connected") - 2
    )


async def test_a_scrape_names_no_meeting_person_text_or_address(server: Server) -> None:
    meeting = create_meeting(server)
    pseudonym = f"Heron {letters()}"
    marker = f"marker{secrets.token_hex(6)}"
    host = await meeting.facilitator(pseudonym=f"Host {letters()}")
    heron = await meeting.join("heron", pseudonym=pseudonym)
    assert (await heron.command("say", text=marker))["type"] == "ack"
    await host.wait_for("message", text=marker)
    await heron.command("whisper", to=host.me, text=f"whisper {marker}")
    await Client.connect(meeting.ws_url, "outsider", sock=outside(server))
    text = scrape_text(server, TOKEN)
    for secret in (meeting.id, meeting.group_id, pseudonym, marker, "127.0.0", TOKEN):
        assert secret not in text, secret
