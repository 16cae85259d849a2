"""The rules of a meeting, scenario by scenario, through reducer.apply."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rooms import config as room_config
from rooms import protocol as p
from rooms import reducer, views
from rooms.state import ALL, Room
from tests.rooms.test_core_support import HOUR_MS, START_MS, Meeting, config

# Opening --------------------------------------------------------------------------


def test_nothing_happens_in_a_room_that_was_never_opened() -> None:
    room = Room.empty("m1")
    join = p.Join(conn="c1", role="attendee", pseudonym=None, name_seed=1, token_hash="t")
    result = reducer.apply(room, p.Submission(None, "w1", join), START_MS)
    assert result.outcome == p.Err("meeting_not_found", result.outcome.message)  # type: ignore[union-attr]
    assert result.events == []
    assert reducer.due_actions(room, START_MS + 10 * HOUR_MS) == []
    assert reducer.next_deadline_ms(room) is None


def test_opening_twice_keeps_the_first_config() -> None:
    meeting = Meeting.open(title="First")
    meeting.ok(None, p.Open(config=config(title="Second", crosstalk=True)))
    assert meeting.room.config is not None
    assert meeting.room.config.title == "First"
    assert meeting.room.settings.crosstalk is False


def test_config_seeds_the_settings() -> None:
    meeting = Meeting.open(share_seconds=300, crosstalk=True, lobby=True)
    assert meeting.room.settings.as_dict() == {
        "crosstalk": True,
        "share_seconds": 300,
        "locked": False,
        "lobby": True,
        "slow_mode_seconds": 0,
        "queue_policy": "fifo",
        "queue_open": True,
    }


# Joining ----------------------------------------------------------------------------


def test_joining_tells_everyone_and_gives_an_id() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    outcome = meeting.join_outcome(pseudonym="Wren")
    assert isinstance(outcome, p.Ok)
    assert outcome.waiting is False
    wren = outcome.participant_id
    assert wren is not None and wren != host
    joined = meeting.last("joined")
    assert outcome.seq == joined.seq
    assert joined.body == {
        "participant": {
            "id": wren,
            "pseudonym": "Wren",
            "role": "attendee",
            "muted": False,
            "hand_raised": False,
            "cohost": False,
        }
    }
    assert meeting.sees(host, joined) and meeting.sees(wren, joined)


def test_a_full_room_refuses_attendees_but_not_facilitators() -> None:
    meeting = Meeting.open(capacity=3)
    meeting.join("facilitator", "Host")  # everyone present counts, facilitators too
    ann = meeting.join(pseudonym="Ann")
    bea = meeting.join(pseudonym="Bea")
    outcome = meeting.join_outcome(pseudonym="Cy")
    assert isinstance(outcome, p.Err)
    assert outcome.code == "room_full"
    meeting.join("facilitator", "Cohost")  # but a facilitator is never kept out
    meeting.ok(ann, p.Leave())
    outcome = meeting.join_outcome(pseudonym="Cy")
    assert isinstance(outcome, p.Err) and outcome.code == "room_full"  # still three here
    meeting.ok(bea, p.Leave())
    meeting.join(pseudonym="Cy")  # a seat came free


def test_a_locked_room_refuses_attendees_not_facilitators() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    meeting.ok(host, p.SettingsChange(locked=True))
    outcome = meeting.join_outcome(pseudonym="Late Larry")
    assert isinstance(outcome, p.Err)
    assert outcome.code == "room_locked"
    meeting.join("facilitator", "Cohost")
    meeting.ok(host, p.SettingsChange(locked=False))
    meeting.join(pseudonym="Late Larry")


def test_lobby_knock_goes_to_facilitators_only() -> None:
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann", lobby_exempt=True)
    outcome = meeting.join_outcome(pseudonym="Newcomer")
    assert isinstance(outcome, p.Ok)
    assert outcome.waiting is True
    new = outcome.participant_id
    assert new is not None
    knock = meeting.last("knock")
    assert knock.body == {"participant_id": new, "pseudonym": "Newcomer"}
    assert meeting.sees(host, knock)
    assert not meeting.sees(ann, knock)
    assert not meeting.sees(new, knock)
    assert new not in {x.id for x in meeting.room.present()}
    assert [x["id"] for x in views.snapshot(meeting.room, host)["lobby"]] == [new]
    assert "lobby" not in views.snapshot(meeting.room, ann)


def test_admit_tells_only_the_newcomer_and_then_everyone_sees_them_join() -> None:
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann", lobby_exempt=True)
    new = meeting.join(pseudonym="Newcomer")
    before = meeting.seq
    meeting.ok(host, p.Admit(participant_id=new))
    admitted, joined, knock_done = meeting.since(before)
    assert knock_done.type == "alert_updated" and knock_done.body["status"] == "resolved"
    assert (admitted.type, joined.type) == ("admitted", "joined")
    assert admitted.body == {"participant_id": new}
    assert meeting.sees(new, admitted)
    assert not meeting.sees(host, admitted) and not meeting.sees(ann, admitted)
    assert all(meeting.sees(x, joined) for x in (host, ann, new))
    assert meeting.room.participants[new].status == "in"
    meeting.ok(new, p.Say(text="thanks for having me"))


def test_deny_sends_the_newcomer_away_and_tells_facilitators() -> None:
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    new = meeting.join(pseudonym="Newcomer")
    before = meeting.seq
    meeting.ok(host, p.Deny(participant_id=new))
    denied, knock_done = meeting.since(before)
    assert knock_done.type == "alert_updated" and knock_done.body["status"] == "resolved"
    assert denied.type == "denied"
    assert meeting.sees(new, denied) and meeting.sees(host, denied)  # clears the knock
    assert meeting.room.participants[new].status == "gone"
    assert meeting.refused(new, p.Say(text="hello?")) == "not_allowed"
    assert meeting.refused(host, p.Admit(participant_id=new)) == "no_such_participant"


def test_only_facilitators_admit_and_only_waiting_people_can_be_admitted() -> None:
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann", lobby_exempt=True)
    new = meeting.join(pseudonym="Newcomer")
    assert meeting.refused(ann, p.Admit(participant_id=new)) == "not_allowed"
    assert meeting.refused(host, p.Admit(participant_id=ann)) == "no_such_participant"
    assert meeting.refused(host, p.Deny(participant_id="p99")) == "no_such_participant"


def test_people_waiting_before_a_facilitator_arrives_still_need_admission() -> None:
    meeting = Meeting.open(lobby=True)
    early = meeting.join(pseudonym="Early Bird")
    assert meeting.room.participants[early].status == "waiting"
    host = meeting.facilitator()
    assert meeting.room.participants[early].status == "waiting"
    assert meeting.refused(early, p.RaiseHand()) == "not_allowed"
    # the facilitator who arrives later can still see the knock and the lobby
    assert meeting.sees(host, meeting.events[0])
    assert [x["id"] for x in views.snapshot(meeting.room, host)["lobby"]] == [early]
    meeting.ok(host, p.Admit(participant_id=early))
    assert meeting.room.participants[early].status == "in"


def test_a_waiting_person_can_only_leave() -> None:
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann", lobby_exempt=True)
    mid = meeting.say(ann)
    new = meeting.join(pseudonym="Newcomer")
    for command in (
        p.Say(text="hi"),
        p.RaiseHand(),
        p.React(message_id=mid, emoji="❤️"),
        p.Help(note="hi"),
        p.Report(message_id=mid, reason="x"),
        p.Ping(),
    ):
        assert meeting.refused(new, command) == "not_allowed"
    before = meeting.seq
    meeting.ok(new, p.Leave())
    left, knock_done = meeting.since(before)
    assert knock_done.type == "alert_updated" and knock_done.body["status"] == "resolved"
    assert left.type == "left"
    assert left.body == {"participant_id": new, "reason": "left"}
    assert meeting.sees(host, left) and not meeting.sees(ann, left)
    assert meeting.room.participants[new].status == "gone"


def test_a_waiting_person_sees_nothing_of_the_room_but_the_end() -> None:
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann", lobby_exempt=True)
    new = meeting.join(pseudonym="Newcomer")
    meeting.say(ann, "something private")
    meeting.ok(host, p.End())
    assert meeting.seen_by(new) == ["meeting_ended"]


def test_lobby_switched_on_mid_meeting_affects_only_newcomers() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    meeting.ok(host, p.SettingsChange(lobby=True))
    assert meeting.room.participants[ann].status == "in"
    outcome = meeting.join_outcome(pseudonym="Bea")
    assert isinstance(outcome, p.Ok) and outcome.waiting
    assert meeting.join_outcome("facilitator", "Cohost") == p.Ok(
        meeting.seq, f"p{meeting.room.counter_participants}", False
    )


# Turn-taking --------------------------------------------------------------------


def group(n: int = 3, **overrides: object) -> tuple[Meeting, str, list[str]]:
    meeting = Meeting.open(**overrides)
    host = meeting.facilitator()
    people = [meeting.join(pseudonym=name) for name in ("Ann", "Bea", "Cy", "Dee", "Eve")[:n]]
    return meeting, host, people


def test_hands_queue_in_the_order_they_were_raised() -> None:
    meeting, host, (ann, bea, cy) = group()
    for pid in (bea, cy, ann):
        meeting.ok(pid, p.RaiseHand())
    assert meeting.queue() == [bea, cy, ann]
    raised = meeting.last("hand_raised")
    assert raised.body == {"participant_id": ann, "queue": [bea, cy, ann]}
    meeting.ok(cy, p.LowerHand())
    assert meeting.last("hand_lowered").body == {"participant_id": cy, "queue": [bea, ann]}
    meeting.ok(cy, p.RaiseHand())  # back of the line
    assert meeting.queue() == [bea, ann, cy]
    snap = views.snapshot(meeting.room, ann)
    assert snap["queue"] == [bea, ann, cy]
    hands = {x["id"]: x["hand_raised"] for x in snap["participants"]}
    assert hands == {host: False, ann: True, bea: True, cy: True}


def test_raising_a_hand_twice_does_not_queue_twice() -> None:
    meeting, _, (ann, bea, _) = group()
    meeting.ok(ann, p.RaiseHand())
    meeting.ok(bea, p.RaiseHand())
    before = meeting.seq
    outcome = meeting.ok(ann, p.RaiseHand())
    assert outcome.seq is None
    assert meeting.seq == before
    assert meeting.queue() == [ann, bea]
    assert meeting.ok(ann, p.LowerHand()).seq is not None
    assert meeting.ok(ann, p.LowerHand()).seq is None  # lowering twice: nothing to say


def test_fewest_shares_first_puts_the_quiet_ones_first_ties_by_raise_order() -> None:
    meeting, host, (ann, bea, cy) = group()
    meeting.ok(host, p.Grant(participant_id=ann))
    meeting.ok(ann, p.Yield())
    meeting.ok(host, p.Grant(participant_id=ann))
    meeting.ok(ann, p.Yield())
    meeting.ok(host, p.Grant(participant_id=bea))
    meeting.ok(bea, p.Yield())
    for pid in (ann, bea, cy):
        meeting.ok(pid, p.RaiseHand())
    assert meeting.queue() == [ann, bea, cy]
    before = meeting.seq
    meeting.ok(host, p.SettingsChange(queue_policy="fewest_shares_first"))
    assert meeting.types_since(before) == ["settings_changed"]
    assert meeting.queue() == [cy, bea, ann]  # 0, 1 and 2 shares
    meeting.ok(host, p.Grant())
    assert meeting.holder() == cy
    assert meeting.queue() == [bea, ann]
    meeting.ok(cy, p.Yield())
    meeting.ok(cy, p.RaiseHand())
    # cy and bea have one share each now: bea raised first
    assert meeting.queue() == [bea, cy, ann]


def test_the_floor_holder_cannot_queue() -> None:
    meeting, host, (ann, _, _) = group()
    meeting.ok(host, p.Grant(participant_id=ann))
    assert meeting.refused(ann, p.RaiseHand()) == "not_allowed"
    assert meeting.queue() == []


def test_grant_next_gives_the_floor_to_the_front_of_the_queue() -> None:
    meeting, host, (ann, bea, _) = group()
    meeting.ok(bea, p.RaiseHand())
    meeting.ok(ann, p.RaiseHand())
    before = meeting.seq
    outcome = meeting.ok(host, p.Grant())
    assert meeting.types_since(before) == ["hand_lowered", "floor_granted"]
    assert outcome.seq == before + 1
    granted = meeting.last("floor_granted")
    assert granted.body == {
        "participant_id": bea,
        "turn_id": 1,
        "ends_at": p.iso(meeting.now + 180_000),
    }
    assert meeting.holder() == bea
    assert meeting.queue() == [ann]


def test_grant_named_needs_someone_present_and_not_muted() -> None:
    meeting, host, (ann, bea, _) = group()
    meeting.ok(host, p.Grant(participant_id=bea))  # no hand needed
    assert meeting.holder() == bea
    assert meeting.refused(host, p.Grant(participant_id="p42")) == "no_such_participant"
    meeting.ok(ann, p.Leave())
    assert meeting.refused(host, p.Grant(participant_id=ann)) == "no_such_participant"


def test_grant_next_with_nobody_waiting_is_queue_empty() -> None:
    meeting, host, _ = group()
    assert meeting.refused(host, p.Grant()) == "queue_empty"


def test_attendees_cannot_use_facilitator_commands() -> None:
    meeting, _, (ann, bea, _) = group()
    mid = meeting.say(bea)
    for command in (
        p.Grant(),
        p.Grant(participant_id=ann),
        p.Revoke(),
        p.StartRound(),
        p.EndRound(),
        p.Mute(participant_id=bea),
        p.Unmute(participant_id=bea),
        p.Remove(participant_id=bea),
        p.Delete(message_id=mid),
        p.SettingsChange(crosstalk=True),
        p.End(),
    ):
        assert meeting.refused(ann, command) == "not_allowed", command
    assert not meeting.room.ended


def test_grant_replaces_the_current_floor_with_reason_revoked() -> None:
    meeting, host, (ann, bea, _) = group()
    meeting.ok(host, p.Grant(participant_id=ann))
    first = meeting.turn()
    before = meeting.seq
    meeting.ok(host, p.Grant(participant_id=bea))
    released, granted = meeting.since(before)
    assert released.type == "floor_released"
    assert released.body == {"participant_id": ann, "turn_id": first, "reason": "revoked"}
    assert granted.type == "floor_granted"
    assert granted.body["participant_id"] == bea
    assert granted.body["turn_id"] == first + 1


def test_revoke_takes_the_floor_back() -> None:
    meeting, host, (ann, _, _) = group()
    assert meeting.refused(host, p.Revoke()) == "not_allowed"
    meeting.ok(host, p.Grant(participant_id=ann))
    meeting.ok(host, p.Revoke())
    assert meeting.last("floor_released").body["reason"] == "revoked"
    assert meeting.holder() is None


def test_yield_releases_the_floor() -> None:
    meeting, host, (ann, bea, _) = group()
    meeting.ok(host, p.Grant(participant_id=ann))
    assert meeting.refused(bea, p.Yield()) == "not_your_turn"
    assert meeting.refused(host, p.Yield()) == "not_your_turn"
    meeting.ok(ann, p.Yield())
    assert meeting.last("floor_released").body == {
        "participant_id": ann,
        "turn_id": 1,
        "reason": "yielded",
    }
    assert meeting.holder() is None
    assert meeting.refused(ann, p.Yield()) == "not_your_turn"


def test_pass_is_only_for_your_turn_in_a_round() -> None:
    meeting, host, (ann, bea, _) = group()
    meeting.ok(host, p.Grant(participant_id=ann))
    assert meeting.refused(ann, p.Pass()) == "not_your_turn"
    meeting.ok(ann, p.Yield())
    meeting.ok(host, p.StartRound())
    assert meeting.holder() == ann
    assert meeting.refused(bea, p.Pass()) == "not_your_turn"
    before = meeting.seq
    meeting.ok(ann, p.Pass())
    released, granted = meeting.since(before)
    assert released.body["reason"] == "passed"
    assert granted.body["participant_id"] == bea


def test_the_floor_expires_only_when_due() -> None:
    meeting, host, (ann, _, _) = group(share_seconds=60)
    meeting.ok(host, p.Grant(participant_id=ann))
    turn = meeting.turn()
    assert reducer.next_deadline_ms(meeting.room) == meeting.now + 60_000
    meeting.advance(59.999)
    assert reducer.due_actions(meeting.room, meeting.now) == []
    assert meeting.ok(None, p.Expire(turn_id=turn)).seq is None  # too early: ignored
    assert meeting.holder() == ann
    meeting.advance(0.001)
    assert reducer.due_actions(meeting.room, meeting.now) == [p.Expire(turn_id=turn)]
    meeting.ok(None, p.Expire(turn_id=turn))
    assert meeting.last("floor_released").body == {
        "participant_id": ann,
        "turn_id": turn,
        "reason": "expired",
    }
    assert meeting.holder() is None
    assert reducer.due_actions(meeting.room, meeting.now) == []


def test_a_stale_expire_for_an_old_turn_is_ignored() -> None:
    meeting, host, (ann, bea, _) = group(share_seconds=60)
    meeting.ok(host, p.Grant(participant_id=ann))
    old = meeting.turn()
    meeting.advance(30)
    meeting.ok(host, p.Grant(participant_id=bea))
    meeting.advance(40)  # ann's old turn would have ended by now, bea's has not
    assert reducer.due_actions(meeting.room, meeting.now) == []
    before = meeting.seq
    meeting.ok(None, p.Expire(turn_id=old))
    assert meeting.seq == before
    assert meeting.holder() == bea


def test_changing_share_seconds_applies_to_the_next_turn() -> None:
    meeting, host, (ann, bea, _) = group(share_seconds=60)
    meeting.ok(host, p.Grant(participant_id=ann))
    meeting.ok(host, p.SettingsChange(share_seconds=300))
    assert reducer.next_deadline_ms(meeting.room) == meeting.now + 60_000
    meeting.ok(host, p.Grant(participant_id=bea))
    assert reducer.next_deadline_ms(meeting.room) == meeting.now + 300_000


def test_a_round_goes_around_attendees_in_join_order_and_ends_by_itself() -> None:
    meeting, host, (ann, bea, cy) = group()
    meeting.join("facilitator", "Cohost")  # facilitators are not in the round
    before = meeting.seq
    meeting.ok(host, p.StartRound())
    started, granted = meeting.since(before)
    assert started.type == "round_started"
    assert started.body == {"order": [ann, bea, cy]}
    assert granted.body["participant_id"] == ann
    meeting.ok(ann, p.Yield())
    assert meeting.holder() == bea
    meeting.advance(180)
    meeting.ok(None, p.Expire(turn_id=meeting.turn()))
    assert meeting.holder() == cy
    before = meeting.seq
    meeting.ok(cy, p.Pass())
    assert meeting.types_since(before) == ["floor_released", "round_ended"]
    assert meeting.room.round is None
    assert meeting.holder() is None


def test_a_round_skips_muted_and_departed_attendees() -> None:
    meeting, host, (ann, bea, cy, dee, eve) = group(5)
    meeting.ok(host, p.Mute(participant_id=bea))
    meeting.ok(host, p.StartRound())
    assert meeting.last("round_started").body["order"] == [ann, cy, dee, eve]
    meeting.ok(host, p.Mute(participant_id=cy))  # muted after the round started
    meeting.ok(dee, p.Leave())  # left before their turn
    meeting.ok(ann, p.Yield())
    assert meeting.holder() == eve
    meeting.ok(eve, p.Yield())
    assert meeting.room.round is None
    assert meeting.last("round_ended").body == {}


def test_a_round_moves_on_when_the_speaker_leaves_or_is_muted() -> None:
    meeting, host, (ann, bea, cy) = group()
    meeting.ok(host, p.StartRound())
    before = meeting.seq
    meeting.ok(ann, p.Leave())
    assert meeting.types_since(before) == ["floor_released", "floor_granted", "left"]
    assert meeting.since(before)[0].body["reason"] == "left"
    assert meeting.holder() == bea
    meeting.ok(host, p.Mute(participant_id=bea))
    assert meeting.holder() == cy


def test_end_round_takes_the_floor_back() -> None:
    meeting, host, (ann, _, _) = group()
    assert meeting.refused(host, p.EndRound()) == "not_allowed"
    meeting.ok(host, p.StartRound())
    before = meeting.seq
    meeting.ok(host, p.EndRound())
    assert meeting.types_since(before) == ["floor_released", "round_ended"]
    assert meeting.since(before)[0].body == {
        "participant_id": ann,
        "turn_id": 1,
        "reason": "revoked",
    }
    assert meeting.room.round is None and meeting.holder() is None


def test_a_round_needs_someone_to_go_around() -> None:
    meeting = Meeting.open()
    host = meeting.facilitator()
    assert meeting.refused(host, p.StartRound()) == "not_allowed"
    ann = meeting.join(pseudonym="Ann")
    meeting.ok(host, p.Mute(participant_id=ann))
    assert meeting.refused(host, p.StartRound()) == "not_allowed"


def test_starting_a_round_while_someone_shares_still_gives_everyone_a_turn() -> None:
    meeting, host, (ann, bea, cy) = group()
    meeting.ok(host, p.Grant(participant_id=bea))
    meeting.ok(host, p.StartRound())
    assert meeting.last("round_started").body["order"] == [ann, bea, cy]
    turns = []
    for _ in range(6):
        holder = meeting.holder()
        if holder is None or meeting.room.round is None:
            break
        turns.append(holder)
        meeting.ok(holder, p.Yield())
    assert ann in turns
    assert turns[-3:] == [ann, bea, cy]


def test_speaker_stats_count_shares_and_seconds() -> None:
    meeting, host, (ann, bea, _) = group(share_seconds=60)
    meeting.ok(host, p.Grant(participant_id=ann))
    meeting.advance(25)
    meeting.ok(ann, p.Yield())
    meeting.ok(host, p.Grant(participant_id=ann))
    meeting.advance(10.5)
    stats = {x["participant_id"]: x for x in views.speaker_stats(meeting.room, meeting.now)}
    assert (stats[ann]["shares"], stats[ann]["seconds"]) == (2, 35)  # running share counted
    assert (stats[bea]["shares"], stats[bea]["seconds"]) == (0, 0)
    meeting.advance(300)  # the turn's time is capped at share_seconds
    stats = {x["participant_id"]: x for x in views.speaker_stats(meeting.room, meeting.now)}
    assert stats[ann]["seconds"] == 85
    meeting.ok(None, p.Expire(turn_id=meeting.turn()))
    meeting.ok(ann, p.Leave())  # people who shared stay in the stats after leaving
    stats = {x["participant_id"]: x for x in views.speaker_stats(meeting.room, meeting.now)}
    assert (stats[ann]["shares"], stats[ann]["seconds"]) == (2, 85)


# Crosstalk ------------------------------------------------------------------------


def test_while_someone_shares_other_attendees_wait_their_turn() -> None:
    meeting, host, (ann, bea, _) = group()
    meeting.say(bea, "before the share anyone may post")
    meeting.ok(host, p.Grant(participant_id=ann))
    mid = meeting.say(ann, "this week was hard")
    assert meeting.last("message").body == {
        "message_id": mid,
        "participant_id": ann,
        "pseudonym": "Ann",
        "text": "this week was hard",
        "share": True,
        "masked": 0,
    }
    assert meeting.refused(bea, p.Say(text="me too!")) == "not_your_turn"
    meeting.say(host, "thank you Ann")
    assert meeting.last("message").body["share"] is False
    meeting.ok(bea, p.React(message_id=mid, emoji="🤗"))  # reactions are fine
    meeting.ok(ann, p.Yield())
    meeting.say(bea, "me too")


def test_reactions_count_people_and_muted_people_may_react() -> None:
    meeting, host, (ann, bea, cy) = group()
    meeting.ok(host, p.Grant(participant_id=ann))
    mid = meeting.say(ann, "one small win")
    meeting.ok(host, p.Mute(participant_id=cy))
    meeting.ok(cy, p.React(message_id=mid, emoji="👏"))
    meeting.ok(bea, p.React(message_id=mid, emoji="👏"))
    assert meeting.last("reaction").body == {"message_id": mid, "emoji": "👏", "count": 2}
    meeting.ok(bea, p.React(message_id=mid, emoji="🌱"))
    assert meeting.last("reaction").body["count"] == 1
    assert meeting.refused(bea, p.React(message_id="m999", emoji="🌱")) == "no_such_message"


def test_reacting_again_with_the_same_emoji_takes_the_reaction_back() -> None:
    """A toggle: each person counts at most once per emoji per message; the same
    emoji again removes their reaction (and only theirs), and a third time adds it."""
    meeting, host, (ann, bea, cy) = group()
    mid = meeting.say(ann, "one small win")
    meeting.ok(bea, p.React(message_id=mid, emoji="👏"))
    meeting.ok(cy, p.React(message_id=mid, emoji="👏"))
    meeting.ok(bea, p.React(message_id=mid, emoji="❤️"))
    assert meeting.last("reaction").body == {"message_id": mid, "emoji": "❤️", "count": 1}
    assert meeting.ok(bea, p.React(message_id=mid, emoji="👏")).seq is not None
    assert meeting.last("reaction").body == {"message_id": mid, "emoji": "👏", "count": 1}
    meeting.ok(cy, p.React(message_id=mid, emoji="👏"))
    assert meeting.last("reaction").body == {"message_id": mid, "emoji": "👏", "count": 0}
    meeting.ok(bea, p.React(message_id=mid, emoji="👏"))
    assert meeting.last("reaction").body == {"message_id": mid, "emoji": "👏", "count": 1}
    meeting.ok(host, p.Mute(participant_id=cy))  # muted people may take theirs back too
    meeting.ok(cy, p.React(message_id=mid, emoji="❤️"))
    meeting.ok(cy, p.React(message_id=mid, emoji="❤️"))
    assert meeting.last("reaction").body == {"message_id": mid, "emoji": "❤️", "count": 1}
    assert meeting.room.messages[mid].reactions == {"👏": {bea}, "❤️": {bea}}


def test_crosstalk_on_lets_everyone_post_during_a_share() -> None:
    meeting, host, (ann, bea, _) = group()
    meeting.ok(host, p.Grant(participant_id=ann))
    meeting.ok(host, p.SettingsChange(crosstalk=True))
    meeting.say(bea, "sending support")
    assert meeting.last("message").body["share"] is False


# Moderation -----------------------------------------------------------------------


def test_muting_drops_the_hand_and_releases_the_floor() -> None:
    meeting, host, (ann, bea, _) = group()
    meeting.ok(bea, p.RaiseHand())
    meeting.ok(host, p.Grant(participant_id=ann))
    before = meeting.seq
    meeting.ok(host, p.Mute(participant_id=bea))
    assert meeting.types_since(before) == ["muted", "hand_lowered"]
    assert meeting.last("muted").body == {"participant_id": bea, "by": host}
    assert meeting.queue() == []
    before = meeting.seq
    meeting.ok(host, p.Mute(participant_id=ann))
    assert meeting.types_since(before) == ["muted", "floor_released"]
    assert meeting.last("floor_released").body["reason"] == "revoked"
    assert meeting.holder() is None
    assert meeting.ok(host, p.Mute(participant_id=ann)).seq is None  # already muted


def test_muted_people_cannot_post_or_queue_until_unmuted() -> None:
    meeting, host, (ann, _, _) = group()
    meeting.ok(host, p.Mute(participant_id=ann))
    assert meeting.refused(ann, p.Say(text="hello")) == "muted"
    assert meeting.refused(ann, p.RaiseHand()) == "muted"
    assert meeting.refused(host, p.Grant(participant_id=ann)) == "muted"
    assert views.snapshot(meeting.room, ann)["participants"][1] == {
        "id": ann,
        "pseudonym": "Ann",
        "role": "attendee",
        "muted": True,
        "hand_raised": False,
        "cohost": False,
    }
    meeting.ok(host, p.Unmute(participant_id=ann))
    assert meeting.last("unmuted").body == {"participant_id": ann, "by": host}
    meeting.say(ann, "thanks")
    meeting.ok(ann, p.RaiseHand())
    assert meeting.ok(host, p.Unmute(participant_id=ann)).seq is None


def test_facilitators_cannot_be_muted_or_removed() -> None:
    meeting, host, _ = group()
    cohost = meeting.join("facilitator", "Cohost")
    assert meeting.refused(host, p.Mute(participant_id=cohost)) == "not_allowed"
    assert meeting.refused(host, p.Remove(participant_id=cohost)) == "not_allowed"
    assert meeting.refused(host, p.Mute(participant_id="p77")) == "no_such_participant"


def test_removed_people_are_gone_for_good() -> None:
    meeting, host, (ann, bea, _) = group()
    token = meeting.room.participants[ann].token_hash
    meeting.ok(ann, p.RaiseHand())
    meeting.ok(host, p.Grant(participant_id=bea))
    before = meeting.seq
    meeting.ok(host, p.Remove(participant_id=ann))
    (left,) = meeting.since(before)
    assert left.body == {"participant_id": ann, "reason": "removed"}
    assert meeting.sees(bea, left)
    assert meeting.queue() == []
    assert meeting.refused(ann, p.Say(text="let me back")) == "not_allowed"
    resume = p.Resume(conn="c-new", token_hash=token)
    assert meeting.refused(None, resume) == "removed"
    outcome = meeting.join_outcome(pseudonym="Someone Else", token=token)
    assert isinstance(outcome, p.Err) and outcome.code == "removed"
    assert meeting.refused(host, p.Remove(participant_id=ann)) == "no_such_participant"
    # removing the speaker releases the floor with reason left
    before = meeting.seq
    meeting.ok(host, p.Remove(participant_id=bea))
    assert meeting.types_since(before) == ["floor_released", "left"]
    assert meeting.since(before)[0].body["reason"] == "left"


def test_someone_waiting_in_the_lobby_can_be_removed() -> None:
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    new = meeting.join(pseudonym="Troll", token="troll-token")
    meeting.ok(host, p.Remove(participant_id=new))
    left = meeting.last("left")
    assert left.body == {"participant_id": new, "reason": "removed"}
    outcome = meeting.join_outcome(pseudonym="Troll Again", token="troll-token")
    assert isinstance(outcome, p.Err) and outcome.code == "removed"


def test_deleted_messages_cannot_be_reacted_to_or_reported() -> None:
    meeting, host, (ann, bea, _) = group()
    mid = meeting.say(ann, "something hurtful")
    before = meeting.seq
    meeting.ok(host, p.Delete(message_id=mid))
    (deleted,) = meeting.since(before)
    assert deleted.type == "message_deleted"
    assert deleted.body == {"message_id": mid, "by": host, "retracted": False}
    assert meeting.sees(bea, deleted)
    assert meeting.room.messages[mid].text == ""
    assert meeting.refused(bea, p.React(message_id=mid, emoji="❤️")) == "no_such_message"
    assert meeting.refused(bea, p.Report(message_id=mid, reason="x")) == "no_such_message"
    assert meeting.refused(host, p.Delete(message_id=mid)) == "no_such_message"
    assert meeting.refused(host, p.Delete(message_id="m404")) == "no_such_message"
    assert all(m["message_id"] != mid for m in views.recent_messages(meeting.room))


def test_slow_mode_is_per_person_and_uses_the_log_time() -> None:
    meeting, host, (ann, bea, _) = group()
    meeting.ok(host, p.SettingsChange(slow_mode_seconds=10))
    meeting.say(ann, "first")
    meeting.advance(5)
    assert meeting.refused(ann, p.Say(text="second")) == "slow_mode"
    meeting.say(bea, "bea is not slowed by ann")
    meeting.say(host, "facilitators are not slowed")
    meeting.say(host, "at all")
    meeting.advance(4.999)
    assert meeting.refused(ann, p.Say(text="second")) == "slow_mode"
    meeting.advance(0.001)
    meeting.say(ann, "second")  # ten seconds after the first accepted message
    meeting.ok(host, p.SettingsChange(slow_mode_seconds=0))
    meeting.say(ann, "third")


def test_settings_changed_carries_the_whole_settings() -> None:
    meeting, host, (ann, _, _) = group()
    meeting.ok(host, p.SettingsChange(crosstalk=True))
    changed = meeting.last("settings_changed")
    assert changed.body == {
        "settings": {
            "crosstalk": True,
            "share_seconds": 180,
            "locked": False,
            "lobby": False,
            "slow_mode_seconds": 0,
            "queue_policy": "fifo",
            "queue_open": True,
        }
    }
    assert meeting.sees(ann, changed)
    meeting.ok(host, p.SettingsChange(share_seconds=90, slow_mode_seconds=5))
    assert meeting.last("settings_changed").body["settings"] == {
        "crosstalk": True,
        "share_seconds": 90,
        "locked": False,
        "lobby": False,
        "slow_mode_seconds": 5,
        "queue_policy": "fifo",
        "queue_open": True,
    }
    assert views.snapshot(meeting.room, ann)["settings"] == changed.body["settings"] | {
        "share_seconds": 90,
        "slow_mode_seconds": 5,
    }


def test_ending_the_meeting_stops_everything() -> None:
    meeting, host, (ann, bea, _) = group()
    meeting.ok(host, p.Grant(participant_id=ann))
    before = meeting.seq
    meeting.ok(host, p.End())
    assert meeting.types_since(before) == ["floor_released", "meeting_ended"]
    ended = meeting.last("meeting_ended")
    assert ended.body == {"by": host}
    assert all(meeting.sees(x, ended) for x in (host, ann, bea))
    assert views.meeting_view(meeting.room)["status"] == "ended"
    token = meeting.room.participants[bea].token_hash
    late: list[tuple[str | None, p.Command]] = [
        (ann, p.Say(text="wait")),
        (bea, p.RaiseHand()),
        (bea, p.Leave()),
        (host, p.End()),
        (host, p.Grant()),
        (None, p.Join(conn="c9", role="attendee", pseudonym=None, name_seed=1, token_hash="z")),
        (None, p.Resume(conn="c9", token_hash=token)),
        (None, p.Disconnect(participant_id=bea, conn="c3")),
        (None, p.Close()),
    ]
    for actor, command in late:
        assert meeting.refused(actor, command) == "meeting_ended", command
    assert reducer.due_actions(meeting.room, meeting.now + 10 * HOUR_MS) == []
    assert reducer.next_deadline_ms(meeting.room) is None


def test_the_schedule_closes_the_meeting_only_at_its_end() -> None:
    meeting, _, (ann, _, _) = group()
    assert reducer.next_deadline_ms(meeting.room) == START_MS + HOUR_MS
    meeting.now = START_MS + HOUR_MS - 1
    assert reducer.due_actions(meeting.room, meeting.now) == []
    assert meeting.ok(None, p.Close()).seq is None
    assert not meeting.room.ended
    meeting.now += 1
    assert reducer.due_actions(meeting.room, meeting.now) == [p.Close()]
    meeting.ok(None, p.Close())
    assert meeting.last("meeting_ended").body == {"by": None}
    assert meeting.refused(ann, p.Ping()) == "meeting_ended"


def test_a_cancelled_meeting_closes_at_once() -> None:
    meeting, _, (ann, _, _) = group()
    meeting.now = START_MS + 5 * 60_000
    meeting.ok(None, p.Close(cancelled=True))
    assert meeting.last("meeting_ended").body == {"by": None}
    assert meeting.room.ended
    assert meeting.refused(ann, p.Say(text="still here?")) == "meeting_ended"


# Reports and help ---------------------------------------------------------------------


def test_reports_go_to_facilitators_only_and_do_not_name_the_reporter() -> None:
    meeting, host, (ann, bea, cy) = group()
    cohost = meeting.join("facilitator", "Cohost")
    mid = meeting.say(ann, "you are all idiots")
    before = meeting.seq
    meeting.ok(bea, p.Report(message_id=mid, reason="rude"))
    (alert,) = meeting.since(before)
    assert alert.type == "alert"
    shown = alert.body["alert"]
    assert (shown["kind"], shown["message_id"], shown["text"]) == (
        "report",
        mid,
        "you are all idiots",
    )
    assert (shown["note"], shown["count"], shown["pseudonym"]) == ("rude", 1, "Ann")
    assert meeting.sees(host, alert) and meeting.sees(cohost, alert)
    assert not meeting.sees(bea, alert)
    assert not meeting.sees(ann, alert) and not meeting.sees(cy, alert)
    assert bea not in p.encode_event(alert).decode()
    assert "Bea" not in p.encode_event(alert).decode()
    # A second report of the same message updates the one alert, without its text.
    meeting.ok(cy, p.Report(message_id=mid, reason=""))
    updated = meeting.last("alert_updated")
    assert updated.body == {
        "alert_id": shown["id"], "status": "open", "claimed_by": None, "count": 2, "note": "",
    }  # fmt: skip
    assert meeting.sees(host, updated) and not meeting.sees(cy, updated)
    other = meeting.say(cy, "another one")
    meeting.ok(bea, p.Report(message_id=other, reason="rude"))
    assert meeting.last("alert").body["alert"]["message_id"] == other


def test_help_requests_are_seen_by_facilitators_only() -> None:
    meeting, host, (ann, bea, _) = group()
    before = meeting.seq
    meeting.ok(ann, p.Help(note="I'm struggling right now"))
    (alert,) = meeting.since(before)  # the asker's confirmation is the ack
    assert alert.type == "alert"
    assert meeting.sees(host, alert) and not meeting.sees(ann, alert)
    assert not meeting.sees(bea, alert)
    shown = alert.body["alert"]
    assert (shown["kind"], shown["participant_id"], shown["pseudonym"], shown["note"]) == (
        "help", ann, "Ann", "I'm struggling right now",
    )  # fmt: skip
    assert meeting.refused(host, p.Help()) == "not_allowed"


def test_ping_and_stats_never_belong_in_the_log() -> None:
    """The shell answers both itself; one in the log is a bug, refused without an event."""
    meeting, host, (ann, _, _) = group()
    before = meeting.seq
    assert meeting.refused(ann, p.Ping()) == "bad_request"
    assert meeting.refused(host, p.Stats()) == "bad_request"
    assert meeting.refused("p99", p.Ping()) == "not_allowed"
    assert meeting.since(before) == []


# Presence -------------------------------------------------------------------------------


def test_a_dropped_connection_gets_a_grace_period() -> None:
    meeting, host, (ann, bea, _) = group()
    meeting.ok(host, p.Grant(participant_id=ann))
    conn = meeting.room.participants[ann].conn
    meeting.ok(None, p.Disconnect(participant_id=ann, conn=conn))
    assert reducer.next_deadline_ms(meeting.room) == meeting.now + 60_000
    meeting.advance(59.999)
    assert p.Timeout(participant_id=ann) not in reducer.due_actions(meeting.room, meeting.now)
    before = meeting.seq
    meeting.ok(None, p.Timeout(participant_id=ann))  # early: ignored
    assert meeting.seq == before
    assert meeting.holder() == ann
    meeting.advance(0.001)
    assert p.Timeout(participant_id=ann) in reducer.due_actions(meeting.room, meeting.now)
    meeting.ok(None, p.Timeout(participant_id=ann))
    released, left = meeting.since(before)
    assert released.body == {"participant_id": ann, "turn_id": 1, "reason": "left"}
    assert left.body == {"participant_id": ann, "reason": "timeout"}
    assert meeting.sees(bea, left)
    assert meeting.holder() is None
    token = meeting.room.participants[ann].token_hash
    assert meeting.refused(None, p.Resume(conn="c-late", token_hash=token)) == "resume_failed"


def test_resuming_in_time_cancels_the_timeout() -> None:
    meeting, _, (ann, _, _) = group()
    person = meeting.room.participants[ann]
    meeting.ok(None, p.Disconnect(participant_id=ann, conn=person.conn))
    meeting.advance(30)
    outcome = meeting.ok(None, p.Resume(conn="c-new", token_hash=person.token_hash))
    assert outcome == p.Ok(None, ann, False)
    assert person.conn == "c-new"
    meeting.advance(60)
    assert reducer.due_actions(meeting.room, meeting.now) == []
    before = meeting.seq
    meeting.ok(None, p.Timeout(participant_id=ann))  # a timer that was already scheduled
    assert meeting.seq == before
    assert person.status == "in"


def test_a_stale_disconnect_for_an_old_connection_is_ignored() -> None:
    meeting, _, (ann, _, _) = group()
    person = meeting.room.participants[ann]
    old = person.conn
    meeting.ok(None, p.Disconnect(participant_id=ann, conn=old))
    meeting.ok(None, p.Resume(conn="c-new", token_hash=person.token_hash))
    meeting.ok(None, p.Disconnect(participant_id=ann, conn=old))  # arrives late
    assert person.disconnected_at_ms is None
    meeting.advance(120)
    assert reducer.due_actions(meeting.room, meeting.now) == []
    meeting.ok(None, p.Timeout(participant_id=ann))
    assert person.status == "in"


def test_a_second_disconnect_keeps_the_first_time() -> None:
    meeting, _, (ann, _, _) = group()
    person = meeting.room.participants[ann]
    meeting.ok(None, p.Disconnect(participant_id=ann, conn=person.conn))
    start = meeting.now
    meeting.advance(30)
    meeting.ok(None, p.Disconnect(participant_id=ann, conn=person.conn))
    assert person.disconnected_at_ms == start


def test_resume_with_an_unknown_token_fails() -> None:
    meeting, _, _ = group()
    assert meeting.refused(None, p.Resume(conn="c9", token_hash="nope")) == "resume_failed"


def test_a_waiting_person_can_resume_and_is_still_waiting() -> None:
    meeting = Meeting.open(lobby=True)
    meeting.facilitator()
    new = meeting.join(pseudonym="Newcomer", token="tk")
    meeting.ok(None, p.Disconnect(participant_id=new, conn=meeting.room.participants[new].conn))
    assert meeting.ok(None, p.Resume(conn="c2", token_hash="tk")) == p.Ok(None, new, True)


# Determinism ------------------------------------------------------------------------


def script() -> list[tuple[int, str | None, p.Command]]:
    at = START_MS
    join = p.Join
    return [
        (at, None, join(conn="c1", role="facilitator", pseudonym="Host", name_seed=1,
                        token_hash="a")),
        (at + 1, None, join(conn="c2", role="attendee", pseudonym=None, name_seed=99,
                            token_hash="b")),
        (at + 2, None, join(conn="c3", role="attendee", pseudonym="نور", name_seed=5,
                            token_hash="c")),
        (at + 3, "p2", p.RaiseHand()),
        (at + 4, "p3", p.RaiseHand()),
        (at + 5, "p1", p.Grant()),
        (at + 6, "p2", p.Say(text="hello, this is my share ❤️")),
        (at + 7, "p3", p.React(message_id="m1", emoji="🙏")),
        (at + 8, "p3", p.Help(note="later please")),
        (at + 9, "p1", p.SettingsChange(queue_policy="fewest_shares_first", crosstalk=True)),
        (at + 10, "p3", p.Report(message_id="m1", reason="test")),
        (at + 181_000, None, p.Expire(turn_id=1)),
        (at + 181_001, "p1", p.StartRound()),
        (at + 181_002, None, p.Disconnect(participant_id="p3", conn="c3")),
        (at + 250_000, None, p.Timeout(participant_id="p3")),
        (at + 250_001, "p1", p.End()),
    ]  # fmt: skip


def run(entries: list[tuple[int, str | None, p.Command]]) -> list[bytes]:
    room = Room.empty("m1")
    reducer.apply(room, p.Submission(None, "w1", p.Open(config=config())), START_MS)
    out: list[bytes] = []
    for at, actor, command in entries:
        # round-trip through the log encoding, as a second worker would read it
        sub = p.decode_submission(p.encode_submission(p.Submission(actor, "w1", command)))
        out.extend(p.encode_event(e) for e in reducer.apply(room, sub, at).events)
    return out


# Run in a fresh interpreter: the script's events, one hex line each, after a line
# with the hash of a fixed string (so the test sees the seed really differed).
_RUN_ELSEWHERE = """
from tests.rooms.test_core_reducer import run, script
print(hash("hearth"))
for event in run(script()):
    print(event.hex())
"""

SEEDS = ["0", "1", "12345", "random"]


def _run_under_hash_seeds(seeds: list[str]) -> dict[str, tuple[int, list[bytes]]]:
    root = Path(__file__).resolve().parents[2]
    children = {
        seed: subprocess.Popen(
            [sys.executable, "-c", _RUN_ELSEWHERE],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in seeds
    }
    out: dict[str, tuple[int, list[bytes]]] = {}
    for seed, child in children.items():
        stdout, stderr = child.communicate(timeout=60)
        assert child.returncode == 0, (seed, stderr)
        first, *events = stdout.split()
        out[seed] = (int(first), [bytes.fromhex(e) for e in events])
    return out


def test_two_rooms_fed_the_same_entries_say_exactly_the_same_bytes() -> None:
    """Every worker reduces the same log to the same bytes, whatever its hash seed:
    set and dict order keyed on strings differs between processes, so any event
    that depends on it would differ between workers."""
    here = run(script())
    assert len(here) >= 15
    assert b'"type":"meeting_ended"' in here[-1]
    assert run(script()) == here
    elsewhere = _run_under_hash_seeds(SEEDS)
    hashes = {seed: h for seed, (h, _) in elsewhere.items()}
    assert len({hashes["0"], hashes["1"], hashes["12345"]}) == 3, hashes
    for seed, (_, events) in elsewhere.items():
        assert events == here, f"PYTHONHASHSEED={seed} gave different events"


def test_resources_pinned_during_the_meeting_reach_everyone_and_late_joiners() -> None:
    meeting, _, (ann, _, _) = group()
    crisis = room_config.ResourceInfo(title="Crisis line", url="tel:116123", kind="crisis")
    article = room_config.ResourceInfo(
        title="Grounding", url="https://example.org/g", kind="article"
    )
    meeting.ok(None, p.SetResources(resources=[crisis, article]))
    changed = meeting.last("resources_changed")
    assert changed.audience == ALL
    assert changed.body["resources"][0] == {"title": "Crisis line", "url": "tel:116123",
                                            "kind": "crisis"}  # fmt: skip
    assert views.snapshot(meeting.room, ann)["resources"] == changed.body["resources"]
    # The same list again changes nothing, so nobody is told twice.
    assert meeting.ok(None, p.SetResources(resources=[crisis, article])).seq is None


def test_a_removal_takes_the_same_browsers_other_tab_too() -> None:
    meeting, host, (ann, _, _) = group()
    tab1 = meeting.join(pseudonym="Tab One", device="dev-x")
    tab2 = meeting.join(pseudonym="Tab Two", device="dev-x")
    other = meeting.join(pseudonym="Other", device="dev-y")
    meeting.ok(host, p.Remove(participant_id=tab1))
    left = [e.body for e in meeting.since(0) if e.type == "left"]
    assert {b["participant_id"] for b in left} == {tab1, tab2}
    assert all(b["reason"] == "removed" for b in left)
    meeting.say(other, "still here")
    assert views.is_member(meeting.room, other) and views.is_member(meeting.room, ann)
