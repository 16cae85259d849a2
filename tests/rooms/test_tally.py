"""The organisers' figures: who was in (each once), the most at once, shares, polls and
minutes per part, read from the room by rooms/tally.py and never naming anyone."""

from __future__ import annotations

import dataclasses

from rooms import protocol as p
from rooms import tally
from rooms.config import Segment
from rooms.tally import MeetingTally, SegmentMinutes
from tests.rooms.test_core_support import HOUR_MS, START_MS, Meeting

FORMAT = [Segment("Welcome", "reading", 5), Segment("Sharing", "shares", 40)]


def _tally(meeting: Meeting) -> MeetingTally:
    return tally.meeting_tally(meeting.room, meeting.now)


def test_peak_is_the_most_in_at_once_and_attended_counts_each_participant_once() -> None:
    """Two leave before a third arrives: three attended, two at most in at once."""
    meeting = Meeting.open()
    meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    assert _tally(meeting).peak_present == 2
    meeting.ok(ann, p.Leave())
    meeting.join(pseudonym="Bea")
    result = _tally(meeting)
    assert (result.peak_present, result.attended) == (2, 3)


def test_a_resume_is_the_same_participant_and_counts_once() -> None:
    """Dropping and resuming (within the grace period) adds nobody."""
    meeting = Meeting.open()
    meeting.facilitator()
    ann = meeting.join(pseudonym="Ann", token="ann-token")
    conn = meeting.room.participants[ann].conn
    meeting.system(p.Disconnect(participant_id=ann, conn=conn))
    meeting.advance(10)
    meeting.ok(None, p.Resume(conn="c99", token_hash="ann-token"))
    meeting.ok(None, p.Resume(conn="c100", token_hash="ann-token"))
    result = _tally(meeting)
    assert (result.peak_present, result.attended) == (2, 2)


def test_a_browser_that_leaves_and_joins_again_counts_once() -> None:
    """A fresh join from the same device is the same person; another device is not."""
    meeting = Meeting.open()
    ann = meeting.join(pseudonym="Ann", device="device-a")
    meeting.ok(ann, p.Leave())
    meeting.join(pseudonym="Ann", device="device-a")
    meeting.join(pseudonym="Bea", device="device-b")
    meeting.join(pseudonym="Cy")
    result = _tally(meeting)
    assert (result.attended, result.peak_present) == (3, 3)


def test_two_tabs_of_one_browser_in_at_once_are_two() -> None:
    """The most in at once never exceeds those who attended."""
    meeting = Meeting.open()
    first = meeting.join(pseudonym="Ann", device="device-a")
    meeting.join(pseudonym="Ann 2", device="device-a")
    meeting.ok(first, p.Leave())
    meeting.join(pseudonym="Ann 3", device="device-a")
    result = _tally(meeting)
    assert (result.attended, result.peak_present) == (3, 2)


def test_past_the_device_limit_a_returning_browser_counts_again() -> None:
    """The room stops remembering browsers rather than grow without end."""
    meeting = Meeting.open(capacity=2)
    meeting.room.attended_devices = {f"d{n}" for n in range(tally.MAX_ATTENDED_DEVICES)}
    meeting.room.counter_attended = tally.MAX_ATTENDED_DEVICES
    for _ in range(2):
        pid = meeting.join(pseudonym="Late", device="new-device")
        meeting.ok(pid, p.Leave())
    assert _tally(meeting).attended == tally.MAX_ATTENDED_DEVICES + 2
    assert len(meeting.room.attended_devices) == tally.MAX_ATTENDED_DEVICES


def test_people_who_only_waited_in_the_lobby_did_not_attend() -> None:
    """Knocking is not attending: only those let in count, and let_in says how many."""
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    bea = meeting.join(pseudonym="Bea")
    cy = meeting.join(pseudonym="Cy")
    assert (_tally(meeting).attended, _tally(meeting).peak_present) == (1, 1)
    meeting.ok(host, p.Admit(participant_id=ann))
    meeting.ok(host, p.Deny(participant_id=bea))
    meeting.ok(cy, p.Leave())
    result = _tally(meeting)
    assert (result.attended, result.let_in, result.peak_present) == (2, 1, 2)


def test_shares_and_polls_count_what_was_given_and_held() -> None:
    """Each turn of the floor is a share (a round's too); each poll started counts."""
    meeting = Meeting.open()
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    bea = meeting.join(pseudonym="Bea")
    meeting.ok(host, p.Grant(participant_id=ann))
    meeting.ok(host, p.Grant(participant_id=bea))
    meeting.ok(host, p.PollStart(scale="arriving"))
    poll_id = str(meeting.last("poll").body["poll_id"])
    meeting.ok(ann, p.Vote(poll_id=poll_id, option=2))
    meeting.ok(host, p.PollClose(poll_id=poll_id))
    meeting.ok(host, p.PollStart(question="Tea?", options=["Yes", "No"]))
    result = _tally(meeting)
    assert (result.shares, result.polls) == (2, 2)


def test_minutes_per_part_run_to_the_end_of_the_meeting_not_the_tally() -> None:
    """The last part ends when the meeting did; a part visited twice adds up."""
    meeting = Meeting.open(agenda=FORMAT, format_name="Open meeting")
    host = meeting.facilitator()
    meeting.ok(host, p.NextSegment(current=-1))
    meeting.advance(6 * 60)
    meeting.ok(host, p.NextSegment(current=0))
    meeting.advance(30 * 60)
    meeting.ok(host, p.GotoSegment(index=0))
    meeting.advance(2 * 60)
    meeting.ok(host, p.End())
    ended_at = meeting.now
    meeting.advance(3600)
    result = _tally(meeting)
    assert result.segments == (SegmentMinutes("Welcome", 8), SegmentMinutes("Sharing", 30))
    assert (result.ended_at_ms, result.starts_at_ms) == (ended_at, START_MS)
    assert result.format_name == "Open meeting"


def test_the_scheduled_close_ends_the_tally_at_its_log_time() -> None:
    """A meeting with no format has no parts; the close is stamped by the log."""
    meeting = Meeting.open()
    meeting.facilitator()
    meeting.advance(HOUR_MS / 1000)
    meeting.ok(None, p.Close())
    result = _tally(meeting)
    assert result.segments == () and result.format_name is None
    assert result.ended_at_ms == START_MS + HOUR_MS


def test_a_tally_names_nobody_and_quotes_nothing() -> None:
    """Every field is a count, a time, the format's name or a part's title."""
    meeting = Meeting.open(agenda=FORMAT, format_name="Open meeting")
    host = meeting.facilitator("Secret Host")
    ann = meeting.join(pseudonym="Secret Ann")
    meeting.say(ann, "something private")
    meeting.ok(host, p.NextSegment(current=-1))
    meeting.ok(host, p.End())
    text = repr(dataclasses.asdict(_tally(meeting)))
    assert "Secret" not in text and "private" not in text and ann not in text
