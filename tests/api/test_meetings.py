"""Meetings: scheduling in a time zone, weekly series, tokens, the public view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from server.context import AppContext
from tests.api.test_groups import new_group


def local(minutes_from_now: int, fmt: str = "%Y-%m-%dT%H:%M") -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes_from_now)).strftime(fmt)


async def schedule(client: httpx.AsyncClient, group_id: str, **body: Any) -> list[dict[str, Any]]:
    r = await client.post(f"/api/groups/{group_id}/meetings", json={"duration_minutes": 60, **body})
    assert r.status_code == 201, r.text
    meetings: list[dict[str, Any]] = r.json()
    return meetings


async def test_weekly_london_1900_keeps_its_local_time_across_dst(
    organiser: httpx.AsyncClient,
) -> None:
    group = await new_group(organiser, timezone="Europe/London")
    meetings = await schedule(
        organiser, group["id"], starts_at="2027-03-16T19:00", repeat={"weekly": {"count": 10}}
    )
    assert len(meetings) == 10
    assert {m["local_starts_at"][11:] for m in meetings} == {"19:00"}
    assert [m["starts_at"][11:16] for m in meetings[:4]] == ["19:00", "19:00", "18:00", "18:00"]
    assert len({m["series_id"] for m in meetings}) == 1 and meetings[0]["series_id"]
    assert meetings[0]["timezone"] == "Europe/London" and meetings[0]["title"] == "Circle"


async def test_weekly_until_and_one_off_in_another_zone(organiser: httpx.AsyncClient) -> None:
    group = await new_group(organiser)
    series = await schedule(
        organiser, group["id"], starts_at="2027-01-05T18:30", timezone="America/New_York",
        repeat={"weekly": {"until": "2027-01-19"}},
    )  # fmt: skip
    assert [m["local_starts_at"] for m in series] == [
        "2027-01-05T18:30", "2027-01-12T18:30", "2027-01-19T18:30",
    ]  # fmt: skip
    assert series[0]["starts_at"] == "2027-01-05T23:30:00Z"
    one = await schedule(organiser, group["id"], starts_at="2027-02-01T10:00", title="Special")
    assert one[0]["series_id"] is None and one[0]["title"] == "Special"
    assert one[0]["status"] == "scheduled" and one[0]["duration_minutes"] == 60


async def test_meeting_validation(organiser: httpx.AsyncClient) -> None:
    group = await new_group(organiser)
    url = f"/api/groups/{group['id']}/meetings"
    ok = {"starts_at": "2027-01-05T19:00", "duration_minutes": 60}
    cases = [
        ({**ok, "starts_at": "tomorrow"}, "starts_at"),
        ({**ok, "duration_minutes": 0}, "duration_minutes"),
        ({**ok, "timezone": "Mars/Base"}, "timezone"),
        ({**ok, "repeat": {"weekly": {"count": 0}}}, "repeat.weekly.count"),
        ({**ok, "repeat": {"weekly": {"count": 1000}}}, "repeat.weekly.count"),
        ({**ok, "repeat": {"weekly": {"until": "2026-01-01"}}}, "repeat.weekly.until"),
        ({**ok, "repeat": {"weekly": {"count": 2, "until": "2027-03-01"}}}, "repeat"),
        ({"duration_minutes": 60}, "starts_at"),
    ]
    for body, field in cases:
        r = await organiser.post(url, json=body)
        assert r.status_code == 400, (body, r.text)
        assert field in r.json()["error"]["fields"], (body, r.json())
    assert (await organiser.post("/api/groups/nope/meetings", json=cases[0][0])).status_code == 404


async def test_list_patch_cancel_and_delete(organiser: httpx.AsyncClient) -> None:
    group = await new_group(organiser, timezone="Europe/London")
    series = await schedule(
        organiser, group["id"], starts_at="2027-01-05T19:00", repeat={"weekly": {"count": 4}}
    )
    listed = (await organiser.get(f"/api/groups/{group['id']}/meetings")).json()
    assert [m["id"] for m in listed] == [m["id"] for m in series]
    window = await organiser.get(
        f"/api/groups/{group['id']}/meetings", params={"from": "2027-01-10", "to": "2027-01-20"}
    )
    assert [m["local_starts_at"][:10] for m in window.json()] == ["2027-01-12", "2027-01-19"]
    second = series[1]["id"]
    moved = await organiser.patch(f"/api/meetings/{second}", json={"starts_at": "2027-01-13T20:00"})
    assert moved.json()["local_starts_at"] == "2027-01-13T20:00"
    assert moved.json()["duration_minutes"] == 60
    cancelled = await organiser.patch(f"/api/meetings/{series[2]['id']}", json={"cancelled": True})
    assert cancelled.json()["status"] == "cancelled"
    others = [
        (await organiser.get(f"/api/meetings/{m['id']}")).json() for m in (series[0], series[3])
    ]
    assert [m["local_starts_at"][11:] for m in others] == ["19:00", "19:00"]
    assert (
        await organiser.delete(f"/api/meetings/{series[2]['id']}?series=future")
    ).status_code == 204
    remaining = (await organiser.get(f"/api/groups/{group['id']}/meetings")).json()
    assert [m["id"] for m in remaining] == [series[0]["id"], second]
    assert (await organiser.get(f"/api/meetings/{series[3]['id']}")).status_code == 404
    bad = await organiser.get(f"/api/groups/{group['id']}/meetings", params={"from": "soon"})
    assert bad.status_code == 400


async def test_facilitator_token_only_for_the_groups_facilitators(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, context: AppContext
) -> None:
    group = await new_group(organiser)
    meeting = (await schedule(organiser, group["id"], starts_at=local(5)))[0]
    url = f"/api/meetings/{meeting['id']}/facilitator-token"
    assert (await facilitator.post(url)).status_code == 403
    await organiser.put(f"/api/groups/{group['id']}/facilitators/fern")
    r = await facilitator.post(url)
    assert r.status_code == 200
    token = r.json()["token"]
    assert context.signer is not None
    claim = context.signer.read_facilitator_token(token, meeting["id"])
    assert claim is not None and claim.username == "fern"
    assert context.signer.read_facilitator_token(token, "another-meeting") is None
    expires = datetime.fromisoformat(r.json()["expires_at"])
    assert expires <= datetime.fromisoformat(meeting["ends_at"]) + timedelta(hours=1)
    await organiser.patch(f"/api/meetings/{meeting['id']}", json={"cancelled": True})
    assert (await organiser.post(url)).status_code == 409


async def test_public_view_needs_no_sign_in(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    group = await new_group(organiser, visibility="closed", guidelines="Be kind.")
    await organiser.post(
        f"/api/groups/{group['id']}/resources",
        json={"title": "Article", "url": "https://example.org", "kind": "article"},
    )
    await organiser.post(
        f"/api/groups/{group['id']}/resources",
        json={"title": "Crisis line", "url": "https://example.org/help", "kind": "crisis"},
    )
    meeting = (await schedule(organiser, group["id"], starts_at=local(-5)))[0]
    r = await client.get(f"/api/meetings/{meeting['id']}/public")
    assert r.status_code == 200
    view = r.json()
    assert view["status"] == "open" and view["invite_required"] is True
    assert view["group"]["guidelines"] == "Be kind."
    assert [x["kind"] for x in view["resources"]] == ["crisis", "article"]
    assert "not stored" in view["retention"]
    assert (await client.get("/api/meetings/nope/public")).status_code == 404
