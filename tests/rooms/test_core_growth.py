"""A long meeting does not grow with its past: departed participants are freed.

The attack: 20,000 join-and-leave cycles used to leave 20,000 participants in the room
(about 3 KiB each), and every command that looks at the participants slowed down.
"""

from __future__ import annotations

import pickle

from rooms import protocol as p
from rooms import views
from rooms.state import MAX_DEPARTED_SPEAKERS
from tests.rooms.test_core_support import Meeting

CYCLES = 20_000


def _cycle(meeting: Meeting, n: int) -> str:
    pid = meeting.join(pseudonym=f"Visitor {n % 7}", token=f"t{n}")
    meeting.ok(pid, p.Leave())
    return pid


def test_twenty_thousand_joins_and_leaves_leave_the_room_bounded() -> None:
    meeting = Meeting.open(capacity=3)
    host = meeting.facilitator()
    stay = meeting.join(pseudonym="Stays")
    sizes: dict[int, int] = {}
    most = 0
    for n in range(CYCLES):
        _cycle(meeting, n)
        most = max(most, len(meeting.room.participants))
        if n + 1 in (1_000, CYCLES):
            meeting.events.clear()  # the test's own record, not the room's
            sizes[n + 1] = len(pickle.dumps(meeting.room))
    assert most <= 4  # host, the one who stays, the newcomer, the one who just left
    assert set(meeting.room.participants) <= {host, stay, f"p{CYCLES + 2}"}
    # The room's whole state is the same size after 1,000 cycles as after 20,000
    # (counters gain a digit or two): what a command walks over does not grow.
    assert sizes[CYCLES] - sizes[1_000] < 64, sizes
    # The ordinal counter goes on: nobody gets the id of someone who left.
    assert meeting.join(pseudonym="Late") == f"p{CYCLES + 3}"


def test_what_the_rules_need_of_the_departed_is_kept() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    meeting.ok(host, p.Grant(participant_id=ann))
    meeting.advance(30)
    meeting.ok(ann, p.Leave())
    troll = meeting.join(pseudonym="Troll", token="troll-token")
    meeting.ok(host, p.Remove(participant_id=troll))
    meeting.say(host, "the next entry frees them")
    assert set(meeting.room.participants) == {host}
    # Removal sticks, statistics count who shared, and names are free again.
    assert meeting.join_outcome(pseudonym="Troll 2", token="troll-token") == p.Err(
        "removed", "You were removed from this meeting."
    )
    stats = views.speaker_stats(meeting.room, meeting.now)
    assert [(s["pseudonym"], s["shares"], s["seconds"]) for s in stats] == [
        ("Host", 0, 0),
        ("Ann", 1, 30),
    ]
    assert meeting.join(pseudonym="Ann") != ann


def test_the_statistics_of_the_departed_are_bounded() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    for n in range(MAX_DEPARTED_SPEAKERS + 50):
        pid = meeting.join(pseudonym=f"Speaker {n}")
        meeting.ok(host, p.Grant(participant_id=pid))
        meeting.ok(pid, p.Leave())
    meeting.say(host)
    assert len(meeting.room.departed_speakers) == MAX_DEPARTED_SPEAKERS
    stats = views.speaker_stats(meeting.room, meeting.now)
    assert stats[-1]["pseudonym"] == f"Speaker {MAX_DEPARTED_SPEAKERS + 49}"
