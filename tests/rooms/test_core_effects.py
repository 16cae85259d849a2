"""The core says whom the shell must greet or disconnect; the shell reads no event bodies."""

from __future__ import annotations

from rooms import protocol as p
from rooms.reducer import Closing, Greet
from tests.rooms.test_core_support import HOUR_MS, START_MS, Meeting


def test_a_removed_attendee_is_told_and_closed_with_4403_after_everyone_sees_it_leave() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    meeting.ok(host, p.Remove(participant_id=ann))
    left = meeting.last("left")
    assert meeting.effects == [
        Closing(
            ann,
            p.CloseCode.FORBIDDEN,
            "removed",
            p.Err("removed", "A facilitator removed you from this meeting."),
            left.seq,
        )
    ]


def test_someone_who_leaves_is_closed_normally_and_a_timed_out_one_is_told_to_resume() -> None:
    meeting = Meeting.open(grace_seconds=60)
    meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    bea = meeting.join(pseudonym="Bea")
    meeting.ok(ann, p.Leave())
    assert meeting.effects[-1] == Closing(
        ann, p.CloseCode.NORMAL, "left", None, meeting.last("left").seq
    )
    person = meeting.room.participants[bea]
    meeting.ok(None, p.Disconnect(participant_id=bea, conn=person.conn))
    meeting.advance(61)
    meeting.ok(None, p.Timeout(participant_id=bea))
    assert meeting.effects[-1].participant_id == bea
    assert isinstance(meeting.effects[-1], Closing)
    # Only a worker stopped past the grace still has that connection: its client
    # resumes, gets resume_failed, and joins again.
    assert meeting.effects[-1].code == p.CloseCode.TRY_AGAIN


def test_admitting_greets_right_after_admitted_and_denying_closes_with_an_error() -> None:
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    new = meeting.join(pseudonym="Newcomer")
    other = meeting.join(pseudonym="Other")
    assert meeting.effects == []  # knocking closes nobody and greets nobody yet
    meeting.ok(host, p.Admit(participant_id=new))
    admitted = meeting.last("admitted")
    assert meeting.effects == [Greet(new, admitted.seq)]
    assert meeting.last("joined").seq == admitted.seq + 1  # covered by the welcome
    meeting.ok(host, p.Deny(participant_id=other))
    denied = meeting.last("denied")
    assert meeting.effects[-1] == Closing(
        other,
        p.CloseCode.FORBIDDEN,
        "denied",
        p.Err("denied", "A facilitator did not admit you."),
        denied.seq,
    )


def test_the_end_of_the_meeting_closes_everyone_and_a_refusal_closes_nobody() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    assert meeting.refused(ann, p.Remove(participant_id=host)) == "not_allowed"
    assert meeting.effects == []
    meeting.now = START_MS + HOUR_MS
    meeting.ok(None, p.Close())
    assert meeting.effects == [
        Closing(None, p.CloseCode.NORMAL, "meeting ended", None, meeting.last("meeting_ended").seq)
    ]
