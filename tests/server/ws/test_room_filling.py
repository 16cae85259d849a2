"""Filling a room, in process (issue 10, finding 6): seats held by dropped connections,
one address taking most seats or flooding joins, and hello retries that never end.

In the address tests the app sees every connection come from one public address
(203.0.113.7), as it would see one client, or many people behind one carrier-grade NAT; the
others use the TestClient's own peer, which has no IP address and is not counted per address."""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.config import Settings
from tests.server.ws.inprocess import Client, InProcessHearth, _add_organiser

ADDRESS = ("203.0.113.7", 50000)


@contextlib.contextmanager
def hearth_at(data_dir: Path, **settings: Any) -> Iterator[InProcessHearth]:
    """As inprocess.running_hearth, but every connection comes from ADDRESS."""
    app = create_app(
        Settings(data_dir=data_dir, secret_key="test-secret-" + secrets.token_hex(8), **settings)
    )
    with TestClient(app, client=ADDRESS) as http:
        hearth = InProcessHearth(http)
        try:
            name, password = f"org{secrets.token_hex(3)}", "long passphrase"
            assert http.portal is not None
            http.portal.call(_add_organiser, app, name, password)
            r = http.post("/api/auth/login", json={"username": name, "password": password})
            assert r.status_code == 200, r.text
            yield hearth
        finally:
            hearth.close_clients()


@pytest.fixture
def one_address(tmp_path: Path, hearth_settings: dict[str, Any]) -> Iterator[InProcessHearth]:
    with hearth_at(tmp_path / "data", **hearth_settings) as running:
        yield running


def refused(client: Client, **hello: Any) -> tuple[str, int | None]:
    client.send({"type": "hello", **hello})
    error = client.wait_for("error")
    return error["code"], client.closed()


# (a) Seats held in a grace period ------------------------------------------------------


def test_a_newcomer_takes_the_seat_of_the_longest_dropped_attendee(
    hearth: InProcessHearth,
) -> None:
    """A full room with dropped attendees in their 60 s grace lets a newcomer in at once:
    the one who dropped first is gone (left, timeout) and can no longer resume."""
    meeting = hearth.create_meeting(capacity=3)
    amber = meeting.join("amber", pseudonym="Amber")
    heron = meeting.join("heron", pseudonym="Heron")
    wren = meeting.join("wren", pseudonym="Wren")
    assert heron.welcome is not None and wren.welcome is not None
    heron_token, heron_id, wren_id = heron.welcome["resume_token"], heron.me, wren.me
    heron.drop()
    time.sleep(0.1)
    wren.drop()
    amber.drain(0.3)  # both disconnect entries are in the log
    newcomer = meeting.connect("newcomer")
    assert newcomer.hello(pseudonym="Newcomer")["type"] == "welcome"
    left = amber.wait_for("left")
    assert left["participant_id"] == heron_id and left["reason"] == "timeout"
    back = meeting.connect("heron again")
    back.send({"type": "hello", "resume": {"token": heron_token, "last_seq": 0}})
    assert back.wait_for("error")["code"] == "resume_failed"
    # Wren, dropped later, kept her seat until the next newcomer; then, with everyone
    # connected, the room is full.
    assert meeting.connect("late").hello(pseudonym="Late")["type"] == "welcome"
    assert amber.wait_for("left")["participant_id"] == wren_id
    assert refused(meeting.connect("last"), pseudonym="Last") == ("room_full", 4409)


def test_connect_hello_drop_cycles_do_not_keep_a_room_full(hearth: InProcessHearth) -> None:
    """Ten joins that drop at once cannot hold a three-seat room against a real person."""
    meeting = hearth.create_meeting(capacity=3)
    for n in range(10):
        meeting.join(f"cycle {n}", pseudonym=f"Cycle {n}").drop()
    person = meeting.connect("person")
    assert person.hello(pseudonym="Person")["type"] == "welcome"


def test_a_full_room_of_people_still_here_is_full(hearth: InProcessHearth) -> None:
    """Nobody connected loses their seat to a newcomer."""
    meeting = hearth.create_meeting(capacity=2)
    meeting.join("a", pseudonym="Amber")
    meeting.join("b", pseudonym="Birch")
    assert refused(meeting.connect("c"), pseudonym="Cedar") == ("room_full", 4409)


# (b) One address, many seats or many joins -----------------------------------------------


def test_one_address_takes_at_most_half_the_seats(one_address: InProcessHearth) -> None:
    """With 28 connections one client filled a 30-seat room; now one address gets half the
    seats of a room (and at most HEARTH_MAX_SEATS_PER_ADDRESS), then rate_limited, 4429."""
    hearth = one_address
    meeting = hearth.create_meeting(capacity=6)
    for n in range(3):
        meeting.join(f"seat {n}", pseudonym=f"Seat {n}")
    assert refused(meeting.connect("fourth"), pseudonym="Fourth") == ("rate_limited", 4429)
    host = meeting.facilitator()  # facilitators do not count against their address
    assert host.welcome is not None
    # A seat given back can be taken again.
    hearth.clients[0].command("leave")
    assert hearth.clients[0].closed() == 1000
    assert meeting.connect("again").hello(pseudonym="Again")["type"] == "welcome"


@pytest.mark.parametrize("hearth_settings", [{"joins_per_address_per_minute": 4}])
def test_hellos_per_address_per_minute_are_limited(one_address: InProcessHearth) -> None:
    """Joins from one address beyond HEARTH_JOINS_PER_ADDRESS_PER_MINUTE: rate_limited, 4429;
    retried hellos count too."""
    meeting = one_address.create_meeting()
    for n in range(3):
        meeting.join(f"join {n}", pseudonym=f"Join {n}").close()
    retrier = meeting.connect("retrier")
    retrier.send({"type": "hello", "pseudonym": "x"})  # invalid: one more hello, retryable
    assert retrier.wait_for("error")["code"] == "pseudonym_invalid"
    retrier.send({"type": "hello", "pseudonym": "Fifth"})
    assert retrier.wait_for("error")["code"] == "rate_limited"
    assert retrier.closed() == 4429


# (c) The hello deadline counts from the connection ------------------------------------------


@pytest.mark.parametrize("hearth_settings", [{"hello_timeout_seconds": 1.0}])
def test_hello_retries_do_not_extend_the_hello_deadline(hearth: InProcessHearth) -> None:
    """A client retrying invalid names just inside the deadline, again and again, is closed
    with 4400 once HEARTH_HELLO_TIMEOUT_SECONDS have passed since it connected."""
    meeting = hearth.create_meeting(capacity=2)
    client = meeting.connect("retrier")
    started = time.monotonic()
    close: int | None = None
    while time.monotonic() - started < 5:
        client.send({"type": "hello", "pseudonym": "!"})
        try:
            client.recv(0.6)
            client.recv(0.2)
        except TimeoutError:
            pass
        except Exception:
            close = client.close_code
            break
    assert close == 4400, close
    assert client.next_unseen("error", {"code": "hello_required"}) is not None
    assert time.monotonic() - started < 2.5
