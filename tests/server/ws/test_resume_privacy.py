"""A resume replays only what its participant could have seen live, in process.

The attack: a newcomer opens a second connection and resumes with its own token and
`last_seq: 1`, hoping to be replayed the meeting from its start. Whatever the
audience of an event (everyone, facilitators, one participant), nothing from before
the participant was let in comes back, nor anything said while it waited in the lobby.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.ws.inprocess import Client, InProcessHearth, Meeting

SECRET = "something said before you came"


@pytest.fixture
def hearth_settings() -> dict[str, Any]:
    return {"help_interval_seconds": 0}  # Amber asks twice, before and after


def resume_from_the_start(meeting: Meeting, who: Client) -> tuple[Client, dict[str, Any]]:
    """A second connection of the same participant, resuming from seq 1."""
    assert who.welcome is not None
    token = who.welcome["resume_token"]
    second = meeting.connect(f"{who.name}-again")
    welcome = second.hello(resume={"token": token, "last_seq": 1})
    assert welcome["type"] == "welcome", welcome
    assert welcome["you"]["id"] == who.me
    second.drain(0.3)
    return second, welcome


def admit(host: Client, pseudonym: str) -> None:
    knock = host.wait_for("knock", pseudonym=pseudonym)
    assert host.command("admit", participant_id=knock["participant_id"])["type"] == "ack"


def replayed(client: Client, welcome: dict[str, Any]) -> list[dict[str, Any]]:
    """The events that came with the resume's welcome (all at or before its seq)."""
    return [e for e in client.events if e["seq"] <= welcome["seq"]]


def test_a_resume_does_not_replay_messages_from_before_the_newcomer_came(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(late_joiners_see_history=False)
    amber = meeting.join("amber", pseudonym="Amber")
    amber.command("say", text=SECRET)
    amber.command("raise_hand")
    heron = meeting.join("heron", pseudonym="Heron")
    joined_at = heron.last_seq
    amber.command("say", text="said after Heron came")
    heron.wait_for("message", text="said after Heron came")

    second, welcome = resume_from_the_start(meeting, heron)
    assert welcome["recent"] == []
    assert SECRET not in str(second.frames)
    events = replayed(second, welcome)
    assert all(e["seq"] > joined_at for e in events), events
    # What Heron did see live is replayed, once and in order.
    assert [e["text"] for e in events if e["type"] == "message"] == ["said after Heron came"]


def test_a_late_facilitator_is_not_replayed_earlier_reports_help_or_knocks(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(lobby=True)
    host = meeting.facilitator("Host")
    amber = meeting.join("amber", pseudonym="Amber")
    host.command("admit", participant_id=host.wait_for("knock")["participant_id"])
    amber.wait_for("welcome")
    said = amber.command("say", text=SECRET)
    message = host.wait_for("message", seq=said["seq"])
    amber.command("report", message_id=message["message_id"], reason="private matter")
    amber.command("help", note="a help note from before")
    meeting.join("lark", pseudonym="Lark")  # knocks: facilitators only
    host.wait_for("knock", pseudonym="Lark")

    second_host = meeting.facilitator("Cohost")
    joined_at = second_host.last_seq
    amber.command("help", note="a help note from after")
    second_host.wait_for("alert_updated", note="a help note from after")

    again, welcome = resume_from_the_start(meeting, second_host)
    events = replayed(again, welcome)
    assert all(e["seq"] > joined_at for e in events), events
    for leaked in (SECRET, "private matter", "a help note from before", "Lark"):
        assert leaked not in str(events), leaked
    assert [e["note"] for e in events if e["type"] == "alert_updated"] == ["a help note from after"]


def test_a_resume_replays_nothing_from_the_lobby_wait_nor_what_was_meant_for_others(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(lobby=True)
    host = meeting.facilitator("Host")
    amber = meeting.join("amber", pseudonym="Amber")
    admit(host, "Amber")
    amber.wait_for("welcome")

    heron = meeting.join("heron", pseudonym="Heron")
    assert heron.frames[-1]["type"] == "waiting"
    heron_id = host.wait_for("knock", pseudonym="Heron")["participant_id"]
    amber.command("say", text="said while Heron waited in the lobby")
    host.command("admit", participant_id=heron_id)
    heron.wait_for("welcome")
    admitted_at = heron.last_seq

    # After Heron is in: events meant for someone else.
    wren = meeting.join("wren", pseudonym="Wren")
    admit(host, "Wren")
    wren.wait_for("welcome")  # wren got an `admitted` meant for wren alone
    amber.command("help", note="for the facilitators and Amber")
    while host.wait_for("alert")["alert"]["kind"] != "help":
        pass
    amber.command("say", text="said after Heron was let in")
    heron.wait_for("message", text="said after Heron was let in")

    again, welcome = resume_from_the_start(meeting, heron)
    events = replayed(again, welcome)
    assert all(e["seq"] > admitted_at for e in events), events
    text = str(events)
    assert "said while Heron waited in the lobby" not in text
    assert "for the facilitators and Amber" not in text
    assert not [e for e in events if e["type"] in {"knock", "admitted", "alert", "alert_updated"}]
    assert [e["text"] for e in events if e["type"] == "message"] == ["said after Heron was let in"]
