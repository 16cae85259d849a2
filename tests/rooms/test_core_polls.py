"""Anonymous check-ins and polls: one open at a time, one vote per participant, counts
only at the close, and nobody ever told who chose what."""

from __future__ import annotations

import json

from rooms import protocol as p
from rooms import views
from tests.rooms.test_core_support import Meeting


def _meeting(**overrides: object) -> tuple[Meeting, str, str, str]:
    meeting = Meeting.open(**overrides)
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann", lobby_exempt=True)
    bea = meeting.join(pseudonym="Bea", lobby_exempt=True)
    return meeting, host, ann, bea


def _start(meeting: Meeting, host: str, **fields: object) -> str:
    meeting.ok(host, p.PollStart(**fields))  # type: ignore[arg-type]
    return str(meeting.last("poll").body["poll_id"])


def test_a_facilitator_starts_a_poll_that_everyone_in_the_room_receives() -> None:
    meeting, host, ann, bea = _meeting(lobby=True)
    waiter = meeting.join(pseudonym="Cal")
    assert meeting.room.participants[waiter].status == "waiting"
    meeting.ok(host, p.PollStart(question="  Tea or coffee? ", options=[" Tea", "Coffee "]))
    poll = meeting.last("poll")
    assert poll.body == {
        "poll_id": "q1",
        "question": "Tea or coffee?",
        "options": ["Tea", "Coffee"],
        "scale": None,
        "results": "everyone",
    }
    assert all(meeting.sees(x, poll) for x in (host, ann, bea))
    assert not meeting.sees(waiter, poll)


def test_the_arriving_scale_needs_no_question_and_has_five_values() -> None:
    meeting, host, _, _ = _meeting()
    meeting.ok(host, p.PollStart(scale="arriving", results="facilitators"))
    body = meeting.last("poll").body
    assert (body["question"], body["options"], body["scale"], body["results"]) == (
        None,
        ["1", "2", "3", "4", "5"],
        "arriving",
        "facilitators",
    )


def test_start_rules_bound_the_question_and_the_options() -> None:
    meeting, host, _, _ = _meeting()
    bad = [
        p.PollStart(question="", options=["a", "b"]),
        p.PollStart(question="x" * 201, options=["a", "b"]),
        p.PollStart(question="Which?", options=["only one"]),
        p.PollStart(question="Which?", options=[str(n) for n in range(7)]),
        p.PollStart(question="Which?", options=["a", "  "]),
        p.PollStart(question="Which?", options=["a", "b" * 81]),
        p.PollStart(question="Which?", options=["Tea", "tea "]),
        p.PollStart(question="Which?"),
        p.PollStart(question="Which?", options=["a", "b"], scale="arriving"),
    ]
    for command in bad:
        assert meeting.refused(host, command) == "bad_request", command
    assert meeting.room.poll is None
    meeting.ok(host, p.PollStart(question="x" * 200, options=[str(n) for n in range(6)]))


def test_one_poll_at_a_time_and_only_facilitators_start_or_close() -> None:
    meeting, host, ann, _ = _meeting()
    assert meeting.refused(ann, p.PollStart(scale="arriving")) == "not_allowed"
    poll_id = _start(meeting, host, scale="arriving")
    assert meeting.refused(host, p.PollStart(question="Another?", options=["a", "b"])) == (
        "not_allowed"
    )
    assert meeting.refused(ann, p.PollClose(poll_id=poll_id)) == "not_allowed"
    meeting.ok(host, p.PollClose(poll_id=poll_id))
    assert _start(meeting, host, question="Another?", options=["a", "b"]) == "q2"


def test_votes_count_once_per_participant_and_a_second_vote_changes_the_choice() -> None:
    meeting, host, ann, bea = _meeting()
    poll_id = _start(meeting, host, question="Tea or coffee?", options=["Tea", "Coffee"])
    before = meeting.seq
    meeting.ok(ann, p.Vote(poll_id=poll_id, option=0))
    meeting.ok(ann, p.Vote(poll_id=poll_id, option=0))
    meeting.ok(ann, p.Vote(poll_id=poll_id, option=1))
    meeting.ok(bea, p.Vote(poll_id=poll_id, option=1))
    meeting.ok(host, p.Vote(poll_id=poll_id, option=0))
    assert meeting.seq == before, "a vote told somebody something"
    meeting.ok(host, p.PollClose(poll_id=poll_id))
    results = meeting.last("poll_results").body
    assert (results["counts"], results["total"]) == ([1, 2], 3)


def test_a_resumed_participant_cannot_vote_twice() -> None:
    meeting, host, _, _ = _meeting()
    ann = meeting.join(pseudonym="Dee", token="t-dee")
    poll_id = _start(meeting, host, scale="arriving")
    meeting.ok(ann, p.Vote(poll_id=poll_id, option=4))
    meeting.system(p.Disconnect(participant_id=ann, conn="c4"))
    resumed = meeting.ok(None, p.Resume(conn="c-again", token_hash="t-dee"))
    assert resumed.participant_id == ann
    meeting.ok(ann, p.Vote(poll_id=poll_id, option=4))
    assert views.poll_view(meeting.room, ann) == {
        **meeting.last("poll").body,
        "your_vote": 4,
    }
    meeting.ok(host, p.PollClose(poll_id=poll_id))
    assert meeting.last("poll_results").body["counts"] == [0, 0, 0, 0, 1]


def test_a_participant_waiting_in_the_lobby_cannot_vote() -> None:
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    waiter = meeting.join(pseudonym="Eve")
    poll_id = _start(meeting, host, scale="arriving")
    assert meeting.refused(waiter, p.Vote(poll_id=poll_id, option=0)) == "not_allowed"
    meeting.ok(host, p.PollClose(poll_id=poll_id))
    assert meeting.last("poll_results").body["total"] == 0


def test_muted_people_may_vote() -> None:
    meeting, host, ann, _ = _meeting()
    meeting.ok(host, p.Mute(participant_id=ann))
    poll_id = _start(meeting, host, scale="arriving")
    meeting.ok(ann, p.Vote(poll_id=poll_id, option=2))
    assert meeting.room.poll is not None and len(meeting.room.poll.votes) == 1


def test_a_vote_needs_the_open_poll_and_an_option_in_range() -> None:
    meeting, host, ann, _ = _meeting()
    assert meeting.refused(ann, p.Vote(poll_id="q1", option=0)) == "no_such_poll"
    poll_id = _start(meeting, host, question="Which?", options=["a", "b"])
    assert meeting.refused(ann, p.Vote(poll_id="q9", option=0)) == "no_such_poll"
    assert meeting.refused(ann, p.Vote(poll_id=poll_id, option=2)) == "bad_request"
    assert meeting.refused(ann, p.Vote(poll_id=poll_id, option=-1)) == "bad_request"
    meeting.ok(host, p.PollClose(poll_id=poll_id))
    assert meeting.refused(ann, p.Vote(poll_id=poll_id, option=0)) == "no_such_poll"
    assert meeting.refused(host, p.PollClose(poll_id=poll_id)) == "no_such_poll"


def test_results_carry_counts_only_to_the_audience_chosen() -> None:
    meeting, host, ann, bea = _meeting()
    cohost = meeting.join("facilitator", "Cohost")
    for results, attendees_see in (("everyone", True), ("facilitators", False)):
        poll_id = _start(meeting, host, question="Which?", options=["a", "b"], results=results)
        meeting.ok(ann, p.Vote(poll_id=poll_id, option=1))
        meeting.ok(host, p.PollClose(poll_id=poll_id))
        event = meeting.last("poll_results")
        assert event.body == {
            "poll_id": poll_id,
            "question": "Which?",
            "options": ["a", "b"],
            "scale": None,
            "results": results,
            "counts": [0, 1],
            "total": 1,
        }
        assert meeting.sees(host, event) and meeting.sees(cohost, event)
        assert meeting.sees(ann, event) is attendees_see
        assert meeting.sees(bea, event) is attendees_see
        assert meeting.sees(bea, meeting.last("poll_closed"))


def test_no_event_says_who_voted_and_the_votes_go_at_the_close() -> None:
    meeting, host, ann, bea = _meeting()
    poll_id = _start(meeting, host, question="Which?", options=["a", "b"])
    meeting.ok(ann, p.Vote(poll_id=poll_id, option=0))
    meeting.ok(bea, p.Vote(poll_id=poll_id, option=1))
    meeting.ok(host, p.PollClose(poll_id=poll_id))
    assert meeting.room.poll is None
    polls = [e for e in meeting.events if e.type in {"poll", "poll_results"}]
    assert [e.type for e in polls] == ["poll", "poll_results"]
    closed = meeting.last("poll_closed")
    assert closed.body == {"poll_id": poll_id} and meeting.sees(ann, closed)
    for event in polls:
        text = json.dumps(event.body)
        assert ann not in text and bea not in text
        assert "Ann" not in text and "Bea" not in text


def test_welcome_shows_the_open_poll_and_only_the_viewers_own_vote() -> None:
    meeting, host, ann, bea = _meeting()
    assert views.poll_view(meeting.room, ann) is None
    poll_id = _start(meeting, host, question="Which?", options=["a", "b"])
    meeting.ok(ann, p.Vote(poll_id=poll_id, option=1))
    mine = views.poll_view(meeting.room, ann)
    theirs = views.poll_view(meeting.room, bea)
    hosts = views.poll_view(meeting.room, host)
    assert mine is not None and theirs is not None and hosts is not None
    assert (mine["your_vote"], theirs["your_vote"], hosts["your_vote"]) == (1, None, None)
    assert "counts" not in hosts and "votes" not in hosts
    meeting.ok(host, p.PollClose(poll_id=poll_id))
    assert views.poll_view(meeting.room, ann) is None


def test_a_cohost_runs_a_poll_until_demoted_and_then_sees_only_what_attendees_see() -> None:
    meeting, host, ann, _ = _meeting()
    meeting.ok(host, p.Promote(participant_id=ann))
    poll_id = _start(meeting, ann, scale="arriving", results="facilitators")
    meeting.ok(host, p.Demote(participant_id=ann))
    assert meeting.refused(ann, p.PollClose(poll_id=poll_id)) == "not_allowed"
    meeting.ok(ann, p.Vote(poll_id=poll_id, option=0))
    meeting.ok(host, p.PollClose(poll_id=poll_id))
    assert meeting.sees(ann, meeting.last("poll_closed"))
    assert not meeting.sees(ann, meeting.last("poll_results"))
