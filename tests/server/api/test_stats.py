"""A group's figures: a meeting run over real WebSockets leaves its counts once its room
ends, one row however many times it is offered, read by organisers only."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from rooms.protocol import Close
from rooms.tally import MeetingTally, SegmentMinutes
from server.db.stats import record_meeting_stats
from tests.server.ws.inprocess import InProcessHearth, Meeting, _add_organiser, running_hearth

HOUR_MS = 3_600_000


@pytest.fixture
def hearth(tmp_path: Path, database: str) -> Iterator[InProcessHearth]:
    """The in-process app on this run's database (SQLite, then PostgreSQL)."""
    with running_hearth(tmp_path / "data", database_url=database) as running:
        yield running


def _stats(http: TestClient, group_id: str, **params: Any) -> dict[str, Any]:
    r = http.get(f"/api/groups/{group_id}/stats", params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _wait_for_row(http: TestClient, group_id: str, timeout: float = 10) -> dict[str, Any]:
    """The write is a task of its own, after the end: poll until it is there."""
    deadline = time.monotonic() + timeout
    while not (body := _stats(http, group_id))["meetings"]:
        assert time.monotonic() < deadline, "no figures were recorded"
        time.sleep(0.05)
    return body


def _with_format(meeting: Meeting) -> dict[str, Any]:
    r = meeting.organiser.post(
        f"/api/groups/{meeting.group_id}/formats", json={"template": "check-in"}
    )
    assert r.status_code == 201, r.text
    plan: dict[str, Any] = r.json()
    r = meeting.organiser.patch(f"/api/groups/{meeting.group_id}", json={"format_id": plan["id"]})
    assert r.status_code == 200, r.text
    return plan


def _counting_sink(hearth: InProcessHearth) -> list[str]:
    """Wraps the hub's stats sink to note each meeting it is handed."""
    hub = hearth.http.app.state.ctx.hub  # type: ignore[attr-defined]
    sink, calls = hub.stats, []

    async def counting(group_id: str, tally: MeetingTally) -> None:
        calls.append(tally.meeting_id)
        await sink(group_id, tally)

    hub.stats = counting
    return calls


def test_a_meeting_over_websockets_leaves_its_counts_once(hearth: InProcessHearth) -> None:
    """Three in at most, four let in (a reconnection is not a fifth, the lobby-only
    person is nobody), one share, one poll, the format's parts: recorded once."""
    calls = _counting_sink(hearth)
    meeting = hearth.create_meeting(name="Evening")
    plan = _with_format(meeting)
    host = meeting.facilitator()
    amber = meeting.join("amber", pseudonym="Amber")
    heron = meeting.join("heron", pseudonym="Heron")
    assert host.command("next_segment", current=-1)["type"] == "ack"
    assert host.command("grant", participant_id=amber.me)["type"] == "ack"
    started = host.command("poll_start", question="Tea?", options=["Tea", "Coffee"])
    assert started["type"] == "ack"
    poll_id = host.wait_for("poll")["poll_id"]
    assert heron.command("vote", poll_id=poll_id, option=1)["type"] == "ack"
    assert host.command("poll_close", poll_id=poll_id)["type"] == "ack"
    assert heron.command("leave")["type"] == "ack"
    again = meeting.connect("amber-again")
    token = amber.welcome["resume_token"]  # type: ignore[index]
    assert again.hello(resume={"token": token, "last_seq": 0})["type"] == "welcome"
    meeting.join("cy", pseudonym="Cy")
    assert host.command("settings", lobby=True)["type"] == "ack"
    assert meeting.join("dee", pseudonym="Dee").frames[-1]["type"] == "waiting"
    assert host.command("end")["type"] == "ack"
    host.wait_for("meeting_ended")

    body = _wait_for_row(hearth.http, meeting.group_id)
    (row,) = body["meetings"]
    assert row["meeting_id"] == meeting.id and row["title"] == "Evening"
    counts = {k: row[k] for k in ("peak_present", "attended", "let_in", "shares", "polls")}
    assert counts == {"peak_present": 3, "attended": 4, "let_in": 0, "shares": 1, "polls": 1}
    assert row["format"] == plan["name"]
    assert [s["title"] for s in row["segments"]] == [s["title"] for s in plan["segments"]]
    assert all(s["minutes"] == 0 for s in row["segments"])  # a meeting of seconds
    assert row["ended_at"] >= row["starts_at"]
    assert body["totals"] == {
        "meetings": 1, "attended": 4, "let_in": 0, "shares": 1, "polls": 1,
        "peak_present": 3, "minutes": 0,
    }  # fmt: skip
    # Entries after the end (a late close, as the API appends one) do not offer it again.
    hub = hearth.http.app.state.ctx.hub  # type: ignore[attr-defined]
    replica = hub.replicas[meeting.id]
    applied = replica.applied_seq
    assert hearth.http.portal is not None
    for _ in range(2):
        hearth.http.portal.call(hub.tell_room, meeting.id, Close(cancelled=True), 0)
    deadline = time.monotonic() + 5
    while replica.applied_seq < applied + 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert replica.applied_seq == applied + 2
    assert calls == [meeting.id]


def _tally(
    meeting_id: str, starts_at_ms: int, attended: int, seq: int = 0, final: bool = True
) -> MeetingTally:
    return MeetingTally(
        meeting_id=meeting_id,
        starts_at_ms=starts_at_ms,
        ended_at_ms=starts_at_ms + HOUR_MS,
        peak_present=attended - 1,
        attended=attended,
        let_in=1,
        shares=2,
        polls=0,
        format_name=None,
        segments=(SegmentMinutes("Open", 40),),
        seq=seq,
        final=final,
    )


def _weekly(hearth: InProcessHearth, count: int) -> tuple[str, list[dict[str, Any]]]:
    g = hearth.http.post("/api/groups", json={"name": "Weekly", "timezone": "UTC"})
    assert g.status_code == 201, g.text
    body = {
        "starts_at": "2027-03-02T19:00",
        "duration_minutes": 60,
        "repeat": {"weekly": {"count": count}},
    }
    m = hearth.http.post(f"/api/groups/{g.json()['id']}/meetings", json=body)
    assert m.status_code == 201, m.text
    return g.json()["id"], m.json()


def _record(hearth: InProcessHearth, group_id: str, tally: MeetingTally) -> None:
    db = hearth.http.app.state.ctx.db  # type: ignore[attr-defined]
    assert hearth.http.portal is not None
    hearth.http.portal.call(record_meeting_stats, db, group_id, tally)


def _ms(meeting: dict[str, Any]) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(meeting["starts_at"]).timestamp() * 1000)


def test_rows_come_newest_first_within_from_to_and_limit(hearth: InProcessHearth) -> None:
    """Four weekly meetings: the window and the limit pick which, the totals follow."""
    group_id, meetings = _weekly(hearth, 4)
    for n, m in enumerate(meetings):
        _record(hearth, group_id, _tally(m["id"], _ms(m), attended=5 + n))
    ids = [m["id"] for m in meetings]
    body = _stats(hearth.http, group_id)
    assert [r["meeting_id"] for r in body["meetings"]] == ids[::-1]
    assert body["totals"]["attended"] == 5 + 6 + 7 + 8
    assert body["totals"]["peak_present"] == 7 and body["totals"]["minutes"] == 160
    window = _stats(hearth.http, group_id, **{"from": "2027-03-09", "to": "2027-03-23"})
    assert [r["meeting_id"] for r in window["meetings"]] == [ids[2], ids[1]]
    assert window["totals"]["meetings"] == 2
    assert [r["meeting_id"] for r in _stats(hearth.http, group_id, limit=1)["meetings"]] == [ids[3]]


def test_a_row_offered_twice_keeps_the_first_and_a_failed_write_only_logs(
    hearth: InProcessHearth, caplog: pytest.LogCaptureFixture
) -> None:
    """Every worker offers the same tally; one for a deleted meeting is dropped quietly."""
    group_id, (first,) = _weekly(hearth, 1)
    _record(hearth, group_id, _tally(first["id"], _ms(first), attended=3))
    _record(hearth, group_id, _tally(first["id"], _ms(first), attended=9))
    (row,) = _stats(hearth.http, group_id)["meetings"]
    assert row["attended"] == 3
    with caplog.at_level(logging.WARNING, logger="hearth.stats"):
        _record(hearth, group_id, _tally("no-such-meeting", _ms(first), attended=3))
    assert [r.message for r in caplog.records] == [
        "could not record a meeting's figures: IntegrityError"
    ]
    assert all(r.exc_info is None for r in caplog.records)


def test_a_later_tally_replaces_one_taken_before_the_end_and_the_end_stands(
    hearth: InProcessHearth,
) -> None:
    """Figures kept when a room emptied give way to a later tally of it (people came
    back), and to its end; nothing replaces the end's, and an older tally changes nothing."""
    group_id, (first,) = _weekly(hearth, 1)
    start, mid = _ms(first), first["id"]

    def attended() -> tuple[int, bool]:
        (row,) = _stats(hearth.http, group_id)["meetings"]
        return row["attended"], row["final"]

    _record(hearth, group_id, _tally(mid, start, attended=3, seq=40, final=False))
    assert attended() == (3, False)
    _record(hearth, group_id, _tally(mid, start, attended=2, seq=30, final=False))
    assert attended() == (3, False)
    _record(hearth, group_id, _tally(mid, start, attended=5, seq=60, final=False))
    assert attended() == (5, False)
    _record(hearth, group_id, _tally(mid, start, attended=6, seq=10, final=True))
    assert attended() == (6, True)
    _record(hearth, group_id, _tally(mid, start, attended=9, seq=90, final=False))
    _record(hearth, group_id, _tally(mid, start, attended=9, seq=90, final=True))
    assert attended() == (6, True)


def test_a_room_everyone_left_before_its_end_keeps_its_figures(
    tmp_path: Path, database: str
) -> None:
    """Nobody is left to see the scheduled end: when the worker lets the empty room go,
    its figures so far are kept, and replaced if people come back and leave again."""
    with running_hearth(tmp_path / "d", database_url=database, resume_grace_seconds=1) as hearth:
        meeting = hearth.create_meeting(name="Emptied")
        host = meeting.facilitator()
        amber = meeting.join("amber", pseudonym="Amber")
        assert amber.command("say", text="see you all next week")["type"] == "ack"
        for client in (host, amber):
            assert client.command("leave")["type"] == "ack"
        (row,) = _wait_for_row(hearth.http, meeting.group_id, timeout=20)["meetings"]
        assert (row["attended"], row["final"]) == (2, False)

        birch = meeting.join("birch", pseudonym="Birch")
        assert birch.command("leave")["type"] == "ack"
        deadline = time.monotonic() + 20
        while _stats(hearth.http, meeting.group_id)["meetings"][0]["attended"] != 3:
            assert time.monotonic() < deadline, "the later figures never replaced the first"
            time.sleep(0.1)


def test_only_organisers_read_a_groups_figures(hearth: InProcessHearth) -> None:
    """Another organiser may (organisers manage every group); the group's facilitator
    gets 403, as for the audit; nobody signed in 401; an unknown group 404."""
    http = hearth.http
    group_id, _ = _weekly(hearth, 1)
    assert http.get("/api/groups/nope/stats").status_code == 404
    assert http.put(f"/api/groups/{group_id}/facilitators/fern").status_code == 404
    assert http.portal is not None
    http.portal.call(_add_organiser, http.app, "other", "long passphrase")
    from server.api.auth import add_user

    async def add_facilitator() -> None:
        async with http.app.state.ctx.session() as session:  # type: ignore[attr-defined]
            await add_user(session, "fern", "long passphrase", "facilitator")

    http.portal.call(add_facilitator)
    assert http.put(f"/api/groups/{group_id}/facilitators/fern").status_code == 200
    http.post("/api/auth/logout")
    assert http.get(f"/api/groups/{group_id}/stats").status_code == 401
    for name, status in (("other", 200), ("fern", 403)):
        r = http.post("/api/auth/login", json={"username": name, "password": "long passphrase"})
        assert r.status_code == 200, r.text
        assert http.get(f"/api/groups/{group_id}/stats").status_code == status
        http.post("/api/auth/logout")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "٣"}, "limit"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2027-13-01"}, "to"),
        ({"from": "1999-12-31"}, "from"),
        ({"from": "2027-03-10", "to": "2027-03-01"}, "to"),
    ],
)
def test_bad_query_parameters_are_400_invalid_naming_the_field(
    hearth: InProcessHearth, params: dict[str, str], field: str
) -> None:
    group_id, _ = _weekly(hearth, 1)
    r = hearth.http.get(f"/api/groups/{group_id}/stats", params=params)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {field}
