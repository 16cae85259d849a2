"""What anyone may send the facilitators: help requests, reports and raised hands are
limited per participant and per room, in log time, and repeated reports collapse.

The attack: 28 connections sent 56 help, report and hand events a second to the
facilitators, each report carrying the whole message again.
"""

from __future__ import annotations

from rooms import config
from rooms import protocol as p
from tests.rooms.test_core_support import Meeting


def _people(meeting: Meeting, n: int) -> list[str]:
    return [meeting.join(pseudonym=f"Person {i}") for i in range(n)]


def _alerts(meeting: Meeting, since: int) -> list[str]:
    return [t for t in meeting.types_since(since) if t in {"alert", "alert_updated"}]


def test_one_help_request_per_participant_per_interval() -> None:
    meeting = Meeting.open()
    meeting.facilitator()
    (ann,) = _people(meeting, 1)
    meeting.ok(ann, p.Help(note="please"))
    meeting.advance(59)
    assert meeting.refused(ann, p.Help(note="please please")) == "rate_limited"
    meeting.advance(1)
    meeting.ok(ann, p.Help(note="still here"))


def test_reports_per_participant_per_minute() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    (ann,) = _people(meeting, 1)
    messages = [meeting.say(host, f"message {i}") for i in range(7)]
    for mid in messages[:5]:
        meeting.ok(ann, p.Report(message_id=mid))
    assert meeting.refused(ann, p.Report(message_id=messages[5])) == "rate_limited"
    meeting.advance(60)
    meeting.ok(ann, p.Report(message_id=messages[5]))


def test_reports_of_one_message_are_one_alert_with_a_count() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    people = _people(meeting, 10)
    mid = meeting.say(people[0], "x" * 2000)
    before = meeting.seq
    for person in people:
        meeting.ok(person, p.Report(message_id=mid, reason="rude"))
        meeting.ok(person, p.Report(message_id=mid, reason="rude"))  # again: nothing
    everything = meeting.since(before)
    shared = [e for e in everything if e.type in {"alert", "alert_updated"}]
    assert [e.type for e in shared] == ["alert"] + ["alert_updated"] * 9
    assert [e.body.get("count", e.body.get("alert", {}).get("count")) for e in shared] == list(
        range(1, 11)
    )
    assert everything == shared  # nothing else: no second copy of the report
    assert sum("x" * 2000 in str(e.body) for e in everything) == 1  # the text travels once
    assert {e.body.get("alert_id", e.body.get("alert", {}).get("id")) for e in shared} == {"a1"}
    assert all(meeting.sees(host, e) and not meeting.sees(people[1], e) for e in everything)


def test_the_room_caps_what_reaches_the_facilitators_each_minute() -> None:
    meeting = Meeting.open(limits=config.RoomLimits(room_alerts_per_minute=4))
    host = meeting.facilitator()
    people = _people(meeting, 8)
    mid = meeting.say(host, "reported a lot")
    before = meeting.seq
    for person in people[:2]:
        meeting.ok(person, p.Help())
    meeting.ok(people[0], p.Report(message_id=mid))
    meeting.ok(people[1], p.Report(message_id=mid))
    assert len(_alerts(meeting, before)) == 4
    # The minute's alerts are spent: new ones are refused, counts go on silently.
    assert meeting.refused(people[2], p.Help()) == "rate_limited"
    other = meeting.say(host, "not yet reported")
    assert meeting.refused(people[2], p.Report(message_id=other)) == "rate_limited"
    spent = meeting.seq
    for person in people[2:6]:
        meeting.ok(person, p.Report(message_id=mid))
    assert meeting.seq == spent
    meeting.advance(60)
    meeting.ok(people[6], p.Report(message_id=mid))
    assert meeting.last("alert_updated").body["count"] == 7
    meeting.ok(people[2], p.Help())


def test_a_hand_goes_up_at_most_so_often() -> None:
    meeting = Meeting.open()
    meeting.facilitator()
    (ann,) = _people(meeting, 1)
    for _ in range(6):
        meeting.ok(ann, p.RaiseHand())
        meeting.ok(ann, p.LowerHand())
    assert meeting.refused(ann, p.RaiseHand()) == "rate_limited"
    meeting.advance(60)
    meeting.ok(ann, p.RaiseHand())
    meeting.ok(ann, p.LowerHand())  # lowering is always allowed
    meeting.ok(ann, p.RaiseHand())  # raising twice is no second raise
    meeting.ok(ann, p.RaiseHand())
