"""Who gets into a room, over real WebSockets: the window, invites, capacity, lock, lobby,
facilitator tokens and pseudonyms."""

from __future__ import annotations

import asyncio
import re
import secrets
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from rooms.names import ENGLISH_ADJECTIVES, ENGLISH_NOUNS
from tests.service.conftest import Server, running_server
from tests.service.rooms import create_meeting
from tests.wsclient import Client

pytestmark = pytest.mark.service


@pytest.fixture(scope="module")
def server(service_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("join-admission")) as srv:
        yield srv


async def refusal(url: str, **hello: Any) -> tuple[dict[str, Any], int | None]:
    """Says hello, expects an error; returns it and the close code that follows."""
    client = await Client.connect(url)
    reply = await client.hello(**hello)
    assert reply["type"] == "error", reply
    return reply, await client.closed()


async def close_all(*clients: Client) -> None:
    for c in clients:
        await c.close()


# The meeting window ---------------------------------------------------------------


async def test_the_room_opens_15_minutes_before_the_start_and_not_earlier(
    server: Server, organiser: httpx.Client
) -> None:
    # Minutes are truncated when scheduling, so keep a minute of margin either side.
    for minutes in (30, 17):
        later = create_meeting(server, organiser, starts_in=timedelta(minutes=minutes))
        reply, code = await refusal(later.ws_url)
        assert (reply["code"], code) == ("meeting_not_open", 4409), minutes
        assert "15 minutes" in reply["message"]
    soon = create_meeting(server, organiser, starts_in=timedelta(minutes=14))
    early_bird = await soon.join("early", pseudonym="Early Bird")
    assert early_bird.welcome is not None
    assert early_bird.welcome["meeting"]["status"] == "open"
    assert (await early_bird.command("say", text="I'm a bit early"))["type"] == "ack"
    await early_bird.close()


async def test_ended_cancelled_and_unknown_meetings_are_refused(
    server: Server, organiser: httpx.Client
) -> None:
    past = create_meeting(server, organiser, starts_in=timedelta(hours=-2), duration_minutes=60)
    reply, code = await refusal(past.ws_url)
    assert (reply["code"], code) == ("meeting_ended", 4409)

    cancelled = create_meeting(server, organiser)
    r = await asyncio.to_thread(
        organiser.patch, f"/api/meetings/{cancelled.id}", json={"cancelled": True}
    )
    assert r.status_code == 200, r.text
    reply, code = await refusal(cancelled.ws_url, pseudonym="Amber")
    assert (reply["code"], code) == ("meeting_ended", 4409)

    for bogus in ("doesnotexist", "x" * 40, secrets.token_hex(16)):
        reply, code = await refusal(f"{server.ws_url}/ws/meetings/{bogus}")
        assert (reply["code"], code) == ("meeting_not_found", 4404), bogus


async def test_a_meeting_the_facilitator_ended_admits_nobody_new(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    host = await meeting.facilitator()
    amber = await meeting.join("amber", pseudonym="Amber")
    assert (await host.command("end"))["type"] == "ack"
    await amber.wait_for("meeting_ended")
    assert await amber.closed() == 1000
    reply, code = await refusal(meeting.ws_url, pseudonym="Latecomer")
    assert (reply["code"], code) == ("meeting_ended", 4409)


async def test_calling_off_a_live_meeting_ends_its_room(
    server: Server, organiser: httpx.Client
) -> None:
    cancelled = create_meeting(server, organiser)
    deleted = create_meeting(server, organiser)
    rooms = []
    for meeting in (cancelled, deleted):
        host = await meeting.facilitator()
        amber = await meeting.join("amber", pseudonym="Amber")
        rooms.append((host, amber))

    r = await asyncio.to_thread(
        organiser.patch, f"/api/meetings/{cancelled.id}", json={"cancelled": True}
    )
    assert r.status_code == 200, r.text
    r = await asyncio.to_thread(organiser.delete, f"/api/groups/{deleted.group_id}")
    assert r.status_code == 204, r.text
    for host, amber in rooms:
        for client in (host, amber):
            assert (await client.wait_for("meeting_ended"))["by"] is None
            assert await client.closed() == 1000
    reply, code = await refusal(cancelled.ws_url, pseudonym="Heron")
    assert (reply["code"], code) == ("meeting_ended", 4409)
    reply, code = await refusal(deleted.ws_url, pseudonym="Heron")
    assert (reply["code"], code) == ("meeting_not_found", 4404)


# Closed groups and invites ----------------------------------------------------------


async def test_closed_groups_need_a_valid_invite(server: Server, organiser: httpx.Client) -> None:
    meeting = create_meeting(server, organiser, visibility="closed")
    expiry = datetime.now(UTC) + timedelta(seconds=3)
    expiring = meeting.invite(expires_at=expiry.isoformat())

    for hello in ({}, {"invite": ""}):
        reply, code = await refusal(meeting.ws_url, **hello)
        assert (reply["code"], code) == ("invite_required", 4403), hello
    for bad in ("not-a-code", "é" * 10, "x" * 200):
        reply, code = await refusal(meeting.ws_url, invite=bad)
        assert (reply["code"], code) == ("invite_invalid", 4403), bad

    single = meeting.invite(max_uses=1)
    first = await meeting.join("first", invite=single, pseudonym="First")
    assert first.welcome is not None
    reply, code = await refusal(meeting.ws_url, invite=single, pseudonym="Second")
    assert (reply["code"], code) == ("invite_invalid", 4403)

    revoked = meeting.invite()
    r = await asyncio.to_thread(
        organiser.delete, f"/api/groups/{meeting.group_id}/invites/{revoked}"
    )
    assert r.status_code == 204, r.text
    reply, code = await refusal(meeting.ws_url, invite=revoked)
    assert (reply["code"], code) == ("invite_invalid", 4403)

    reusable = meeting.invite()
    for name in ("Amber", "Heron"):
        c = await meeting.join(name, invite=reusable, pseudonym=name)
        assert c.welcome is not None
        await c.close()

    # An invite for another closed group does not open this one.
    other = create_meeting(server, organiser, visibility="closed")
    reply, code = await refusal(meeting.ws_url, invite=other.invite())
    assert (reply["code"], code) == ("invite_invalid", 4403)

    await asyncio.sleep(max(0.0, (expiry - datetime.now(UTC)).total_seconds() + 0.5))
    reply, code = await refusal(meeting.ws_url, invite=expiring)
    assert (reply["code"], code) == ("invite_invalid", 4403)
    await first.close()


async def test_a_single_use_invite_is_spent_only_by_someone_who_gets_in(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser, visibility="closed", capacity=2)
    amber = await meeting.join("amber", invite=meeting.invite(), pseudonym="Amber")
    invites = f"/api/groups/{meeting.group_id}/invites"

    def single_use() -> tuple[str, str]:
        r = organiser.post(invites, json={"max_uses": 1})
        assert r.status_code == 201, r.text
        return r.json()["code"], r.json()["id"]

    async def uses(invite_id: str, expected: int) -> None:
        """What the organiser sees, once the server has caught up."""
        for _ in range(50):
            r = await asyncio.to_thread(organiser.get, invites)
            count = next(i["use_count"] for i in r.json() if i["id"] == invite_id)
            if count == expected:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"use_count stayed {count}, not {expected}")

    # Someone who gives up after a taken name spends nothing.
    single, single_id = single_use()
    quitter = await Client.connect(meeting.ws_url)
    assert (await quitter.hello(invite=single, pseudonym="amber"))["code"] == "pseudonym_taken"
    await uses(single_id, 1)  # held while they choose
    await quitter.close()
    await uses(single_id, 0)

    # A taken name, then a retry on the same connection: one use, not two.
    newcomer = await Client.connect(meeting.ws_url)
    assert (await newcomer.hello(invite=single, pseudonym="AMBER"))["code"] == "pseudonym_taken"
    again = await newcomer.hello(invite=single, pseudonym="Amber Two")
    assert again["type"] == "welcome", again
    await uses(single_id, 1)
    reply, code = await refusal(meeting.ws_url, invite=single, pseudonym="Heron")
    assert (reply["code"], code) == ("invite_invalid", 4403)

    # A full room turns the next person away without spending their invite.
    another, another_id = single_use()
    reply, code = await refusal(meeting.ws_url, invite=another, pseudonym="Heron")
    assert (reply["code"], code) == ("room_full", 4409)
    await uses(another_id, 0)
    assert (await newcomer.command("leave"))["type"] == "ack"
    await amber.wait_for("left", participant_id=newcomer.me)
    heron = await meeting.join("heron", invite=another, pseudonym="Heron")
    assert heron.welcome is not None
    await uses(another_id, 1)
    await close_all(amber, newcomer, heron)


# Capacity and the lock ---------------------------------------------------------------


async def test_a_full_room_refuses_the_next_attendee_until_someone_leaves(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser, capacity=2)
    amber = await meeting.join("amber", pseudonym="Amber")
    heron = await meeting.join("heron", pseudonym="Heron")
    reply, code = await refusal(meeting.ws_url, pseudonym="Wren")
    assert (reply["code"], code) == ("room_full", 4409)
    assert (await heron.command("leave"))["type"] == "ack"
    assert await heron.closed() == 1000
    await amber.wait_for("left", participant_id=heron.me, reason="left")
    wren = await meeting.join("wren", pseudonym="Wren")
    assert wren.welcome is not None
    await close_all(amber, wren)


async def test_a_locked_room_refuses_attendees_but_not_facilitators(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    host = await meeting.facilitator("Host")
    amber = await meeting.join("amber", pseudonym="Amber")
    assert (await host.command("settings", locked=True))["type"] == "ack"
    changed = await amber.wait_for("settings_changed")
    assert changed["settings"]["locked"] is True

    reply, code = await refusal(meeting.ws_url, pseudonym="Heron")
    assert (reply["code"], code) == ("room_locked", 4409)
    cohost = await meeting.facilitator("Co Host")
    assert cohost.welcome is not None
    assert cohost.welcome["you"]["role"] == "facilitator"
    assert cohost.welcome["state"]["settings"]["locked"] is True

    assert (await cohost.command("settings", locked=False))["type"] == "ack"
    await amber.wait_for("settings_changed")
    heron = await meeting.join("heron", pseudonym="Heron")
    assert heron.welcome is not None
    await close_all(host, amber, cohost, heron)


# The lobby ----------------------------------------------------------------------------


async def test_people_waiting_before_the_facilitator_arrives_still_need_admission(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser, lobby=True)
    early = await meeting.join("early", pseudonym="Early Bird")
    waiting = early.frames[-1]
    assert waiting["type"] == "waiting" and early.welcome is None
    assert waiting["you"]["pseudonym"] == "Early Bird"
    assert waiting["resume_token"]
    # While waiting nothing can be done in the room.
    assert (await early.command("say", text="hello?"))["code"] == "not_allowed"

    host = await meeting.facilitator("Host")
    assert host.welcome is not None
    lobby = host.welcome["state"]["lobby"]
    assert lobby == [{"id": waiting["you"]["id"], "pseudonym": "Early Bird"}]
    assert early.welcome is None
    await early.drain(0.3)
    assert early.welcome is None  # the facilitator's arrival does not let anyone in

    assert (await host.command("admit", participant_id=waiting["you"]["id"]))["type"] == "ack"
    welcome = await early.wait_for("welcome")
    assert welcome["you"] == {"id": waiting["you"]["id"], "pseudonym": "Early Bird",
                              "role": "attendee"}  # fmt: skip
    await host.wait_for("joined", participant={**welcome["you"], "muted": False,
                                               "hand_raised": False})  # fmt: skip
    assert (await early.command("say", text="thanks for letting me in"))["type"] == "ack"
    await close_all(early, host)


async def test_knocks_go_to_facilitators_and_a_denied_one_is_told_and_closed(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser, lobby=True)
    host = await meeting.facilitator("Host")
    amber = await meeting.join("amber", pseudonym="Amber")
    knock = await host.wait_for("knock", pseudonym="Amber")
    await host.command("admit", participant_id=knock["participant_id"])
    await amber.wait_for("welcome")

    heron = await meeting.join("heron", pseudonym="Heron")
    assert heron.frames[-1]["type"] == "waiting"
    knock = await host.wait_for("knock", pseudonym="Heron")
    assert knock["participant_id"] == heron.frames[-1]["you"]["id"]
    assert (await host.command("deny", participant_id=knock["participant_id"]))["type"] == "ack"
    denied = await heron.wait_for("error")
    assert denied["code"] == "denied"
    assert await heron.closed() == 4403

    # Attendees in the room never learn who knocked or was turned away.
    await amber.drain(0.3)
    assert not [f for f in amber.frames if f["type"] in {"knock", "denied"}]
    assert "Heron" not in str(amber.frames)
    await close_all(host, amber)


# Facilitator tokens ---------------------------------------------------------------------


async def test_facilitator_tokens_work_only_for_their_own_meeting(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    other = create_meeting(server, organiser)
    host = await meeting.facilitator("Host")
    assert host.welcome is not None and host.welcome["you"]["role"] == "facilitator"
    assert "lobby" in host.welcome["state"]

    for token in (other.facilitator_token(), "garbage", meeting.facilitator_token()[:-4] + "AAAA"):
        reply, code = await refusal(meeting.ws_url, pseudonym="Sneaky", facilitator_token=token)
        assert (reply["code"], code) == ("not_allowed", 4403)

    amber = await meeting.join("amber", pseudonym="Amber")
    assert amber.welcome is not None and amber.welcome["you"]["role"] == "attendee"
    assert "lobby" not in amber.welcome["state"]
    assert (await amber.command("raise_hand"))["type"] == "ack"
    assert (await amber.command("grant", participant_id=amber.me))["code"] == "not_allowed"
    assert (await host.command("grant"))["type"] == "ack"
    granted = await amber.wait_for("floor_granted")
    assert granted["participant_id"] == amber.me
    await close_all(host, amber)


# Pseudonyms --------------------------------------------------------------------------------

FRIENDLY = re.compile(rf"^({'|'.join(ENGLISH_ADJECTIVES)}) ({'|'.join(ENGLISH_NOUNS)})( \d+)?$")


async def test_generated_pseudonyms_are_friendly_and_unique(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    clients = [await meeting.join(f"anon{i}") for i in range(8)]
    names = [c.welcome["you"]["pseudonym"] for c in clients if c.welcome]
    assert len(names) == 8
    assert len({n.casefold() for n in names}) == 8, names
    for name in names:
        assert FRIENDLY.match(name), name
    # Everyone sees the same names in the participant list.
    last = clients[-1].welcome
    assert last is not None
    assert sorted(p["pseudonym"] for p in last["state"]["participants"]) == sorted(names)
    await close_all(*clients)


async def test_an_arabic_group_gets_arabic_names_and_may_choose_arabic_ones(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser, language="ar")
    generated = await meeting.join("anon")
    assert generated.welcome is not None
    name = generated.welcome["you"]["pseudonym"]
    letters = [ch for ch in name if ch.isalpha()]
    assert letters and all("ARABIC" in unicodedata.name(ch) for ch in letters), name
    chosen = await meeting.join("chosen", pseudonym="نجمة صافية")
    assert chosen.welcome is not None
    assert chosen.welcome["you"]["pseudonym"] == "نجمة صافية"
    await close_all(generated, chosen)


IDENTIFYING = [
    "jane@example.com",
    "jane at example dot com",
    "jane(at)example",
    "07700 900123",
    "+44 7700 900123",
    "555-123-4567",
    "www.example.org",
    "janedoe.com",
    "https://jane.example",
    "x",
    "!!!",
    "a" * 33,
]


async def test_identifying_or_malformed_names_are_refused_and_the_same_connection_retries(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    host = await meeting.facilitator("Host")
    # Six tries per connection: more than ten hellos in five seconds are a flood.
    for start in range(0, len(IDENTIFYING), 6):
        client = await Client.connect(meeting.ws_url)
        for name in IDENTIFYING[start : start + 6]:
            reply = await client.hello(pseudonym=name)
            assert reply["type"] == "error" and reply["code"] == "pseudonym_invalid", name
            assert reply["message"]
    welcome = await client.hello(pseudonym="Quiet Jane")
    assert welcome["type"] == "welcome"
    assert welcome["you"]["pseudonym"] == "Quiet Jane"
    # Nobody in the room ever saw the refused names.
    joined = await host.wait_for("joined")
    assert joined["participant"]["pseudonym"] == "Quiet Jane"
    await host.drain(0.2)
    for name in IDENTIFYING[:9]:
        assert name not in str(host.frames)
    await close_all(host, client)


async def test_a_taken_pseudonym_is_refused_and_another_can_be_tried(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    amber = await meeting.join("amber", pseudonym="Amber Fox")
    client = await Client.connect(meeting.ws_url)
    for name in ("Amber Fox", "amber fox", "  AMBER   FOX "):
        reply = await client.hello(pseudonym=name)
        assert reply["type"] == "error" and reply["code"] == "pseudonym_taken", name
    welcome = await client.hello(pseudonym="Amber Fox 2")
    assert welcome["type"] == "welcome"
    assert welcome["you"]["pseudonym"] == "Amber Fox 2"
    await amber.wait_for("joined", participant={**welcome["you"], "muted": False,
                                                "hand_raised": False})  # fmt: skip
    # A generated name never collides with a chosen one either.
    anon = await meeting.join("anon")
    assert anon.welcome is not None
    assert anon.welcome["you"]["pseudonym"].casefold() not in {"amber fox", "amber fox 2"}
    await close_all(amber, client, anon)
