"""Facilitator tokens over a real connection: they end when their facilitator is unassigned."""

from __future__ import annotations

from tests.server.ws.inprocess import InProcessHearth


def test_a_facilitator_token_stops_working_once_its_facilitator_is_unassigned(
    hearth: InProcessHearth,
) -> None:
    """The attack: keep a token after being taken off the group, and walk back in as a
    facilitator (lobby, lock and capacity skipped) until it expires hours later."""
    meeting = hearth.create_meeting()
    http = hearth.http
    body = {"username": "fern", "password": "long enough pw", "role": "facilitator"}
    assert http.post("/api/users", json=body).status_code == 201
    assign = f"/api/groups/{meeting.group_id}/facilitators/fern"
    assert http.put(assign).status_code in {200, 201, 204}
    organiser_cookie = http.cookies.get("hearth_session")
    assert organiser_cookie is not None
    r = http.post("/api/auth/login", json={"username": "fern", "password": "long enough pw"})
    assert r.status_code == 200, r.text
    r = http.post(f"/api/meetings/{meeting.id}/facilitator-token")
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    http.cookies.set("hearth_session", organiser_cookie)

    fern = meeting.join("fern", pseudonym="Fern", facilitator_token=token)
    assert fern.welcome is not None and fern.welcome["you"]["role"] == "facilitator"
    fern.close()

    assert http.delete(assign).status_code in {200, 204}
    again = meeting.connect("fern again")
    reply = again.hello(pseudonym="Fern", facilitator_token=token)
    assert (reply["type"], reply["code"]) == ("error", "not_allowed")
    assert again.closed() == 4403
