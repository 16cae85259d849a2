"""Shared alerts and the private line over real WebSockets, in process."""

from __future__ import annotations

from tests.server.ws.inprocess import InProcessHearth


def _whispers(client: object) -> list[dict[str, object]]:
    return [f for f in client.frames if f["type"] == "whisper"]  # type: ignore[attr-defined]


def test_a_facilitator_arriving_later_sees_the_pending_alert_and_claims_are_shared(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    assert amber.command("help", note="a moment please")["type"] == "ack"
    alert = host.wait_for("alert")["alert"]
    assert (alert["kind"], alert["status"], alert["pseudonym"]) == ("help", "open", "Amber")

    cohost = meeting.facilitator("Cohost")
    assert cohost.welcome is not None
    assert [(a["id"], a["status"]) for a in cohost.welcome["alerts"]] == [(alert["id"], "open")]
    assert "alerts" not in (amber.welcome or {})

    assert cohost.command("claim_alert", alert_id=alert["id"])["type"] == "ack"
    for client in (host, cohost):
        updated = client.wait_for("alert_updated", alert_id=alert["id"])
        assert (updated["status"], updated["claimed_by"]) == (
            "claimed",
            cohost.welcome["you"]["id"],
        )
    assert host.command("resolve_alert", alert_id=alert["id"])["type"] == "ack"
    cohost.wait_for("alert_updated", status="resolved")
    error = host.command("claim_alert", alert_id="a999")
    assert (error["type"], error["code"]) == ("error", "no_such_alert")
    refused = amber.command("resolve_alert", alert_id=alert["id"])
    assert (refused["type"], refused["code"]) == ("error", "not_allowed")
    amber.drain()
    assert not [f for f in amber.frames if f["type"] in {"alert", "alert_updated"}]


def test_a_facilitator_whispers_to_someone_waiting_in_the_lobby(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(lobby=True)
    host = meeting.facilitator()
    waiter = meeting.connect("waiter")
    assert waiter.hello(pseudonym="Early Bird")["type"] == "waiting"
    knock = host.wait_for("alert")["alert"]
    assert knock["kind"] == "knock"
    to = knock["participant_id"]
    ack = host.command("whisper", to=to, text="welcome, we start in two minutes")
    assert ack["type"] == "ack"
    got = waiter.wait_for("whisper")
    assert (got["to"], got["pseudonym"], got["text"]) == (
        to,
        "Host",
        "welcome, we start in two minutes",
    )
    host.wait_for("whisper")
    assert host.command("admit", participant_id=to)["type"] == "ack"
    assert host.wait_for("alert_updated", alert_id=knock["id"])["status"] == "resolved"


def test_an_attendee_whisper_reaches_every_facilitator_and_nobody_else(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    cohost = meeting.facilitator("Cohost")
    amber = meeting.join("amber", pseudonym="Amber")
    birch = meeting.join("birch", pseudonym="Birch")
    assert amber.command("whisper", text="can I leave early?")["type"] == "ack"
    for client in (host, cohost, amber):
        got = client.wait_for("whisper")
        assert (got["pseudonym"], got["to"], got["text"]) == ("Amber", None, "can I leave early?")
    refused = amber.command("whisper", text="psst", to=birch.welcome["you"]["id"])  # type: ignore[index]
    assert (refused["type"], refused["code"]) == ("error", "not_allowed")
    assert birch.command("say", text="hello")["type"] == "ack"
    birch.drain()
    assert _whispers(birch) == []
