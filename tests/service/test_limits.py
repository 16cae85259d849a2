"""Limits over real WebSockets: sizes, garbage, floods, hello, roles, origins, invalid UTF-8."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets
from websockets.frames import Frame, Opcode

from tests.service.conftest import Server, running_server
from tests.service.rooms import Meeting, create_meeting
from tests.wsclient import Client

pytestmark = pytest.mark.service


@pytest.fixture(scope="module")
def server(service_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("limits"), HEARTH_HELLO_TIMEOUT_SECONDS="1") as srv:
        yield srv


@pytest.fixture
def meeting(server: Server, organiser: httpx.Client) -> Meeting:
    return create_meeting(server, organiser)


def send_raw_text(client: Client, payload: bytes) -> None:
    """A text frame (opcode 1) with these exact bytes, under the client library's checks."""
    client.ws.protocol.send_frame(Frame(Opcode.TEXT, payload))
    client.ws.send_data()


_barriers = itertools.count(1)


async def alive(client: Client, *, seen_by: Client | None = None) -> dict[str, Any]:
    """The connection still works through the room: a `say` is acked, goes through the
    room log and comes back as a `message` event to the sender (and to `seen_by`).

    A ping would not do: its pong is answered by the worker without the log, so a room
    that stopped taking this connection's commands would still pong. Whatever an earlier
    frame of this connection put in the room is sequenced before the returned event."""
    text = f"barrier {next(_barriers)}"
    ack = await client.command("say", text=text)
    assert ack["type"] == "ack" and ack["seq"], ack
    message = await client.wait_for("message", text=text)
    assert message["seq"] == ack["seq"] and message["participant_id"] == client.me, message
    if seen_by is not None:
        assert (await seen_by.wait_for("message", text=text))["seq"] == ack["seq"]
    return message


# Sizes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["y" * 17_000, "ن" * 9_000, "🌱" * 4_200, "z" * 70_000],
    ids=["ascii-17k", "arabic-18k-bytes", "emoji-16.8k-bytes", "over-the-server-max"],
)
async def test_a_frame_over_16_kib_closes_1009(meeting: Meeting, text: str) -> None:
    client = await meeting.join("big", pseudonym="Big")
    await client.send(json.dumps({"type": "ping", "id": "big", "pad": text}, ensure_ascii=False))
    assert await client.closed() == 1009
    assert not [f for f in client.frames if f["type"] == "pong"]


async def test_a_frame_just_under_16_kib_is_fine(meeting: Meeting) -> None:
    client = await meeting.join("near", pseudonym="Near")
    frame = json.dumps({"type": "ping", "id": "near", "pad": ""})
    padded = json.dumps({"type": "ping", "id": "near", "pad": "p" * (16 * 1024 - len(frame))})
    assert len(padded.encode()) == 16 * 1024
    await client.send(padded)
    assert (await client.wait_for("pong"))["id"] == "near"


async def test_say_over_2000_characters_is_too_large_and_the_connection_lives_on(
    meeting: Meeting,
) -> None:
    amber = await meeting.join("amber", pseudonym="Amber")
    heron = await meeting.join("heron", pseudonym="Heron")
    refused = await amber.command("say", text="x" * 2001)
    assert refused["type"] == "error" and refused["code"] == "too_large"
    assert refused["id"].startswith("r") and "2000" in refused["message"]
    # Characters, not bytes: 2000 emoji are 8000 bytes of UTF-8 (unescaped, as browsers send).
    for i, text in enumerate(("🌱" * 2000, "ن" * 2000, "   " + "w" * 2000 + "\n\n  ")):
        frame = {"type": "say", "id": f"s{i}", "text": text}
        await amber.send(json.dumps(frame, ensure_ascii=False))
        said = await amber.wait_for("ack", id=f"s{i}")
        assert said["seq"], said
        message = await heron.wait_for("message", participant_id=amber.me)
        assert message["text"] == text.strip()
    await alive(amber, seen_by=heron)
    assert not [m for m in heron.events if m["type"] == "message" and len(m["text"]) > 2000]


# Garbage --------------------------------------------------------------------------------

GARBAGE: list[str | bytes] = [
    "{not json",
    '[{"type": "ping"}]',
    '"ping"',
    "null",
    '{"no": "type"}',
    '{"type": "fly", "id": "g1"}',
    '{"type": "open", "config": {}}',
    '{"type": "say", "id": "g2"}',
    '{"type": "say", "text": 5, "id": "g3"}',
    '{"type": "mute", "participant_id": [], "id": "g4"}',
    '{"type": "react", "message_id": "m1", "emoji": "💩", "id": "g5"}',
    '{"type": "settings", "share_seconds": "long", "id": "g6"}',
    '{"type": "ping", "id": 7}',
    b"\x00\x01binary",
    b'{"type": "ping"}',
]


async def test_garbage_gets_bad_request_and_the_connection_lives_on(meeting: Meeting) -> None:
    heron = await meeting.join("heron", pseudonym="Heron")
    expected: list[tuple[str, str]] = []
    # Eight frames and a barrier per connection stay under the rate limit of 10 per 5 s.
    for start in range(0, len(GARBAGE), 8):
        client = await meeting.join(f"g{start}", pseudonym=f"Garbage {start // 8}")
        for frame in GARBAGE[start : start + 8]:
            await client.send(frame)
            reply = await client.wait_for("error")
            assert reply["code"] == "bad_request", (frame, reply)
            assert reply["message"], frame
            if isinstance(frame, str) and '"id": "g' in frame:
                assert reply["id"] == json.loads(frame)["id"], frame
        said = await alive(client, seen_by=heron)
        expected += [("joined", client.me), ("message", said["text"])]
    # Nothing anyone else notices, beyond the garbage senders joining and their barriers:
    # anything the garbage put in the room would have come before the barrier's message.
    seen = [(e["type"], e.get("text") or e.get("participant", {}).get("id")) for e in heron.events]
    assert seen == expected, heron.events


async def test_a_hello_after_joining_is_a_bad_request(meeting: Meeting) -> None:
    amber = await meeting.join("amber", pseudonym="Amber")
    reply = await amber.command("hello", pseudonym="Someone Else")
    assert reply["type"] == "error" and reply["code"] == "bad_request"
    assert amber.welcome is not None and amber.welcome["you"]["pseudonym"] == "Amber"
    await alive(amber)
    assert [e["type"] for e in amber.events] == ["message"], amber.events


# Floods ---------------------------------------------------------------------------------


async def test_a_flood_is_refused_then_closed_4429_and_the_room_is_spared(
    meeting: Meeting,
) -> None:
    heron = await meeting.join("heron", pseudonym="Heron")
    flooder = await meeting.join("flood", pseudonym="Flood")
    for i in range(12):
        await flooder.send({"type": "say", "id": f"f{i}", "text": f"spam {i}"})
    limited = await flooder.wait_for("error", code="rate_limited")
    assert limited["message"]
    for i in range(12, 70):
        try:
            await flooder.send({"type": "say", "id": f"f{i}", "text": f"spam {i}"})
        except websockets.ConnectionClosed:
            break
    assert await flooder.closed() == 4429
    acks = [f for f in flooder.frames if f["type"] == "ack"]
    assert len(acks) == 10
    await heron.drain(0.3)
    assert len([e for e in heron.events if e["type"] == "message"]) == 10
    assert (await heron.command("say", text="it's quiet again"))["type"] == "ack"


async def test_a_rate_limited_command_is_answered_with_its_id(meeting: Meeting) -> None:
    client = await meeting.join("eager", pseudonym="Eager")
    for i in range(11):
        await client.send({"type": "ping", "id": f"p{i}"})
    limited = await client.wait_for("error", code="rate_limited")
    assert limited["id"] == "p10"


async def test_a_flood_of_hellos_is_rate_limited_too(meeting: Meeting) -> None:
    client = await Client.connect(meeting.ws_url)
    for _ in range(60):
        try:
            await client.send({"type": "hello", "pseudonym": "x@y"})
        except websockets.ConnectionClosed:
            break
    assert await client.closed() == 4429
    codes = [f.get("code") for f in client.frames]
    # The first hello, then ten retries in five seconds; the eleventh retry is one too many.
    assert codes == ["pseudonym_invalid"] * 11 + ["rate_limited"], codes


# Hello ----------------------------------------------------------------------------------


async def test_no_hello_in_time_closes_4400(meeting: Meeting) -> None:
    silent = await Client.connect(meeting.ws_url)
    started = asyncio.get_running_loop().time()
    assert await silent.closed() == 4400
    assert 0.8 <= asyncio.get_running_loop().time() - started <= 4
    assert silent.frames[-1]["code"] == "hello_required"


@pytest.mark.parametrize(
    "first",
    ['{"type": "say", "text": "hi"}', '{"type": "ping", "id": "p"}', b"binary hello"],
    ids=["say", "ping", "binary"],
)
async def test_a_first_frame_that_is_not_hello_gets_hello_required(
    meeting: Meeting, first: str | bytes
) -> None:
    heron = await meeting.join("heron", pseudonym="Heron")
    rude = await Client.connect(meeting.ws_url)
    await rude.send(first)
    reply = await rude.recv()
    assert reply["type"] == "error" and reply["code"] == "hello_required"
    assert await rude.closed() == 4400
    # Nothing reached the room, no join and no message: heron's own say, through the
    # log after the rude frame was handled, is the first event heron sees.
    said = await alive(heron)
    assert heron.events == [said], heron.events


# Roles ----------------------------------------------------------------------------------


async def test_attendees_cannot_use_facilitator_commands(meeting: Meeting) -> None:
    host = await meeting.facilitator()
    amber = await meeting.join("amber", pseudonym="Amber")
    attempts: list[tuple[str, dict[str, object]]] = [
        ("grant", {}), ("mute", {"participant_id": host.me}), ("end", {}),
        ("settings", {"locked": True}), ("stats", {}),
    ]  # fmt: skip
    for command, fields in attempts:
        assert (await amber.command(command, **fields))["code"] == "not_allowed", command
    assert (await host.command("stats"))["type"] == "stats"
    await amber.close()
    await host.close()


# Origins --------------------------------------------------------------------------------


async def test_a_foreign_origin_is_refused_with_403(server: Server, meeting: Meeting) -> None:
    for origin in (
        "https://evil.example",
        f"http://127.0.0.1:{server.port}.evil.example",
        f"http://127.0.0.1:{server.port + 1 if server.port < 65535 else server.port - 1}",
        "null",
    ):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await Client.connect(meeting.ws_url, origin=origin)
        assert refused.value.response.status_code == 403, origin
    for origin in (server.url, server.url.upper().replace("HTTP", "http")):
        same = await Client.connect(meeting.ws_url, origin=origin)
        assert (await same.hello())["type"] == "welcome"
        await same.close()
    # No Origin at all (a native app) is accepted too.
    bare = await Client.connect(meeting.ws_url)
    assert (await bare.hello())["type"] == "welcome"


# Invalid UTF-8 --------------------------------------------------------------------------


async def test_invalid_utf8_closes_only_that_connection_quietly(
    server: Server, meeting: Meeting
) -> None:
    before = server.log()
    other = await meeting.join("other", pseudonym="Other")
    bad = await meeting.join("bad", pseudonym="Bad")
    early = await Client.connect(meeting.ws_url)  # before its hello
    for client in (bad, early):
        send_raw_text(client, b'{"type": "say", "text": "\xff\xfe"}')
        assert await client.closed() == 1007
    late = await Client.connect(meeting.ws_url)
    assert (await late.hello(pseudonym="Late"))["type"] == "welcome"
    assert (await other.command("say", text="still here"))["type"] == "ack"
    assert (await late.wait_for("message"))["text"] == "still here"
    await asyncio.sleep(0.3)
    added = server.log()[len(before) :]
    assert "Traceback" not in added and "ERROR" not in added, added[-3000:]
