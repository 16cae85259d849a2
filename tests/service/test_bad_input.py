"""Input meant to crash the server gets a clear refusal; the worker and the room live on."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.service.conftest import Server, running_server
from tests.service.rooms import Meeting, create_meeting
from tests.wsclient import Client

pytestmark = pytest.mark.service

DEEP = 5_000  # 10 KB: under the frame and body limits, far past the recursion limit


@pytest.fixture(scope="module")
def server(service_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("bad-input")) as srv:
        yield srv


@pytest.fixture
def meeting(server: Server, organiser: httpx.Client) -> Meeting:
    return create_meeting(server, organiser)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def assert_quiet(server: Server, since: int) -> None:
    added = server.log()[since:]
    assert "Traceback" not in added and "ERROR" not in added and " 500" not in added, added[-3000:]


async def test_a_first_hello_nested_thousands_deep_is_a_bad_request(
    server: Server, meeting: Meeting
) -> None:
    before = len(server.log())
    client = await Client.connect(meeting.ws_url)
    await client.send('{"type": "hello", "pseudonym": "Deep", "pad": ' + nested(DEEP) + "}")
    reply = await client.recv()
    assert reply["type"] == "error" and reply["code"] == "bad_request", reply
    assert await client.closed() == 4400
    late = await meeting.join("late", pseudonym="Late")
    assert late.welcome is not None
    assert_quiet(server, before)


async def test_a_deep_frame_after_joining_is_a_bad_request_and_the_connection_lives_on(
    server: Server, meeting: Meeting
) -> None:
    before = len(server.log())
    client = await meeting.join("deep", pseudonym="Deep")
    await client.send(nested(DEEP))
    assert (await client.wait_for("error"))["code"] == "bad_request"
    await client.send('{"type": "say", "id": "d1", "text": ' + nested(DEEP) + "}")
    assert (await client.wait_for("error"))["code"] == "bad_request"
    assert (await client.command("say", text="still here"))["type"] == "ack"
    assert_quiet(server, before)


def test_a_deeply_nested_http_body_is_bad_json(server: Server, organiser: httpx.Client) -> None:
    before = len(server.log())
    for body in (
        nested(DEEP),
        '{"name": "Deep", "timezone": "UTC", "x": ' + nested(DEEP) + "}",
        '{"name": ' + nested(DEEP) + ', "timezone": "UTC"}',
    ):
        r = organiser.post(
            "/api/groups", content=body, headers={"content-type": "application/json"}
        )
        assert r.status_code == 400 and r.json()["error"]["code"] in {"bad_json", "invalid"}, r.text
    assert_quiet(server, before)


def test_a_client_that_leaves_mid_body_is_not_a_server_error(
    server: Server, organiser: httpx.Client
) -> None:
    before = len(server.log())
    cookie = "; ".join(f"{k}={v}" for k, v in organiser.cookies.items())
    host, port = server.url.removeprefix("http://").split(":")
    for _ in range(3):
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(
                b"POST /api/groups HTTP/1.1\r\nHost: "
                + f"{host}:{port}".encode()
                + b"\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n"
                + f"Origin: {server.url}\r\nCookie: {cookie}\r\n\r\n".encode()
                + b'{"name": "half'
            )
        time.sleep(0.2)
    assert organiser.get("/api/groups").status_code == 200
    time.sleep(0.3)
    added = server.log()[before:]
    assert added.count("POST /api/groups 4") == 3, added[-2000:]
    assert_quiet(server, before)
