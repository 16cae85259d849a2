"""After joining: what late joiners see, resuming after a drop, the grace period, removal."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.service.conftest import Server, running_server
from tests.service.rooms import create_meeting
from tests.wsclient import Client

pytestmark = pytest.mark.service

GRACE = 2


@pytest.fixture(scope="module")
def server(service_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(
        tmp_path_factory.mktemp("join-resume"), HEARTH_RESUME_GRACE_SECONDS=str(GRACE)
    ) as srv:
        yield srv


def token_of(client: Client) -> str:
    assert client.welcome is not None
    token: str = client.welcome["resume_token"]
    return token


def drop(client: Client) -> None:
    """The network goes away: no close frame."""
    client.ws.transport.abort()


def after(client: Client, seq: int) -> list[tuple[int, str]]:
    return [(e["seq"], e["type"]) for e in client.events if e["seq"] > seq]


# Late joiners -------------------------------------------------------------------------


async def test_late_joiners_do_not_see_what_was_shared_before_they_came(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    amber = await meeting.join("amber", pseudonym="Amber")
    assert (await amber.command("say", text="something very personal"))["type"] == "ack"
    heron = await meeting.join("heron", pseudonym="Heron")
    assert heron.welcome is not None
    assert heron.welcome["recent"] == []
    await heron.drain(0.3)
    assert "something very personal" not in str(heron.frames)
    # What is said after they arrive, they do see.
    await amber.command("say", text="welcome, Heron")
    message = await heron.wait_for("message")
    assert message["text"] == "welcome, Heron"


async def test_late_joiners_see_history_where_the_group_allows_it(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser, late_joiners_see_history=True)
    host = await meeting.facilitator()
    amber = await meeting.join("amber", pseudonym="Amber")
    await amber.command("say", text="first thing")
    await amber.command("say", text="regretted thing")
    await amber.command("say", text="third thing")
    regretted = await host.wait_for("message", text="regretted thing")
    await host.command("delete", message_id=regretted["message_id"])
    await amber.wait_for("message_deleted")
    heron = await meeting.join("heron", pseudonym="Heron")
    assert heron.welcome is not None
    recent = heron.welcome["recent"]
    assert [m["text"] for m in recent] == ["first thing", "third thing"]
    assert all(m["type"] == "message" and m["pseudonym"] == "Amber" for m in recent)
    assert [m["seq"] for m in recent] == sorted(m["seq"] for m in recent)
    assert all(m["seq"] <= heron.welcome["seq"] for m in recent)


# Resume ----------------------------------------------------------------------------------


async def test_a_resume_delivers_exactly_the_missed_events_once(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    host = await meeting.facilitator()
    amber = await meeting.join("amber", pseudonym="Amber")
    heron = await meeting.join("heron", pseudonym="Heron")
    wren = await meeting.join("wren", pseudonym="Wren")  # stays connected: the reference
    await amber.command("say", text="before the drop")
    await heron.wait_for("message", text="before the drop")
    await heron.drain(0.2)
    before, token, heron_id = heron.last_seq, token_of(heron), heron.me

    drop(heron)
    said = await amber.command("say", text="while Heron was away")
    await amber.command("raise_hand")
    await amber.command("help", note="only for facilitators and me")
    await host.command("grant")
    await wren.wait_for("floor_granted")
    await host.wait_for("help_requested")

    back = await Client.connect(meeting.ws_url, "heron-back")
    welcome = await back.hello(resume={"token": token, "last_seq": before})
    assert welcome["type"] == "welcome", welcome
    assert welcome["you"]["id"] == heron_id and welcome["you"]["pseudonym"] == "Heron"
    assert welcome["state"]["floor"]["participant_id"] == amber.me
    await amber.command("yield")  # a live event after the resume
    await back.wait_for("floor_released", reason="yielded")
    await wren.wait_for("floor_released", reason="yielded")
    await back.drain(0.3)
    await wren.drain(0.1)

    missed = after(back, before)
    assert missed == after(wren, before)
    assert len({s for s, _ in missed}) == len(missed), "duplicates"
    types = [t for _, t in missed]
    assert types == ["message", "hand_raised", "hand_lowered", "floor_granted",
                     "floor_released"]  # fmt: skip
    assert missed[0][0] == said["seq"]
    assert "only for facilitators and me" not in str(back.frames)
    # Nobody saw Heron leave: within the grace period a drop is invisible.
    assert not [e for e in wren.events if e["type"] == "left"]
    assert (await back.command("say", text="I'm back"))["type"] == "ack"
    assert (await wren.wait_for("message", text="I'm back"))["participant_id"] == heron_id


async def test_a_bad_resume_token_fails_then_a_fresh_hello_works(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    amber = await meeting.join("amber", pseudonym="Amber")
    client = await Client.connect(meeting.ws_url)
    for resume in ({"token": "made-up", "last_seq": 3}, {"token": "x" * 128}):
        failed = await client.hello(resume=resume)
        assert failed["type"] == "error" and failed["code"] == "resume_failed", resume
    welcome = await client.hello(pseudonym="Heron")
    assert welcome["type"] == "welcome"
    assert welcome["you"]["id"] != amber.me
    await amber.wait_for("joined", participant={**welcome["you"], "muted": False,
                                                "hand_raised": False})  # fmt: skip


async def test_after_the_grace_period_a_dropped_floor_holder_times_out(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    host = await meeting.facilitator()
    amber = await meeting.join("amber", pseudonym="Amber")
    heron = await meeting.join("heron", pseudonym="Heron")
    await host.command("grant", participant_id=heron.me)
    granted = await amber.wait_for("floor_granted")
    token, heron_id = token_of(heron), heron.me

    drop(heron)
    started = asyncio.get_running_loop().time()
    released = await amber.wait_for("floor_released", timeout=GRACE + 8)
    left = await amber.wait_for("left", timeout=GRACE + 8)
    waited = asyncio.get_running_loop().time() - started
    assert released["participant_id"] == heron_id and released["reason"] == "left"
    assert released["turn_id"] == granted["turn_id"]
    assert left["participant_id"] == heron_id and left["reason"] == "timeout"
    assert released["seq"] < left["seq"]
    assert GRACE - 0.5 <= waited <= GRACE + 5, waited
    await host.wait_for("left", participant_id=heron_id, reason="timeout")

    late = await Client.connect(meeting.ws_url)
    failed = await late.hello(resume={"token": token, "last_seq": granted["seq"]})
    assert failed["type"] == "error" and failed["code"] == "resume_failed"
    # The name is free again for a fresh hello on the same connection.
    welcome = await late.hello(pseudonym="Heron")
    assert welcome["type"] == "welcome" and welcome["you"]["id"] != heron_id
    assert welcome["state"]["floor"] is None


async def test_a_removed_participant_is_closed_and_cannot_resume(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    host = await meeting.facilitator()
    amber = await meeting.join("amber", pseudonym="Amber")
    troll = await meeting.join("troll", pseudonym="Troll")
    token, troll_id, seq = token_of(troll), troll.me, troll.last_seq
    assert (await host.command("remove", participant_id=troll_id))["type"] == "ack"
    removed = await troll.wait_for("error")
    assert removed["code"] == "removed"
    assert await troll.closed() == 4403
    left = await amber.wait_for("left", participant_id=troll_id)
    assert left["reason"] == "removed"

    again = await Client.connect(meeting.ws_url)
    refused = await again.hello(resume={"token": token, "last_seq": seq})
    assert refused["type"] == "error" and refused["code"] in {"removed", "resume_failed"}
    if refused["code"] == "removed":
        assert await again.closed() == 4403
    await amber.drain(0.3)
    assert not [e for e in amber.events if e["type"] == "joined" and e["seq"] > left["seq"]]
