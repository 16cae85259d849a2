"""Running a meeting's format: parts in order, their settings applied in one entry."""

from __future__ import annotations

from rooms import agenda
from rooms import protocol as p
from rooms.config import Segment, SegmentSettings
from tests.rooms.test_core_support import START_MS, Meeting

FORMAT = [
    Segment("Welcome", "reading", 5, reading="We listen without fixing."),
    Segment(
        "Check-in",
        "round",
        20,
        settings=SegmentSettings(crosstalk=False, share_seconds=120, queue_open=False),
    ),
    Segment("Open sharing", "shares", 25, settings=SegmentSettings(queue_open=True)),
    Segment("Closing", "closing", 5, settings=SegmentSettings(crosstalk=True)),
]


def _meeting() -> tuple[Meeting, str, list[str]]:
    meeting = Meeting.open(agenda=FORMAT, format_name="Check-in meeting", crosstalk=True)
    host = meeting.facilitator()
    people = [meeting.join(pseudonym=name) for name in ("Ann", "Bea", "Cy")]
    return meeting, host, people


def test_the_first_next_starts_the_first_part_and_pins_its_reading() -> None:
    meeting, host, (ann, _, _) = _meeting()
    assert agenda.agenda_view(meeting.room)["current"] is None  # type: ignore[index]
    before = meeting.seq
    meeting.ok(host, p.NextSegment(current=-1))
    (started,) = meeting.since(before)
    segment = started.body["segment"]
    assert (segment["index"], segment["title"], segment["kind"]) == (0, "Welcome", "reading")
    assert segment["reading"] == "We listen without fixing."
    assert segment["ends_at"] == p.iso(START_MS + 5 * 60_000)
    assert meeting.sees(ann, started)
    view = agenda.agenda_view(meeting.room)
    assert view is not None and view["format"] == "Check-in meeting"
    assert [s["title"] for s in view["segments"]] == [s.title for s in FORMAT]
    assert view["current"]["reading"] == "We listen without fixing."


def test_a_round_part_applies_its_settings_and_starts_the_go_around_in_one_entry() -> None:
    meeting, host, (ann, bea, cy) = _meeting()
    meeting.ok(host, p.NextSegment())
    before = meeting.seq
    meeting.ok(host, p.NextSegment(current=0))
    assert meeting.types_since(before) == ["segment_started", "round_started", "floor_granted"]
    settings = meeting.room.settings
    assert (settings.crosstalk, settings.share_seconds, settings.queue_open) == (False, 120, False)
    assert meeting.last("segment_started").body["segment"]["settings"]["share_seconds"] == 120
    assert meeting.last("round_started").body["order"] == [ann, bea, cy]
    # The queue is closed in this part: hands wait until the facilitator opens it.
    assert meeting.refused(bea, p.RaiseHand()) == "queue_closed"
    meeting.ok(host, p.RaiseHand())  # facilitators are not held by it
    meeting.ok(host, p.SettingsChange(queue_open=True))
    meeting.ok(bea, p.RaiseHand())


def test_moving_on_from_a_round_ends_it_and_keeps_settings_the_part_leaves_alone() -> None:
    meeting, host, _ = _meeting()
    meeting.ok(host, p.GotoSegment(index=1))
    meeting.ok(host, p.SettingsChange(slow_mode_seconds=10))
    before = meeting.seq
    meeting.ok(host, p.NextSegment(current=1))
    types = meeting.types_since(before)
    assert types[0] == "segment_started" and "round_ended" in types
    assert meeting.room.round is None
    settings = meeting.room.settings
    assert settings.queue_open is True and settings.share_seconds == 120  # kept
    assert settings.slow_mode_seconds == 10  # the facilitator's own change stays


def test_a_stale_next_changes_nothing() -> None:
    """Two facilitators click Next on part 0 at once: the room moves on once."""
    meeting, host, _ = _meeting()
    cohost = meeting.join("facilitator", "Cohost")
    meeting.ok(host, p.NextSegment(current=-1))
    meeting.ok(host, p.NextSegment(current=0))
    before = meeting.seq
    meeting.ok(cohost, p.NextSegment(current=0))
    assert meeting.since(before) == []
    assert meeting.room.agenda_index == 1


def test_who_may_move_the_room_on_and_where() -> None:
    meeting, host, (ann, _, _) = _meeting()
    assert meeting.refused(ann, p.NextSegment()) == "not_allowed"
    assert meeting.refused(ann, p.GotoSegment(index=2)) == "not_allowed"
    assert meeting.refused(host, p.GotoSegment(index=4)) == "bad_request"
    meeting.ok(host, p.GotoSegment(index=3))
    assert meeting.refused(host, p.NextSegment()) == "not_allowed"  # the last part
    before = meeting.seq
    meeting.ok(host, p.GotoSegment(index=3))  # already there: nothing
    assert meeting.since(before) == []
    plain = Meeting.open()
    plain_host = plain.facilitator()
    assert plain.refused(plain_host, p.NextSegment()) == "not_allowed"
    assert agenda.agenda_view(plain.room) is None


def test_a_round_part_with_nobody_to_go_around_still_starts() -> None:
    meeting = Meeting.open(agenda=FORMAT)
    host = meeting.facilitator()
    meeting.ok(host, p.GotoSegment(index=1))
    assert meeting.room.agenda_index == 1 and meeting.room.round is None


def test_minutes_per_part_add_up_what_the_room_spent() -> None:
    meeting, host, _ = _meeting()
    meeting.ok(host, p.NextSegment())
    meeting.advance(6 * 60)
    meeting.ok(host, p.NextSegment())
    meeting.advance(18 * 60)
    meeting.ok(host, p.GotoSegment(index=0))
    meeting.advance(2 * 60)
    meeting.ok(host, p.GotoSegment(index=2))
    meeting.advance(30)
    assert agenda.minutes_per_segment(meeting.room, meeting.now) == [8, 18, 0, 0]


def test_the_agenda_decodes_from_the_wire_and_bad_commands_are_refused() -> None:
    frame = p.decode_client_frame(b'{"type":"next_segment","current":2}')
    assert frame == p.NextSegment(current=2)
    for bad in (b'{"type":"goto_segment"}', b'{"type":"goto_segment","index":-1}',
                b'{"type":"next_segment","current":"one"}'):  # fmt: skip
        try:
            p.decode_client_frame(bad)
        except p.ProtocolError as exc:
            assert exc.code == "bad_request"
        else:
            raise AssertionError(bad)
