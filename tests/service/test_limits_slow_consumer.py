"""A participant that stops reading must not hold up the room, and is let go."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from tests.service.conftest import Server, running_server
from tests.service.rooms import Meeting, create_meeting
from tests.service.scrape import scrape, value
from tests.wsclient import Client

pytestmark = pytest.mark.service

GRACE = 2
TEXT = "x" * 1900


@pytest.fixture(scope="module")
def server(service_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(
        tmp_path_factory.mktemp("limits-slow"),
        HEARTH_SEND_QUEUE_FRAMES="16",
        HEARTH_RATE_LIMIT_COMMANDS="10000",  # the chatter may go fast here
        HEARTH_RESUME_GRACE_SECONDS=str(GRACE),
    ) as srv:
        yield srv


async def stalled(meeting: Meeting) -> Client:
    """Joins, then stops reading (with a small receive buffer, so the server notices soon)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
    sock.connect(("127.0.0.1", meeting.server.port))
    client = await Client.connect(meeting.ws_url, "slow", sock=sock)
    assert (await client.hello(pseudonym="Slow Reader"))["type"] == "welcome"
    client.ws.transport.pause_reading()
    return client


async def chat_until_the_server_gives_up(
    server: Server, chatter: Client, listener: Client, limit: int = 3000
) -> tuple[int, float]:
    """Says messages one by one; returns how many, and the worst time for `listener` to see one."""
    worst = 0.0
    sent = 0
    while sent < limit:
        started = time.monotonic()
        said = await chatter.command("say", text=f"{sent} {TEXT}")
        assert said["type"] == "ack", said
        await listener.wait_for("message", text=f"{sent} {TEXT}")
        worst = max(worst, time.monotonic() - started)
        sent += 1
        if sent % 50 == 0 and "stopped reading" in server.log():
            break
    return sent, worst


async def test_a_reader_that_stalls_is_cut_off_and_the_others_keep_up(server: Server) -> None:
    meeting = create_meeting(server)
    slow = await stalled(meeting)
    slow_id, token, before = slow.me, slow.welcome["resume_token"], slow.last_seq  # type: ignore[index]
    chatter = await meeting.join("chatter", pseudonym="Chatter")
    listener = await meeting.join("listener", pseudonym="Listener")

    sent, worst = await chat_until_the_server_gives_up(server, chatter, listener)
    assert "stopped reading" in server.log(), f"{sent} messages did not fill the queue"
    assert value(scrape(server), "hearth_slow_consumer_closes_total") >= 1  # seen by the operator
    assert worst < 1.0, f"the others waited {worst:.2f}s for a message"
    await listener.drain(0.2)
    texts = [e["text"] for e in listener.events if e["type"] == "message"]
    assert texts == [f"{i} {TEXT}" for i in range(sent)]  # every event, in order

    # When it reads again it finds itself disconnected, short of what was said...
    slow.ws.transport.resume_reading()
    # 1013 if the close frame got out before the server gave up on the socket, else 1006.
    assert await slow.closed(15) in {1006, 1013}
    got = [e["text"] for e in slow.events if e["type"] == "message"]
    assert len(got) < sent
    assert got == texts[: len(got)]
    # ...and a resume brings exactly the rest.
    back = await Client.connect(meeting.ws_url, "back")
    last = slow.last_seq if slow.events else before
    welcome = await back.hello(resume={"token": token, "last_seq": last})
    assert welcome["type"] == "welcome" and welcome["you"]["id"] == slow_id
    await back.drain(0.5)
    rest = [e["text"] for e in back.events if e["type"] == "message"]
    assert got + rest == texts


async def test_a_reader_that_never_reads_again_leaves_the_room(server: Server) -> None:
    meeting = create_meeting(server)
    slow = await stalled(meeting)
    slow_id = slow.me
    chatter = await meeting.join("chatter", pseudonym="Chatter")
    listener = await meeting.join("listener", pseudonym="Listener")
    before = server.log().count("stopped reading")
    worst = 0.0
    for i in range(3000):
        started = time.monotonic()
        await chatter.command("say", text=f"{i} {TEXT}")
        await listener.wait_for("message", text=f"{i} {TEXT}")
        worst = max(worst, time.monotonic() - started)
        if i % 50 == 49 and server.log().count("stopped reading") > before:
            break
    assert worst < 1.0
    # Cut off, it is a dropped connection: after the grace period the others see it go.
    left = await listener.wait_for("left", timeout=GRACE + 3, participant_id=slow_id)
    assert left["reason"] == "timeout"
    # Its socket is let go too: reading again, it finds the connection over.
    slow.ws.transport.resume_reading()
    assert await slow.closed(15) in {1006, 1013}
