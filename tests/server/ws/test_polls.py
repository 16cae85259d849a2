"""Anonymous polls over real WebSockets, in process: a hostile attendee cannot vote
twice, nor start a poll, nor learn who chose what; results go where the facilitator
chose."""

from __future__ import annotations

import json
from typing import Any

from tests.server.ws.inprocess import Client, InProcessHearth


def _poll_frames(client: Client) -> list[dict[str, Any]]:
    return [f for f in client.frames if f["type"] in {"poll", "poll_closed", "poll_results"}]


def _code(reply: dict[str, Any]) -> tuple[str, str | None]:
    return (reply["type"], reply.get("code"))


def test_a_hostile_attendee_gets_clear_errors_and_counts_once(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    birch = meeting.join("birch", pseudonym="Birch")
    started = amber.command("poll_start", scale="arriving")
    assert _code(started) == ("error", "not_allowed")
    assert _code(host.command("poll_start", question="Tea?", options=["Tea"])) == (
        "error",
        "bad_request",
    )
    started = host.command("poll_start", question="Tea or coffee?", options=["Tea", "Coffee"])
    assert started["type"] == "ack"
    poll = amber.wait_for("poll")
    assert (poll["question"], poll["options"]) == ("Tea or coffee?", ["Tea", "Coffee"])
    poll_id = poll["poll_id"]

    for option in (0, 0, 1, 1):
        assert amber.command("vote", poll_id=poll_id, option=option)["type"] == "ack"
    # At most 10 frames in 5 s each: the bad ones are shared between two attendees.
    for client, bad in (
        (amber, {"option": 2}),
        (amber, {"option": 10**30}),
        (birch, {"option": "1"}),
        (birch, {"option": True}),
        (birch, {"option": 0.5}),
        (birch, {}),
    ):
        reply = client.command("vote", poll_id=poll_id, **bad)
        assert _code(reply) == ("error", "bad_request"), bad
        assert reply["message"]
    assert _code(amber.command("vote", poll_id="q99", option=0)) == ("error", "no_such_poll")
    assert birch.command("vote", poll_id=poll_id, option=1)["type"] == "ack"

    assert host.command("poll_close", poll_id=poll_id)["type"] == "ack"
    for client in (host, amber, birch):
        results = client.wait_for("poll_results", poll_id=poll_id)
        assert (results["counts"], results["total"]) == ([0, 2], 2)
    late = birch.command("vote", poll_id=poll_id, option=0)
    assert _code(late) == ("error", "no_such_poll")
    assert birch.command("say", text="still here")["type"] == "ack"  # the connection lives


def test_a_resumed_attendee_sees_their_own_vote_and_cannot_vote_twice(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    assert host.command("poll_start", scale="arriving")["type"] == "ack"
    poll_id = amber.wait_for("poll")["poll_id"]
    assert amber.command("vote", poll_id=poll_id, option=0)["type"] == "ack"
    assert amber.welcome is not None
    token, before = amber.welcome["resume_token"], amber.last_seq
    amber.drop()

    back = meeting.connect("amber-back")
    welcome = back.hello(resume={"token": token, "last_seq": before})
    assert welcome["type"] == "welcome" and welcome["resumed"] is True
    assert welcome["poll"]["poll_id"] == poll_id
    assert welcome["poll"]["your_vote"] == 0
    assert back.command("vote", poll_id=poll_id, option=4)["type"] == "ack"

    heron = meeting.join("heron", pseudonym="Heron")
    assert heron.welcome is not None
    assert heron.welcome["poll"]["your_vote"] is None
    assert "counts" not in heron.welcome["poll"]

    assert host.command("poll_close", poll_id=poll_id)["type"] == "ack"
    results = back.wait_for("poll_results")
    assert (results["counts"], results["total"]) == ([0, 0, 0, 0, 1], 1)


def test_results_for_facilitators_only_and_nobody_learns_who_voted(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    cohost = meeting.facilitator("Cohost")
    amber = meeting.join("amber", pseudonym="Amber")
    birch = meeting.join("birch", pseudonym="Birch")
    started = host.command(
        "poll_start", question="Did this help?", options=["Yes", "No"], results="facilitators"
    )
    assert started["type"] == "ack"
    poll_id = birch.wait_for("poll")["poll_id"]
    assert amber.command("vote", poll_id=poll_id, option=1)["type"] == "ack"
    assert cohost.command("vote", poll_id=poll_id, option=0)["type"] == "ack"
    assert host.command("poll_close", poll_id=poll_id)["type"] == "ack"
    for client in (host, cohost):
        results = client.wait_for("poll_results", poll_id=poll_id)
        assert (results["counts"], results["total"], results["results"]) == (
            [1, 1],
            2,
            "facilitators",
        )
    assert birch.command("say", text="thank you")["type"] == "ack"
    for client in (host, cohost, amber, birch):
        client.drain()
    assert [f["type"] for f in _poll_frames(birch)] == ["poll", "poll_closed"]
    assert [f["type"] for f in _poll_frames(amber)] == ["poll", "poll_closed"]
    voters = (amber.me, cohost.me, "Amber", "Cohost")
    for client in (host, cohost, amber, birch):
        for frame in client.frames:
            if frame.get("type") in {"ack", "welcome", "joined"}:
                continue
            text = json.dumps(frame)
            assert not any(f'"{v}"' in text for v in voters), frame
        assert not [f for f in client.frames if f["type"] == "vote"]
