"""Bad input and limits over real WebSockets: clear errors, and the connection lives on."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import websockets

from tests.service.conftest import OPEN_CLIENTS, Server, server_env
from tests.service.rooms import create_meeting
from tests.services import free_port
from tests.wsclient import Client

pytestmark = pytest.mark.service


@pytest.fixture(scope="module")
def server(service_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp: Path = tmp_path_factory.mktemp("limits")
    env = server_env(
        tmp / "data",
        HEARTH_HELLO_TIMEOUT_SECONDS="1",
        HEARTH_RESUME_GRACE_SECONDS="2",
    )
    srv = Server(free_port(), env, tmp / "server.log")
    srv.start()
    yield srv
    srv.stop()
    while OPEN_CLIENTS:
        OPEN_CLIENTS.pop().close()


async def test_malformed_frames_get_bad_request_and_the_connection_lives_on(server: Server) -> None:
    meeting = create_meeting(server)
    client = await meeting.join("amber", pseudonym="Amber")
    frames = [
        "{not json", "[1, 2]", '"text"', '{"no": "type"}', '{"type": "fly"}', '{"type": "say"}',
        '{"type": "say", "text": 5}', '{"type": "mute", "participant_id": []}',
    ]  # fmt: skip
    for frame in frames:
        await client.send(frame)
        reply = await client.wait_for("error")
        assert reply["code"] == "bad_request", (frame, reply)
        await asyncio.sleep(0.45)  # stay under the rate limit
    await asyncio.sleep(5)
    await client.send(b"\x00\x01binary")
    assert (await client.wait_for("error"))["code"] == "bad_request"
    assert (await client.command("ping"))["type"] == "pong"
    echoed = await client.command("say", text="")
    assert echoed["code"] == "bad_request" and echoed["id"].startswith("r")
    await client.close()


async def test_text_too_long_is_refused_and_a_huge_frame_closes_1009(server: Server) -> None:
    meeting = create_meeting(server)
    client = await meeting.join("amber", pseudonym="Amber")
    assert (await client.command("say", text="x" * 2001))["code"] == "too_large"
    assert (await client.command("say", text="  fine  "))["type"] == "ack"
    await client.send(json.dumps({"type": "say", "text": "y" * 17_000}))
    assert await client.closed() == 1009


async def test_a_flood_is_rate_limited_then_closed_4429(server: Server) -> None:
    meeting = create_meeting(server)
    client = await meeting.join("amber", pseudonym="Amber")
    for i in range(60):
        try:
            await client.send({"type": "ping", "id": str(i)})
        except websockets.ConnectionClosed:
            break
    assert await client.closed() == 4429
    limited = [f for f in client.frames if f.get("code") == "rate_limited"]
    assert limited, client.frames
    pongs = [f for f in client.frames if f["type"] == "pong"]
    assert len(pongs) == 10


async def test_hello_is_required_first_and_in_time(server: Server) -> None:
    meeting = create_meeting(server)
    silent = await Client.connect(meeting.ws_url)
    assert await silent.closed() == 4400
    assert silent.frames[-1]["code"] == "hello_required"
    rude = await Client.connect(meeting.ws_url)
    await rude.send({"type": "say", "text": "hi"})
    assert await rude.closed() == 4400
    assert rude.frames[-1]["code"] == "hello_required"


async def test_attendees_cannot_use_facilitator_commands(server: Server) -> None:
    meeting = create_meeting(server)
    host = await meeting.facilitator()
    amber = await meeting.join("amber", pseudonym="Amber")
    for command, fields in [("grant", {}), ("mute", {"participant_id": host.me}), ("end", {}),
                            ("settings", {"locked": True}), ("stats", {})]:  # fmt: skip
        assert (await amber.command(command, **fields))["code"] == "not_allowed", command
    assert (await host.command("stats"))["type"] == "stats"
    await amber.close()
    await host.close()


async def test_a_foreign_origin_is_refused_403(server: Server) -> None:
    meeting = create_meeting(server)
    with pytest.raises(websockets.InvalidStatus) as refused:
        await Client.connect(meeting.ws_url, origin="https://evil.example")
    assert refused.value.response.status_code == 403
    same = await Client.connect(meeting.ws_url, origin=server.url)
    assert (await same.hello())["type"] == "welcome"
    await same.close()


async def test_invalid_utf8_does_not_crash_the_worker_or_flood_the_log(server: Server) -> None:
    meeting = create_meeting(server)
    other = await meeting.join("other", pseudonym="Other")
    bad = await meeting.join("bad", pseudonym="Bad")
    before = server.log().count("Traceback")
    # A text frame (opcode 1) whose payload is not UTF-8, written under the client library.
    bad.ws.protocol.send_frame(websockets.frames.Frame(websockets.frames.Opcode.TEXT, b"\xff\xfe"))  # type: ignore[attr-defined]
    bad.ws.send_data()  # type: ignore[attr-defined]
    assert await bad.closed() == 1007
    assert (await other.command("say", text="still here"))["type"] == "ack"
    assert server.log().count("Traceback") == before
    await other.close()


async def test_meeting_window_and_unknown_meetings(server: Server) -> None:
    later = create_meeting(server, starts_in=timedelta(minutes=30))
    early = await Client.connect(later.ws_url)
    await early.send({"type": "hello"})
    assert await early.closed() == 4409
    assert early.frames[-1]["code"] == "meeting_not_open"
    soon = create_meeting(server, starts_in=timedelta(minutes=10))
    early_bird = await soon.join("ok")
    assert (await early_bird.command("ping"))["type"] == "pong"
    await early_bird.close()
    gone = await Client.connect(f"{server.ws_url}/ws/meetings/doesnotexist")
    await gone.send({"type": "hello"})
    assert await gone.closed() == 4404
    assert gone.frames[-1]["code"] == "meeting_not_found"
    cancelled = create_meeting(server)
    cancelled.organiser.patch(f"/api/meetings/{cancelled.id}", json={"cancelled": True})
    late = await Client.connect(cancelled.ws_url)
    await late.send({"type": "hello"})
    assert await late.closed() == 4409
    assert late.frames[-1]["code"] == "meeting_ended"
