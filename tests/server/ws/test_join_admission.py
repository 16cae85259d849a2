"""Who gets into a room, in process: the window, invites, capacity, lock, lobby,
facilitator tokens and pseudonyms."""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rooms.names import ENGLISH_ADJECTIVES, ENGLISH_NOUNS
from tests.server.ws.inprocess import Client, InProcessHearth


@pytest.fixture
def hearth_settings(database: str) -> dict[str, Any]:
    """Admission is where the database decides (invites, windows, cancellations): on
    SQLite always, and on PostgreSQL where it is available."""
    return {"database_url": database}


def refusal(hearth: InProcessHearth, path: str, **hello: Any) -> tuple[dict[str, Any], int | None]:
    """Says hello, expects an error; returns it and the close code that follows."""
    client = hearth.connect(path)
    reply = client.hello(**hello)
    assert reply["type"] == "error", reply
    return reply, client.closed()


def close_all(*clients: Client) -> None:
    for c in clients:
        c.close()


# The meeting window ---------------------------------------------------------------


def test_the_room_opens_15_minutes_before_the_start_and_not_earlier(
    hearth: InProcessHearth,
) -> None:
    # Minutes are truncated when scheduling, so keep a minute of margin either side.
    for minutes in (30, 17):
        later = hearth.create_meeting(starts_in=timedelta(minutes=minutes))
        reply, code = refusal(hearth, later.ws_path)
        assert (reply["code"], code) == ("meeting_not_open", 4409), minutes
        assert "15 minutes" in reply["message"]
    soon = hearth.create_meeting(starts_in=timedelta(minutes=14))
    early_bird = soon.join("early", pseudonym="Early Bird")
    assert early_bird.welcome is not None
    assert early_bird.welcome["meeting"]["status"] == "open"
    assert early_bird.command("say", text="I'm a bit early")["type"] == "ack"
    early_bird.close()


def test_ended_cancelled_and_unknown_meetings_are_refused(hearth: InProcessHearth) -> None:
    past = hearth.create_meeting(starts_in=timedelta(hours=-2), duration_minutes=60)
    reply, code = refusal(hearth, past.ws_path)
    assert (reply["code"], code) == ("meeting_ended", 4409)

    cancelled = hearth.create_meeting()
    r = hearth.http.patch(f"/api/meetings/{cancelled.id}", json={"cancelled": True})
    assert r.status_code == 200, r.text
    reply, code = refusal(hearth, cancelled.ws_path, pseudonym="Amber")
    assert (reply["code"], code) == ("meeting_ended", 4409)

    for bogus in ("doesnotexist", "x" * 40, secrets.token_hex(16)):
        reply, code = refusal(hearth, f"/ws/meetings/{bogus}")
        assert (reply["code"], code) == ("meeting_not_found", 4404), bogus


def test_a_meeting_the_facilitator_ended_admits_nobody_new(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    assert host.command("end")["type"] == "ack"
    amber.wait_for("meeting_ended")
    assert amber.closed() == 1000
    reply, code = refusal(hearth, meeting.ws_path, pseudonym="Latecomer")
    assert (reply["code"], code) == ("meeting_ended", 4409)


def test_calling_off_a_live_meeting_ends_its_room(hearth: InProcessHearth) -> None:
    cancelled = hearth.create_meeting()
    deleted = hearth.create_meeting()
    rooms = []
    for meeting in (cancelled, deleted):
        host = meeting.facilitator()
        amber = meeting.join("amber", pseudonym="Amber")
        rooms.append((host, amber))

    r = hearth.http.patch(f"/api/meetings/{cancelled.id}", json={"cancelled": True})
    assert r.status_code == 200, r.text
    r = hearth.http.delete(f"/api/groups/{deleted.group_id}")
    assert r.status_code == 204, r.text
    for host, amber in rooms:
        for client in (host, amber):
            assert client.wait_for("meeting_ended")["by"] is None
            assert client.closed() == 1000
    reply, code = refusal(hearth, cancelled.ws_path, pseudonym="Heron")
    assert (reply["code"], code) == ("meeting_ended", 4409)
    reply, code = refusal(hearth, deleted.ws_path, pseudonym="Heron")
    assert (reply["code"], code) == ("meeting_not_found", 4404)


# Closed groups and invites ----------------------------------------------------------


def test_closed_groups_need_a_valid_invite(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(visibility="closed")
    expiry = datetime.now(UTC) + timedelta(seconds=3)
    expiring = meeting.invite(expires_at=expiry.isoformat())

    for hello in ({}, {"invite": ""}):
        reply, code = refusal(hearth, meeting.ws_path, **hello)
        assert (reply["code"], code) == ("invite_required", 4403), hello
    for bad in ("not-a-code", "é" * 10, "x" * 200):
        reply, code = refusal(hearth, meeting.ws_path, invite=bad)
        assert (reply["code"], code) == ("invite_invalid", 4403), bad

    single = meeting.invite(max_uses=1)
    first = meeting.join("first", invite=single, pseudonym="First")
    assert first.welcome is not None
    reply, code = refusal(hearth, meeting.ws_path, invite=single, pseudonym="Second")
    assert (reply["code"], code) == ("invite_invalid", 4403)

    revoked = meeting.invite()
    r = hearth.http.delete(f"/api/groups/{meeting.group_id}/invites/{revoked}")
    assert r.status_code == 204, r.text
    reply, code = refusal(hearth, meeting.ws_path, invite=revoked)
    assert (reply["code"], code) == ("invite_invalid", 4403)

    reusable = meeting.invite()
    for name in ("Amber", "Heron"):
        c = meeting.join(name, invite=reusable, pseudonym=name)
        assert c.welcome is not None
        c.close()

    # An invite for another closed group does not open this one.
    other = hearth.create_meeting(visibility="closed")
    reply, code = refusal(hearth, meeting.ws_path, invite=other.invite())
    assert (reply["code"], code) == ("invite_invalid", 4403)

    time.sleep(max(0.0, (expiry - datetime.now(UTC)).total_seconds() + 0.5))
    reply, code = refusal(hearth, meeting.ws_path, invite=expiring)
    assert (reply["code"], code) == ("invite_invalid", 4403)
    first.close()


def test_a_single_use_invite_is_spent_only_by_someone_who_gets_in(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(visibility="closed", capacity=2)
    amber = meeting.join("amber", invite=meeting.invite(), pseudonym="Amber")
    invites = f"/api/groups/{meeting.group_id}/invites"

    def single_use() -> tuple[str, str]:
        r = hearth.http.post(invites, json={"max_uses": 1})
        assert r.status_code == 201, r.text
        return r.json()["code"], r.json()["id"]

    def uses(invite_id: str, expected: int) -> None:
        """What the organiser sees, once the server has caught up."""
        for _ in range(50):
            r = hearth.http.get(invites)
            count = next(i["use_count"] for i in r.json() if i["id"] == invite_id)
            if count == expected:
                return
            time.sleep(0.1)
        raise AssertionError(f"use_count stayed {count}, not {expected}")

    # Someone who gives up after a taken name spends nothing.
    single, single_id = single_use()
    quitter = meeting.connect()
    assert quitter.hello(invite=single, pseudonym="amber")["code"] == "pseudonym_taken"
    uses(single_id, 1)  # held while they choose
    quitter.close()
    uses(single_id, 0)

    # A taken name, then a retry on the same connection: one use, not two.
    newcomer = meeting.connect()
    assert newcomer.hello(invite=single, pseudonym="AMBER")["code"] == "pseudonym_taken"
    again = newcomer.hello(invite=single, pseudonym="Amber Two")
    assert again["type"] == "welcome", again
    uses(single_id, 1)
    reply, code = refusal(hearth, meeting.ws_path, invite=single, pseudonym="Heron")
    assert (reply["code"], code) == ("invite_invalid", 4403)

    # A full room turns the next person away without spending their invite.
    another, another_id = single_use()
    reply, code = refusal(hearth, meeting.ws_path, invite=another, pseudonym="Heron")
    assert (reply["code"], code) == ("room_full", 4409)
    uses(another_id, 0)
    assert newcomer.command("leave")["type"] == "ack"
    amber.wait_for("left", participant_id=newcomer.me)
    heron = meeting.join("heron", invite=another, pseudonym="Heron")
    assert heron.welcome is not None
    uses(another_id, 1)
    close_all(amber, newcomer, heron)


# Capacity and the lock ---------------------------------------------------------------


def test_a_full_room_refuses_the_next_attendee_until_someone_leaves(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(capacity=2)
    amber = meeting.join("amber", pseudonym="Amber")
    heron = meeting.join("heron", pseudonym="Heron")
    reply, code = refusal(hearth, meeting.ws_path, pseudonym="Wren")
    assert (reply["code"], code) == ("room_full", 4409)
    assert heron.command("leave")["type"] == "ack"
    assert heron.closed() == 1000
    amber.wait_for("left", participant_id=heron.me, reason="left")
    wren = meeting.join("wren", pseudonym="Wren")
    assert wren.welcome is not None
    close_all(amber, wren)


def test_a_locked_room_refuses_attendees_but_not_facilitators(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator("Host")
    amber = meeting.join("amber", pseudonym="Amber")
    assert host.command("settings", locked=True)["type"] == "ack"
    changed = amber.wait_for("settings_changed")
    assert changed["settings"]["locked"] is True

    reply, code = refusal(hearth, meeting.ws_path, pseudonym="Heron")
    assert (reply["code"], code) == ("room_locked", 4409)
    cohost = meeting.facilitator("Co Host")
    assert cohost.welcome is not None
    assert cohost.welcome["you"]["role"] == "facilitator"
    assert cohost.welcome["state"]["settings"]["locked"] is True

    assert cohost.command("settings", locked=False)["type"] == "ack"
    amber.wait_for("settings_changed")
    heron = meeting.join("heron", pseudonym="Heron")
    assert heron.welcome is not None
    close_all(host, amber, cohost, heron)


# The lobby ----------------------------------------------------------------------------


def test_people_waiting_before_the_facilitator_arrives_still_need_admission(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(lobby=True)
    early = meeting.join("early", pseudonym="Early Bird")
    waiting = early.frames[-1]
    assert waiting["type"] == "waiting" and early.welcome is None
    assert waiting["you"]["pseudonym"] == "Early Bird"
    assert waiting["resume_token"]
    # While waiting nothing can be done in the room.
    assert early.command("say", text="hello?")["code"] == "not_allowed"

    host = meeting.facilitator("Host")
    assert host.welcome is not None
    lobby = host.welcome["state"]["lobby"]
    assert lobby == [{"id": waiting["you"]["id"], "pseudonym": "Early Bird"}]
    assert early.welcome is None
    early.drain(0.3)
    assert early.welcome is None  # the facilitator's arrival does not let anyone in

    assert host.command("admit", participant_id=waiting["you"]["id"])["type"] == "ack"
    welcome = early.wait_for("welcome")
    assert welcome["you"] == {"id": waiting["you"]["id"], "pseudonym": "Early Bird",
                              "role": "attendee"}  # fmt: skip
    host.wait_for("joined", participant={**welcome["you"], "muted": False,
                                               "hand_raised": False, "cohost": False})  # fmt: skip
    assert early.command("say", text="thanks for letting me in")["type"] == "ack"
    close_all(early, host)


def test_knocks_go_to_facilitators_and_a_denied_one_is_told_and_closed(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(lobby=True)
    host = meeting.facilitator("Host")
    amber = meeting.join("amber", pseudonym="Amber")
    knock = host.wait_for("knock", pseudonym="Amber")
    host.command("admit", participant_id=knock["participant_id"])
    amber.wait_for("welcome")

    heron = meeting.join("heron", pseudonym="Heron")
    assert heron.frames[-1]["type"] == "waiting"
    knock = host.wait_for("knock", pseudonym="Heron")
    assert knock["participant_id"] == heron.frames[-1]["you"]["id"]
    assert host.command("deny", participant_id=knock["participant_id"])["type"] == "ack"
    denied = heron.wait_for("error")
    assert denied["code"] == "denied"
    assert heron.closed() == 4403

    # Attendees in the room never learn who knocked or was turned away.
    amber.drain(0.3)
    assert not [f for f in amber.frames if f["type"] in {"knock", "denied"}]
    assert "Heron" not in str(amber.frames)
    close_all(host, amber)


# Facilitator tokens ---------------------------------------------------------------------


def test_facilitator_tokens_work_only_for_their_own_meeting(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    other = hearth.create_meeting()
    host = meeting.facilitator("Host")
    assert host.welcome is not None and host.welcome["you"]["role"] == "facilitator"
    assert "lobby" in host.welcome["state"]

    for token in (other.facilitator_token(), "garbage", meeting.facilitator_token()[:-4] + "AAAA"):
        reply, code = refusal(hearth, meeting.ws_path, pseudonym="Sneaky", facilitator_token=token)
        assert (reply["code"], code) == ("not_allowed", 4403)

    amber = meeting.join("amber", pseudonym="Amber")
    assert amber.welcome is not None and amber.welcome["you"]["role"] == "attendee"
    assert "lobby" not in amber.welcome["state"]
    assert amber.command("raise_hand")["type"] == "ack"
    assert amber.command("grant", participant_id=amber.me)["code"] == "not_allowed"
    assert host.command("grant")["type"] == "ack"
    granted = amber.wait_for("floor_granted")
    assert granted["participant_id"] == amber.me
    close_all(host, amber)


# Pseudonyms --------------------------------------------------------------------------------

FRIENDLY = re.compile(rf"^({'|'.join(ENGLISH_ADJECTIVES)}) ({'|'.join(ENGLISH_NOUNS)})( \d+)?$")


def test_generated_pseudonyms_are_friendly_and_unique(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    clients = [meeting.join(f"anon{i}") for i in range(8)]
    names = [c.welcome["you"]["pseudonym"] for c in clients if c.welcome]
    assert len(names) == 8
    assert len({n.casefold() for n in names}) == 8, names
    for name in names:
        assert FRIENDLY.match(name), name
    # Everyone sees the same names in the participant list.
    last = clients[-1].welcome
    assert last is not None
    assert sorted(p["pseudonym"] for p in last["state"]["participants"]) == sorted(names)
    close_all(*clients)


def test_an_arabic_group_gets_arabic_names_and_may_choose_arabic_ones(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(language="ar")
    generated = meeting.join("anon")
    assert generated.welcome is not None
    name = generated.welcome["you"]["pseudonym"]
    letters = [ch for ch in name if ch.isalpha()]
    assert letters and all("ARABIC" in unicodedata.name(ch) for ch in letters), name
    chosen = meeting.join("chosen", pseudonym="نجمة صافية")
    assert chosen.welcome is not None
    assert chosen.welcome["you"]["pseudonym"] == "نجمة صافية"
    close_all(generated, chosen)


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


def test_identifying_or_malformed_names_are_refused_and_the_same_connection_retries(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator("Host")
    # Six tries per connection: more than ten hellos in five seconds are a flood.
    for start in range(0, len(IDENTIFYING), 6):
        client = meeting.connect()
        for name in IDENTIFYING[start : start + 6]:
            reply = client.hello(pseudonym=name)
            assert reply["type"] == "error" and reply["code"] == "pseudonym_invalid", name
            assert reply["message"]
    welcome = client.hello(pseudonym="Quiet Jane")
    assert welcome["type"] == "welcome"
    assert welcome["you"]["pseudonym"] == "Quiet Jane"
    # Nobody in the room ever saw the refused names.
    joined = host.wait_for("joined")
    assert joined["participant"]["pseudonym"] == "Quiet Jane"
    host.drain(0.2)
    for name in IDENTIFYING[:9]:
        assert name not in str(host.frames)
    close_all(host, client)


def test_a_taken_pseudonym_is_refused_and_another_can_be_tried(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    amber = meeting.join("amber", pseudonym="Amber Fox")
    client = meeting.connect()
    for name in ("Amber Fox", "amber fox", "  AMBER   FOX "):
        reply = client.hello(pseudonym=name)
        assert reply["type"] == "error" and reply["code"] == "pseudonym_taken", name
    welcome = client.hello(pseudonym="Amber Fox 2")
    assert welcome["type"] == "welcome"
    assert welcome["you"]["pseudonym"] == "Amber Fox 2"
    amber.wait_for("joined", participant={**welcome["you"], "muted": False,
                                                "hand_raised": False, "cohost": False})  # fmt: skip
    # A generated name never collides with a chosen one either.
    anon = meeting.join("anon")
    assert anon.welcome is not None
    assert anon.welcome["you"]["pseudonym"].casefold() not in {"amber fox", "amber fox 2"}
    close_all(amber, client, anon)
