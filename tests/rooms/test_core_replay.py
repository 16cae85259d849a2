"""What a resume may replay: only events after the participant was let in."""

from __future__ import annotations

from rooms import protocol as p
from rooms import views
from tests.rooms.test_core_support import Meeting


def test_nothing_from_before_admission_or_from_the_lobby_wait_is_replayable() -> None:
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    amber = meeting.join(pseudonym="Amber", lobby_exempt=True)
    meeting.say(amber, "before anyone knocked")
    heron = meeting.join(pseudonym="Heron")
    assert meeting.room.participants[heron].admitted_seq is None
    meeting.say(amber, "while Heron waited")
    assert not [e for e in meeting.events if views.can_replay(meeting.room, e, heron)]
    meeting.ok(host, p.Admit(participant_id=heron))
    admitted = meeting.seq
    meeting.say(amber, "after")
    replayable = [e for e in meeting.events if views.can_replay(meeting.room, e, heron)]
    assert [e.seq for e in replayable] == [admitted + 1]
    # The host, in from the start, may be replayed everything it saw live.
    seen = [e for e in meeting.events if views.can_see(meeting.room, e, host)]
    assert [e for e in meeting.events if views.can_replay(meeting.room, e, host)] == seen[1:]
