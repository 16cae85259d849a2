"""Adding time to a share, and passes that are not shares."""

from __future__ import annotations

from rooms import protocol as p
from rooms import reducer, views
from tests.rooms.test_core_support import Meeting


def _room(share_seconds: int = 120) -> tuple[Meeting, str, str, str]:
    meeting = Meeting.open(share_seconds=share_seconds)
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    bea = meeting.join(pseudonym="Bea")
    return meeting, host, ann, bea


def test_extend_floor_moves_the_end_and_tells_everyone() -> None:
    """+60 s moves floor.ends_at_ms by 60 000 and emits floor_extended to all."""
    meeting, host, ann, _ = _room()
    meeting.ok(host, p.Grant(participant_id=ann))
    assert meeting.room.floor is not None
    ends = meeting.room.floor.ends_at_ms
    meeting.advance(30)
    before = meeting.seq
    outcome = meeting.ok(host, p.ExtendFloor(seconds=60))
    assert meeting.types_since(before) == ["floor_extended"]
    event = meeting.last("floor_extended")
    assert outcome.seq == event.seq
    assert event.body == {
        "participant_id": ann,
        "turn_id": meeting.turn(),
        "ends_at": p.iso(ends + 60_000),
    }
    assert event.audience == ("all", None)
    assert meeting.room.floor.ends_at_ms == ends + 60_000
    assert views.snapshot(meeting.room, ann)["floor"]["ends_at"] == p.iso(ends + 60_000)


def test_the_expiry_follows_the_extended_end() -> None:
    """The timers read the new deadline: no expiry at the old end, one at the new."""
    meeting, host, ann, _ = _room(share_seconds=120)
    meeting.ok(host, p.Grant(participant_id=ann))
    assert meeting.room.floor is not None
    old_end = meeting.room.floor.ends_at_ms
    meeting.ok(host, p.ExtendFloor(seconds=120))
    assert reducer.next_deadline_ms(meeting.room) == old_end + 120_000
    assert reducer.due_actions(meeting.room, old_end) == []
    meeting.now = old_end
    meeting.ok(None, p.Expire(turn_id=meeting.turn()))  # a stale timer entry changes nothing
    assert meeting.holder() == ann
    meeting.now = old_end + 120_000
    assert reducer.due_actions(meeting.room, meeting.now) == [p.Expire(turn_id=meeting.turn())]
    meeting.ok(None, p.Expire(turn_id=meeting.turn()))
    assert meeting.holder() is None
    assert meeting.last("floor_released").body["reason"] == "expired"


def test_extend_floor_is_for_facilitators_while_someone_shares() -> None:
    """Nobody sharing: not_allowed; an attendee asking: not_allowed; nothing emitted."""
    meeting, host, ann, bea = _room()
    assert meeting.refused(host, p.ExtendFloor(seconds=60)) == "not_allowed"
    meeting.ok(host, p.Grant(participant_id=ann))
    assert meeting.refused(ann, p.ExtendFloor(seconds=60)) == "not_allowed"
    assert meeting.refused(bea, p.ExtendFloor(seconds=60)) == "not_allowed"


def test_extend_floor_seconds_are_bounded() -> None:
    """1..600 seconds decode; 0 and 601 are bad_request."""
    frame = p.decode_client_frame(b'{"type": "extend_floor", "seconds": 600, "id": "x"}')
    assert frame == p.ExtendFloor(seconds=600, id="x")
    for seconds in (0, 601, -5):
        data = f'{{"type": "extend_floor", "seconds": {seconds}}}'.encode()
        try:
            p.decode_client_frame(data)
        except p.ProtocolError as error:
            assert error.code == "bad_request"
        else:
            raise AssertionError(f"{seconds} seconds decoded")


def test_passing_in_a_round_is_not_a_share() -> None:
    """Ann passes, Bea shares: the stats give Ann no share and no time, and
    fewest-shares-first puts Ann before Bea."""
    meeting, host, ann, bea = _room()
    meeting.ok(host, p.StartRound())
    assert meeting.holder() == ann
    meeting.advance(5)
    meeting.ok(ann, p.Pass())
    assert meeting.holder() == bea
    meeting.advance(40)
    meeting.ok(bea, p.Yield())
    stats = {x["participant_id"]: x for x in views.speaker_stats(meeting.room, meeting.now)}
    assert (stats[ann]["shares"], stats[ann]["seconds"]) == (0, 0)
    assert (stats[bea]["shares"], stats[bea]["seconds"]) == (1, 40)
    meeting.ok(host, p.SettingsChange(queue_policy="fewest_shares_first"))
    meeting.ok(bea, p.RaiseHand())
    meeting.ok(ann, p.RaiseHand())
    assert meeting.queue() == [ann, bea]
