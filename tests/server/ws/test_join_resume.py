"""After joining, in process: what late joiners see, resuming after a drop, the grace
period, removal."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.server.ws.inprocess import Client, InProcessHearth

GRACE = 2


@pytest.fixture
def hearth_settings() -> dict[str, Any]:
    return {"resume_grace_seconds": GRACE}


def token_of(client: Client) -> str:
    assert client.welcome is not None
    token: str = client.welcome["resume_token"]
    return token


def after(client: Client, seq: int) -> list[tuple[int, str]]:
    return [(e["seq"], e["type"]) for e in client.events if e["seq"] > seq]


# Late joiners -------------------------------------------------------------------------


def test_late_joiners_do_not_see_what_was_shared_before_they_came(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    amber = meeting.join("amber", pseudonym="Amber")
    assert amber.command("say", text="something very personal")["type"] == "ack"
    heron = meeting.join("heron", pseudonym="Heron")
    assert heron.welcome is not None
    assert heron.welcome["recent"] == []
    heron.drain(0.3)
    assert "something very personal" not in str(heron.frames)
    # What is said after they arrive, they do see.
    amber.command("say", text="welcome, Heron")
    message = heron.wait_for("message")
    assert message["text"] == "welcome, Heron"


def test_late_joiners_see_history_where_the_group_allows_it(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(late_joiners_see_history=True)
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    amber.command("say", text="first thing")
    amber.command("say", text="regretted thing")
    amber.command("say", text="third thing")
    regretted = host.wait_for("message", text="regretted thing")
    host.command("delete", message_id=regretted["message_id"])
    amber.wait_for("message_deleted")
    heron = meeting.join("heron", pseudonym="Heron")
    assert heron.welcome is not None
    recent = heron.welcome["recent"]
    assert [m["text"] for m in recent] == ["first thing", "third thing"]
    assert all(m["type"] == "message" and m["pseudonym"] == "Amber" for m in recent)
    assert [m["seq"] for m in recent] == sorted(m["seq"] for m in recent)
    assert all(m["seq"] <= heron.welcome["seq"] for m in recent)


# Resume ----------------------------------------------------------------------------------


def test_a_resume_delivers_exactly_the_missed_events_once(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    heron = meeting.join("heron", pseudonym="Heron")
    wren = meeting.join("wren", pseudonym="Wren")  # stays connected: the reference
    amber.command("say", text="before the drop")
    heron.wait_for("message", text="before the drop")
    heron.drain(0.2)
    before, token, heron_id = heron.last_seq, token_of(heron), heron.me

    heron.drop()  # no close frame: the network just went away
    said = amber.command("say", text="while Heron was away")
    amber.command("raise_hand")
    amber.command("help", note="only for facilitators and me")
    host.command("grant")
    wren.wait_for("floor_granted")
    host.wait_for("alert")

    back = meeting.connect("heron-back")
    welcome = back.hello(resume={"token": token, "last_seq": before})
    assert welcome["type"] == "welcome", welcome
    assert welcome["you"]["id"] == heron_id and welcome["you"]["pseudonym"] == "Heron"
    assert welcome["state"]["floor"]["participant_id"] == amber.me
    amber.command("yield")  # a live event after the resume
    back.wait_for("floor_released", reason="yielded")
    wren.wait_for("floor_released", reason="yielded")
    back.drain(0.3)
    wren.drain(0.1)

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
    assert back.command("say", text="I'm back")["type"] == "ack"
    assert wren.wait_for("message", text="I'm back")["participant_id"] == heron_id


def test_a_bad_resume_token_fails_then_a_fresh_hello_works(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    amber = meeting.join("amber", pseudonym="Amber")
    client = meeting.connect()
    for resume in ({"token": "made-up", "last_seq": 3}, {"token": "x" * 128}):
        failed = client.hello(resume=resume)
        assert failed["type"] == "error" and failed["code"] == "resume_failed", resume
    welcome = client.hello(pseudonym="Heron")
    assert welcome["type"] == "welcome"
    assert welcome["you"]["id"] != amber.me
    amber.wait_for("joined", participant={**welcome["you"], "muted": False,
                                                "hand_raised": False, "cohost": False})  # fmt: skip


def test_after_the_grace_period_a_dropped_floor_holder_times_out(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    heron = meeting.join("heron", pseudonym="Heron")
    host.command("grant", participant_id=heron.me)
    granted = amber.wait_for("floor_granted")
    token, heron_id = token_of(heron), heron.me

    heron.drop()  # no close frame: the network just went away
    started = time.monotonic()
    released = amber.wait_for("floor_released", timeout=GRACE + 8)
    left = amber.wait_for("left", timeout=GRACE + 8)
    waited = time.monotonic() - started
    assert released["participant_id"] == heron_id and released["reason"] == "left"
    assert released["turn_id"] == granted["turn_id"]
    assert left["participant_id"] == heron_id and left["reason"] == "timeout"
    assert released["seq"] < left["seq"]
    assert GRACE - 0.5 <= waited <= GRACE + 5, waited
    host.wait_for("left", participant_id=heron_id, reason="timeout")

    late = meeting.connect()
    failed = late.hello(resume={"token": token, "last_seq": granted["seq"]})
    assert failed["type"] == "error" and failed["code"] == "resume_failed"
    # The name is free again for a fresh hello on the same connection.
    welcome = late.hello(pseudonym="Heron")
    assert welcome["type"] == "welcome" and welcome["you"]["id"] != heron_id
    assert welcome["state"]["floor"] is None


def test_a_removed_participant_is_closed_and_cannot_resume(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    troll = meeting.join("troll", pseudonym="Troll")
    token, troll_id, seq = token_of(troll), troll.me, troll.last_seq
    assert host.command("remove", participant_id=troll_id)["type"] == "ack"
    removed = troll.wait_for("error")
    assert removed["code"] == "removed"
    assert troll.closed() == 4403
    left = amber.wait_for("left", participant_id=troll_id)
    assert left["reason"] == "removed"

    again = meeting.connect()
    refused = again.hello(resume={"token": token, "last_seq": seq})
    assert refused["type"] == "error" and refused["code"] in {"removed", "resume_failed"}
    if refused["code"] == "removed":
        assert again.closed() == 4403
    amber.drain(0.3)
    assert not [e for e in amber.events if e["type"] == "joined" and e["seq"] > left["seq"]]
