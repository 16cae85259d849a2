"""Alerts every facilitator shares: help requests, reports and knocks as room state,
claimed and resolved, in every facilitator's welcome, bounded."""

from __future__ import annotations

from rooms import protocol as p
from rooms import views
from rooms.state import MAX_RESOLVED_ALERTS
from tests.rooms.test_core_support import Meeting


def _meeting(**overrides: object) -> tuple[Meeting, str, str, str, str]:
    meeting = Meeting.open(**overrides)
    host = meeting.facilitator()
    cohost = meeting.join("facilitator", "Cohost")
    ann = meeting.join(pseudonym="Ann")
    bea = meeting.join(pseudonym="Bea")
    return meeting, host, cohost, ann, bea


def test_a_help_request_is_an_open_alert_in_every_facilitators_view() -> None:
    meeting, host, cohost, ann, bea = _meeting()
    meeting.ok(ann, p.Help(note="I'm struggling"))
    event = meeting.last("alert")
    alert = event.body["alert"]
    assert {k: alert[k] for k in ("kind", "status", "claimed_by", "count", "note")} == {
        "kind": "help",
        "status": "open",
        "claimed_by": None,
        "count": 1,
        "note": "I'm struggling",
    }
    assert (alert["participant_id"], alert["pseudonym"]) == (ann, "Ann")
    assert meeting.sees(host, event) and meeting.sees(cohost, event)
    assert not meeting.sees(ann, event) and not meeting.sees(bea, event)
    # The asker's confirmation is the command's ack; nothing else reaches the room.
    assert [e.type for e in meeting.since(event.seq - 1)] == ["alert"]
    # A facilitator arriving later sees it pending.
    late = meeting.join("facilitator", "Late Host")
    assert [a["id"] for a in views.alerts_view(meeting.room)] == [alert["id"]]
    assert views.is_facilitator(meeting.room, late)


def test_asking_again_while_open_updates_the_one_alert() -> None:
    meeting, _, _, ann, _ = _meeting()
    meeting.ok(ann, p.Help(note="first"))
    meeting.advance(61)
    meeting.ok(ann, p.Help(note="second"))
    assert meeting.last("alert_updated").body["note"] == "second"
    assert [a["note"] for a in views.alerts_view(meeting.room)] == ["second"]


def test_claim_and_resolve_are_seen_by_facilitators_only() -> None:
    meeting, host, cohost, ann, _ = _meeting()
    meeting.ok(ann, p.Help(note="please"))
    alert_id = meeting.last("alert").body["alert"]["id"]
    meeting.ok(host, p.ClaimAlert(alert_id=alert_id))
    claimed = meeting.last("alert_updated")
    assert claimed.body == {
        "alert_id": alert_id,
        "status": "claimed",
        "claimed_by": host,
        "count": 1,
        "note": "please",
    }
    assert meeting.sees(cohost, claimed) and not meeting.sees(ann, claimed)
    before = meeting.seq
    meeting.ok(host, p.ClaimAlert(alert_id=alert_id))  # again: nothing
    assert meeting.since(before) == []
    meeting.ok(cohost, p.ClaimAlert(alert_id=alert_id))  # taken over
    assert meeting.last("alert_updated").body["claimed_by"] == cohost
    meeting.ok(host, p.ResolveAlert(alert_id=alert_id))
    assert meeting.last("alert_updated").body["status"] == "resolved"
    before = meeting.seq
    meeting.ok(host, p.ResolveAlert(alert_id=alert_id))
    assert meeting.since(before) == []
    assert meeting.refused(host, p.ClaimAlert(alert_id=alert_id)) == "not_allowed"
    assert views.alerts_view(meeting.room)[0]["status"] == "resolved"


def test_only_facilitators_claim_or_resolve_and_unknown_alerts_are_refused() -> None:
    meeting, host, _, ann, bea = _meeting()
    meeting.ok(ann, p.Help(note="please"))
    alert_id = meeting.last("alert").body["alert"]["id"]
    assert meeting.refused(bea, p.ClaimAlert(alert_id=alert_id)) == "not_allowed"
    assert meeting.refused(ann, p.ResolveAlert(alert_id=alert_id)) == "not_allowed"
    assert meeting.refused(host, p.ClaimAlert(alert_id="a99")) == "no_such_alert"
    assert meeting.refused(host, p.ResolveAlert(alert_id="a99")) == "no_such_alert"


def test_reports_of_one_message_collapse_into_one_alert_naming_its_author() -> None:
    meeting, host, _, ann, bea = _meeting()
    cy = meeting.join(pseudonym="Cy")
    mid = meeting.say(ann, "you are all idiots")
    meeting.ok(bea, p.Report(message_id=mid, reason="rude"))
    alert = meeting.last("alert").body["alert"]
    assert (alert["kind"], alert["participant_id"], alert["pseudonym"]) == ("report", ann, "Ann")
    assert (alert["message_id"], alert["text"], alert["count"]) == (mid, "you are all idiots", 1)
    meeting.ok(cy, p.Report(message_id=mid, reason="mean"))
    updated = meeting.last("alert_updated")
    assert updated.body["count"] == 2 and updated.body["note"] == "mean"
    assert "text" not in updated.body
    assert len(views.alerts_view(meeting.room)) == 1
    # A report after it was resolved opens the same alert again.
    meeting.ok(host, p.ResolveAlert(alert_id=alert["id"]))
    dee = meeting.join(pseudonym="Dee")
    meeting.ok(dee, p.Report(message_id=mid, reason="again"))
    (shared,) = views.alerts_view(meeting.room)
    assert (shared["status"], shared["count"]) == ("open", 3)


def test_a_knock_is_an_alert_resolved_when_admitted_denied_or_gone() -> None:
    meeting = Meeting.open(lobby=True)
    host = meeting.facilitator()
    names = ("Knocker One", "Knocker Two", "Knocker Three")
    waiting = [meeting.join(pseudonym=name) for name in names]
    knocks = views.alerts_view(meeting.room)
    assert [(a["kind"], a["participant_id"], a["status"]) for a in knocks] == [
        ("knock", pid, "open") for pid in waiting
    ]
    meeting.ok(host, p.Admit(participant_id=waiting[0]))
    meeting.ok(host, p.Deny(participant_id=waiting[1]))
    meeting.ok(waiting[2], p.Leave())
    assert [a["status"] for a in views.alerts_view(meeting.room)] == ["resolved"] * 3


def test_resolved_alerts_are_dropped_beyond_the_bound() -> None:
    meeting = Meeting.open(lobby=True, capacity=500)
    host = meeting.facilitator()
    for i in range(MAX_RESOLVED_ALERTS + 10):
        new = meeting.join(pseudonym=f"Knocker {i}")
        meeting.ok(host, p.Admit(participant_id=new))
    kept = views.alerts_view(meeting.room)
    assert len(kept) == MAX_RESOLVED_ALERTS
    assert kept[0]["id"] == "a11"
    assert meeting.refused(host, p.ResolveAlert(alert_id="a1")) == "no_such_alert"


def test_the_limits_still_hold_for_help() -> None:
    meeting, _, _, ann, _ = _meeting()
    meeting.ok(ann, p.Help(note="please"))
    assert meeting.refused(ann, p.Help(note="please")) == "rate_limited"
