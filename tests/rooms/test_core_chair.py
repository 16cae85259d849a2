"""Co-hosts and the empty chair: promote and demote, and what the room does when its
facilitators drop or go."""

from __future__ import annotations

from rooms import protocol as p
from rooms import reducer, views
from tests.rooms.test_core_support import Meeting


def _room(**overrides: object) -> tuple[Meeting, str, str, str]:
    meeting = Meeting.open(grace_seconds=30, **overrides)
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    bea = meeting.join(pseudonym="Bea")
    return meeting, host, ann, bea


def _conn(meeting: Meeting, pid: str) -> str:
    return meeting.room.participants[pid].conn


def _drop(meeting: Meeting, pid: str) -> None:
    meeting.ok(None, p.Disconnect(participant_id=pid, conn=_conn(meeting, pid)))


def test_a_promoted_attendee_becomes_a_facilitator_told_to_everyone() -> None:
    meeting, host, ann, bea = _room()
    meeting.ok(ann, p.RaiseHand())
    meeting.ok(host, p.Mute(participant_id=ann))
    before = meeting.seq
    meeting.ok(host, p.Promote(participant_id=ann))
    assert meeting.types_since(before) == ["unmuted", "role_changed", "facilitator_view"]
    changed = meeting.last("role_changed")
    assert changed.body == {"participant_id": ann, "pseudonym": "Ann", "role": "facilitator",
                            "by": host}  # fmt: skip
    assert meeting.sees(bea, changed) and meeting.sees(ann, changed)
    view = meeting.last("facilitator_view")
    assert meeting.sees(ann, view) and not meeting.sees(bea, view) and not meeting.sees(host, view)
    assert views.is_facilitator(meeting.room, ann)
    shown = views.snapshot(meeting.room, bea)["participants"]
    assert [(x["id"], x["role"], x["cohost"]) for x in shown if x["id"] == ann] == [
        (ann, "facilitator", True)
    ]
    # Now a facilitator: what was only the host's is hers too.
    meeting.ok(ann, p.Grant(participant_id=bea))
    assert meeting.holder() == bea


def test_the_co_host_gets_the_alerts_and_the_lobby_as_they_are() -> None:
    meeting, host, ann, bea = _room()
    meeting.ok(bea, p.Help(note="a hard day"))
    meeting.ok(host, p.SettingsChange(lobby=True))
    waiter = meeting.join(pseudonym="Cy")
    meeting.ok(host, p.Promote(participant_id=ann))
    body = meeting.last("facilitator_view").body
    assert [a["kind"] for a in body["alerts"]] == ["help", "knock"]
    assert body["lobby"] == [{"id": waiter, "pseudonym": "Cy"}]
    # Live from now on: the next knock reaches her.
    knock_seq = meeting.seq
    meeting.join(pseudonym="Dee")
    assert any(meeting.sees(ann, e) for e in meeting.since(knock_seq) if e.type == "knock")
    meeting.ok(ann, p.Admit(participant_id=waiter))
    assert meeting.room.participants[waiter].status == "in"


def test_a_raised_hand_goes_down_on_promotion() -> None:
    meeting, host, ann, _ = _room()
    meeting.ok(ann, p.RaiseHand())
    before = meeting.seq
    meeting.ok(host, p.Promote(participant_id=ann))
    assert meeting.types_since(before)[0] == "hand_lowered"
    assert meeting.queue() == []


def test_promote_refusals_emit_nothing() -> None:
    meeting, host, ann, bea = _room()
    assert meeting.refused(ann, p.Promote(participant_id=bea)) == "not_allowed"
    assert meeting.refused(host, p.Promote(participant_id="p99")) == "no_such_participant"
    assert meeting.refused(host, p.Promote(participant_id=host)) == "not_allowed"
    meeting.ok(host, p.SettingsChange(lobby=True))
    waiter = meeting.join(pseudonym="Cy")
    assert meeting.refused(host, p.Promote(participant_id=waiter)) == "not_allowed"
    meeting.ok(bea, p.Leave())
    assert meeting.refused(host, p.Promote(participant_id=bea)) == "no_such_participant"


def test_demote_takes_the_powers_back() -> None:
    meeting, host, ann, bea = _room()
    meeting.ok(host, p.Promote(participant_id=ann))
    before = meeting.seq
    meeting.ok(host, p.Demote(participant_id=ann))
    assert meeting.types_since(before) == ["role_changed"]
    assert meeting.last("role_changed").body["role"] == "attendee"
    assert meeting.refused(ann, p.Grant(participant_id=bea)) == "not_allowed"
    # Facilitator-only events no longer reach her.
    meeting.ok(bea, p.Help(note="again"))
    assert not meeting.sees(ann, meeting.last("alert"))


def test_demote_refusals_emit_nothing() -> None:
    meeting, host, ann, bea = _room()
    other = meeting.facilitator("Other Host")
    meeting.ok(host, p.Promote(participant_id=ann))
    assert meeting.refused(ann, p.Demote(participant_id=ann)) == "not_allowed"
    assert meeting.refused(host, p.Demote(participant_id=bea)) == "not_allowed"
    assert meeting.refused(bea, p.Demote(participant_id=ann)) == "not_allowed"
    assert meeting.refused(host, p.Demote(participant_id="p99")) == "no_such_participant"
    # A co-host cannot unseat a facilitator who came in as one.
    assert meeting.refused(ann, p.Demote(participant_id=host)) == "not_allowed"
    assert meeting.refused(host, p.Demote(participant_id=other)) == "not_allowed"


def test_a_resume_keeps_the_co_host_role() -> None:
    meeting, host, ann, _ = _room()
    meeting.ok(host, p.Promote(participant_id=ann))
    token = meeting.room.participants[ann].token_hash
    _drop(meeting, ann)
    outcome = meeting.ok(None, p.Resume(conn="c-new", token_hash=token))
    assert outcome.participant_id == ann
    assert views.you(meeting.room, ann)["role"] == "facilitator"


def test_a_resume_replays_facilitator_events_only_from_the_role_change() -> None:
    meeting, host, ann, bea = _room()
    meeting.ok(bea, p.Help(note="before"))
    early = meeting.last("alert")
    meeting.ok(host, p.Promote(participant_id=ann))
    meeting.ok(bea, p.Report(message_id=meeting.say(host), reason="later"))
    later = meeting.last("alert")
    assert not views.can_replay(meeting.room, early, ann)
    assert views.can_replay(meeting.room, later, ann)
    meeting.ok(host, p.Demote(participant_id=ann))
    meeting.advance(61)
    meeting.ok(bea, p.Help(note="after"))
    after = meeting.last("alert")
    assert not views.can_replay(meeting.room, after, ann)
    # What everyone saw stays replayable.
    assert views.can_replay(meeting.room, meeting.last("role_changed"), ann)


# The chair ---------------------------------------------------------------------------


def test_the_last_facilitator_dropping_is_told_then_the_chair_empties() -> None:
    meeting, host, ann, bea = _room()
    assert views.snapshot(meeting.room, ann)["chair"] == "held"
    _drop(meeting, host)
    changed = meeting.last("chair_changed")
    assert changed.body == {"chair": "reconnecting", "floor_ends_at": None}
    assert meeting.sees(ann, changed) and meeting.sees(bea, changed)
    meeting.advance(30)
    before = meeting.seq
    for command in reducer.due_actions(meeting.room, meeting.now):
        meeting.ok(None, command)
    assert meeting.types_since(before) == ["left", "chair_changed"]
    assert meeting.last("chair_changed").body["chair"] == "empty"
    assert views.snapshot(meeting.room, ann)["chair"] == "empty"


def test_a_facilitator_back_in_time_holds_the_chair_again() -> None:
    meeting, host, _, _ = _room()
    token = meeting.room.participants[host].token_hash
    _drop(meeting, host)
    meeting.advance(10)
    meeting.ok(None, p.Resume(conn="c-back", token_hash=token))
    assert meeting.last("chair_changed").body["chair"] == "held"
    assert meeting.room.chair == "held"


def test_a_second_facilitator_keeps_the_chair_held() -> None:
    meeting, host, ann, _ = _room()
    meeting.ok(host, p.Promote(participant_id=ann))
    before = meeting.seq
    _drop(meeting, host)
    assert "chair_changed" not in meeting.types_since(before)
    assert meeting.room.chair == "held"


def test_leaving_on_purpose_empties_the_chair_at_once() -> None:
    meeting, host, _, _ = _room()
    meeting.ok(host, p.Leave())
    assert meeting.last("chair_changed").body["chair"] == "empty"


def test_an_empty_chair_pauses_the_share_and_a_facilitator_resumes_it() -> None:
    meeting, host, ann, bea = _room()
    meeting.ok(host, p.Grant(participant_id=ann))
    meeting.advance(100)  # 80 of 180 seconds left
    meeting.ok(host, p.Leave())
    assert meeting.room.floor is not None and meeting.room.floor.paused_left_ms == 80_000
    assert meeting.last("chair_changed").body == {"chair": "empty", "floor_ends_at": None}
    assert views.snapshot(meeting.room, bea)["floor"]["paused"] is True
    meeting.advance(600)  # long past the share's end: nothing expires
    assert reducer.due_actions(meeting.room, meeting.now) == []
    assert meeting.room.config is not None
    assert reducer.next_deadline_ms(meeting.room) == meeting.room.config.ends_at_ms
    meeting.ok(None, p.Expire(turn_id=meeting.turn()))
    assert meeting.holder() == ann
    meeting.ok(ann, p.Say(text="still writing"))  # the holder may write
    assert meeting.refused(bea, p.Say(text="me too")) == "not_your_turn"
    meeting.facilitator("Organiser")
    held = meeting.last("chair_changed").body
    assert held["chair"] == "held"
    assert held["floor_ends_at"] == p.iso(meeting.now + 80_000)
    assert meeting.room.floor.ends_at_ms == meeting.now + 80_000
    assert views.snapshot(meeting.room, bea)["floor"]["paused"] is False
    meeting.advance(80)
    assert reducer.due_actions(meeting.room, meeting.now) == [p.Expire(turn_id=meeting.turn())]
    meeting.ok(None, p.Expire(turn_id=meeting.turn()))
    # The ten minutes without a facilitator are not counted as Ann's share.
    assert [s["seconds"] for s in views.speaker_stats(meeting.room, meeting.now)
            if s["participant_id"] == ann] == [180]  # fmt: skip


def test_a_round_waits_while_the_chair_is_empty() -> None:
    meeting, host, ann, bea = _room()
    meeting.ok(host, p.StartRound())
    assert meeting.holder() == ann
    meeting.ok(host, p.Leave())
    meeting.ok(ann, p.Yield())
    assert meeting.holder() is None and meeting.room.round is not None
    meeting.facilitator("Organiser")
    assert meeting.holder() == bea  # the round goes on once someone runs the room


def test_newcomers_wait_in_the_lobby_while_unattended_if_the_group_asks() -> None:
    meeting, host, _, _ = _room(lobby_when_unattended=True)
    meeting.ok(host, p.Leave())
    waiting = meeting.join_outcome(pseudonym="Cy")
    assert isinstance(waiting, p.Ok) and waiting.waiting
    organiser = meeting.facilitator("Organiser")
    assert [x["id"] for x in views.snapshot(meeting.room, organiser)["lobby"]] == [
        waiting.participant_id
    ]
    # Once the chair is held, newcomers come straight in again.
    later = meeting.join_outcome(pseudonym="Dee")
    assert isinstance(later, p.Ok) and not later.waiting


def test_without_the_group_setting_an_empty_room_stays_open() -> None:
    meeting, host, _, _ = _room()
    meeting.ok(host, p.Leave())
    outcome = meeting.join_outcome(pseudonym="Cy")
    assert isinstance(outcome, p.Ok) and not outcome.waiting


def test_a_room_no_facilitator_has_entered_is_not_unattended() -> None:
    meeting = Meeting.open(lobby_when_unattended=True)
    ann = meeting.join(pseudonym="Ann")
    assert meeting.seen_by(ann) == ["joined"]
    assert views.snapshot(meeting.room, ann)["chair"] == "held"
