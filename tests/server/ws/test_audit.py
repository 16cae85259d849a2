"""What an organiser reads of a meeting's moderation: roles and ordinals, never names."""

from __future__ import annotations

import time

from tests.server.ws.inprocess import InProcessHearth


def audit(hearth: InProcessHearth, meeting_id: str, want: int) -> list[dict[str, object]]:
    """The audit once `want` rows are written (they are written beside the room)."""
    deadline = time.monotonic() + 5
    while True:
        r = hearth.http.get(f"/api/meetings/{meeting_id}/audit")
        assert r.status_code == 200, r.text
        rows: list[dict[str, object]] = r.json()
        if len(rows) >= want or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


def test_the_audit_names_roles_and_ordinals_and_no_pseudonym(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator(pseudonym="Kind Heron")
    amber = meeting.join("amber", pseudonym="Amber Quietly")
    wren = meeting.join("wren", pseudonym="Wren Softly")
    assert host.command("mute", participant_id=wren.me)["type"] == "ack"
    assert host.command("remove", participant_id=amber.me)["type"] == "ack"
    # The next entry frees the removed person: the audit must not depend on timing.
    assert wren.command("leave")["type"] == "ack"

    rows = audit(hearth, meeting.id, 2)
    assert [(r["action"], r["actor"], r["target"]) for r in rows] == [
        ("mute", {"role": "facilitator", "ordinal": 1}, {"role": "attendee", "ordinal": 3}),
        ("remove", {"role": "facilitator", "ordinal": 1}, {"role": "attendee", "ordinal": 2}),
    ]
    text = str(rows)
    for name in ("Kind Heron", "Amber Quietly", "Wren Softly", amber.me, wren.me):
        assert name not in text


def test_only_an_organiser_reads_the_audit(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    assert hearth.http.get("/api/meetings/nope/audit").status_code == 404
    assert hearth.http.get(f"/api/meetings/{'x' * 500}/audit").status_code == 404
    saved = dict(hearth.http.cookies)
    hearth.http.cookies.clear()
    try:
        r = hearth.http.get(f"/api/meetings/{meeting.id}/audit")
        assert r.status_code == 401, r.text
    finally:
        hearth.http.cookies.update(saved)
    assert hearth.http.get(f"/api/meetings/{meeting.id}/audit").json() == []


def test_claiming_and_resolving_an_alert_is_audited_without_its_note(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator(pseudonym="Kind Heron")
    amber = meeting.join("amber", pseudonym="Amber Quietly")
    assert amber.command("help", note="my private trouble")["type"] == "ack"
    alert_id = host.wait_for("alert")["alert"]["id"]
    assert host.command("claim_alert", alert_id=alert_id)["type"] == "ack"
    assert host.command("resolve_alert", alert_id=alert_id)["type"] == "ack"

    rows = audit(hearth, meeting.id, 2)
    asker = {"role": "attendee", "ordinal": 2}
    assert [(r["action"], r["target"]) for r in rows] == [
        ("claim_alert", asker),
        ("resolve_alert", asker),
    ]
    for secret in ("my private trouble", "Amber Quietly", "Kind Heron", alert_id):
        assert secret not in str(rows)
