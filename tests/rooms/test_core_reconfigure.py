"""An open room follows the organiser's edits, in one entry, on every worker."""

from __future__ import annotations

import msgspec

from rooms import config as room_config
from rooms import protocol as p
from rooms import reducer
from rooms.config import Segment
from tests.rooms.test_core_support import HOUR_MS, START_MS, Meeting, config


def _edit(meeting: Meeting, **changes: object) -> list[str]:
    before = meeting.seq
    assert meeting.room.config is not None
    new = msgspec.structs.replace(meeting.room.config, **changes)
    meeting.ok(None, p.Reconfigure(config=new))
    return meeting.types_since(before)


def test_a_lobby_switched_on_after_opening_sends_the_next_newcomer_to_it() -> None:
    meeting = Meeting.open()
    meeting.facilitator()
    meeting.join(pseudonym="Early Bird")
    assert _edit(meeting, lobby=True) == ["settings_changed"]
    assert meeting.room.settings.lobby is True
    outcome = meeting.join_outcome(pseudonym="Late Comer")
    assert isinstance(outcome, p.Ok) and outcome.waiting


def test_a_lengthened_meeting_is_not_closed_at_its_old_end() -> None:
    meeting = Meeting.open()
    meeting.facilitator()
    assert _edit(meeting, ends_at_ms=START_MS + 2 * HOUR_MS) == ["meeting_changed"]
    assert meeting.last("meeting_changed").body["meeting"]["ends_at"] == p.iso(
        START_MS + 2 * HOUR_MS
    )
    meeting.now = START_MS + HOUR_MS
    assert reducer.due_actions(meeting.room, meeting.now) == []
    meeting.ok(None, p.Close())
    assert not meeting.room.ended
    assert reducer.next_deadline_ms(meeting.room) == START_MS + 2 * HOUR_MS


def test_a_shortened_meeting_closes_at_its_new_end() -> None:
    meeting = Meeting.open()
    meeting.facilitator()
    meeting.now = START_MS + 20 * 60_000
    _edit(meeting, ends_at_ms=START_MS + 15 * 60_000)
    due = reducer.due_actions(meeting.room, meeting.now)
    assert due == [p.Close()]
    meeting.ok(None, p.Close())
    assert meeting.room.ended and meeting.last("meeting_ended").body == {"by": None}


def test_only_what_the_organiser_changed_overrides_the_room() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    meeting.ok(host, p.SettingsChange(crosstalk=True, slow_mode_seconds=10))
    assert _edit(meeting, share_seconds=240) == ["settings_changed"]
    settings = meeting.room.settings
    assert (settings.share_seconds, settings.crosstalk, settings.slow_mode_seconds) == (
        240,
        True,  # the facilitator's own change stays: the group's crosstalk did not change
        10,
    )
    before = meeting.seq
    meeting.ok(None, p.Reconfigure(config=meeting.room.config))  # type: ignore[arg-type]
    assert meeting.since(before) == []
    other = config(meeting_id="m2")
    meeting.ok(None, p.Reconfigure(config=other))  # another meeting's config: ignored
    assert meeting.room.config.meeting_id == "m1"  # type: ignore[union-attr]


def test_a_format_edited_mid_meeting_keeps_the_room_on_its_part() -> None:
    parts = [
        Segment("One", "reading", 5),
        Segment("Two", "shares", 10),
        Segment("Three", "closing", 5),
    ]
    meeting = Meeting.open(agenda=parts, format_name="Plan")
    host = meeting.facilitator()
    meeting.ok(host, p.GotoSegment(index=2))
    assert _edit(meeting, agenda=parts[:2]) == ["agenda_changed"]
    agenda = meeting.last("agenda_changed").body["agenda"]
    assert agenda["current"]["index"] == 1 and len(agenda["segments"]) == 2
    assert _edit(meeting, agenda=[], format_name=None) == ["agenda_changed"]
    assert meeting.last("agenda_changed").body["agenda"] is None
    assert meeting.refused(host, p.NextSegment()) == "not_allowed"


def test_new_resources_and_title_reach_the_room() -> None:
    meeting = Meeting.open()
    meeting.facilitator()
    line = room_config.ResourceInfo(title="Crisis line", url="tel:999", kind="crisis")
    assert _edit(meeting, resources=[line], title="Renamed") == [
        "meeting_changed",
        "resources_changed",
    ]
    assert meeting.last("meeting_changed").body["meeting"]["title"] == "Renamed"
