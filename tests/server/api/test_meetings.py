"""Meetings: scheduling in a time zone, weekly series, tokens, the public view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from server.context import AppContext
from tests.server.api.test_groups import new_group


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
        organiser, group["id"], starts_at="2027-03-14T19:00", repeat={"weekly": {"count": 10}}
    )
    assert len(meetings) == 10
    assert [m["local_starts_at"][:10] for m in meetings][:3] == [
        "2027-03-14", "2027-03-21", "2027-03-28",
    ]  # fmt: skip
    assert {m["local_starts_at"][11:] for m in meetings} == {"19:00"}
    # British Summer Time starts at 01:00 on Sunday 28 March 2027.
    assert [m["starts_at"][11:] for m in meetings] == ["19:00:00Z"] * 2 + ["18:00:00Z"] * 8
    assert {m["ends_at"][11:] for m in meetings[2:]} == {"19:00:00Z"}
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
        ({**ok, "repeat": {"weekly": {"count": 2, "until": "2027-03-01"}}}, "repeat.weekly"),
        ({**ok, "repeat": {"weekly": {}}}, "repeat.weekly"),
        ({**ok, "repeat": {}}, "repeat.weekly"),
        ({**ok, "repeat": {"daily": {"count": 2}}}, "repeat.daily"),
        ({**ok, "repeat": {"weekly": {"until": "2029-02-01"}}}, "repeat.weekly.until"),
        ({**ok, "repeat": {"weekly": {"until": "soon"}}}, "repeat.weekly.until"),
        ({"duration_minutes": 60}, "starts_at"),
        ({**ok, "starts_at": "2027-01-05"}, "starts_at"),
        ({**ok, "starts_at": "9999-12-31T23:59"}, "starts_at"),
        ({**ok, "starts_at": 20270105}, "starts_at"),
        ({**ok, "duration_minutes": 721}, "duration_minutes"),
        ({**ok, "duration_minutes": "60"}, "duration_minutes"),
        ({**ok, "timezone": "localtime"}, "timezone"),
        ({**ok, "title": "a\x00b"}, "title"),
        ({**ok, "title": "x" * 201}, "title"),
        ({**ok, "colour": "red"}, "colour"),
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
    for params, field in [
        ({"from": "soon"}, "from"),
        ({"to": "9999-01-01"}, "to"),
        ({"from": "2027-02-01", "to": "2027-01-01"}, "to"),
    ]:
        bad = await organiser.get(f"/api/groups/{group['id']}/meetings", params=params)
        assert bad.status_code == 400 and field in bad.json()["error"]["fields"], bad.text


async def test_facilitator_token_only_for_the_groups_facilitators(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, context: AppContext
) -> None:
    group = await new_group(organiser)
    meeting = (await schedule(organiser, group["id"], starts_at=local(5)))[0]
    url = f"/api/meetings/{meeting['id']}/facilitator-token"
    assert (await facilitator.post(url)).status_code == 404  # not confirmed to exist
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


async def test_a_weekly_time_in_the_spring_forward_gap_moves_only_that_week(
    organiser: httpx.AsyncClient,
) -> None:
    group = await new_group(organiser, timezone="Europe/London")
    meetings = await schedule(
        organiser, group["id"], starts_at="2027-03-21T01:30", repeat={"weekly": {"count": 3}}
    )
    # 01:30 on 28 March 2027 does not exist in London: the clocks go from 01:00 to 02:00.
    assert [m["local_starts_at"][11:] for m in meetings] == ["01:30", "02:30", "01:30"]
    gap = await schedule(organiser, group["id"], starts_at="2027-03-28T01:30")
    assert gap[0]["starts_at"] == "2027-03-28T01:30:00Z"


async def test_a_start_with_an_offset_is_converted_to_the_meetings_zone(
    organiser: httpx.AsyncClient,
) -> None:
    group = await new_group(organiser, timezone="Europe/Berlin")
    [meeting] = await schedule(organiser, group["id"], starts_at="2027-01-05T19:00Z")
    assert meeting["starts_at"] == "2027-01-05T19:00:00Z"
    assert meeting["local_starts_at"] == "2027-01-05T20:00"
    assert meeting["timezone"] == "Europe/Berlin"


async def test_patch_validation_and_a_new_zone_keeps_the_wall_clock(
    organiser: httpx.AsyncClient,
) -> None:
    group = await new_group(organiser, timezone="Europe/London")
    [meeting] = await schedule(organiser, group["id"], starts_at="2027-01-05T19:00")
    url = f"/api/meetings/{meeting['id']}"
    for body, field in [
        ({"starts_at": "next week"}, "starts_at"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"timezone": "Nowhere/Special"}, "timezone"),
        ({"title": "bell\x07"}, "title"),
        ({"cancelled": "yes"}, "cancelled"),
        ({"series_id": "x"}, "series_id"),
    ]:
        r = await organiser.patch(url, json=body)
        assert r.status_code == 400 and field in r.json()["error"]["fields"], (body, r.text)
    unchanged = (await organiser.get(url)).json()
    assert unchanged == {**meeting, "status": unchanged["status"]}
    moved = (await organiser.patch(url, json={"timezone": "America/New_York"})).json()
    assert moved["local_starts_at"] == "2027-01-05T19:00"
    assert moved["starts_at"] == "2027-01-06T00:00:00Z" and moved["duration_minutes"] == 60
    longer = (await organiser.patch(url, json={"duration_minutes": 90, "title": " Late "})).json()
    assert longer["ends_at"] == "2027-01-06T01:30:00Z" and longer["title"] == "Late"
    assert (await organiser.patch("/api/meetings/nope", json={})).status_code == 404
    assert (await organiser.delete("/api/meetings/nope")).status_code == 404
    assert (await organiser.delete(f"{url}?series=all")).status_code == 400


async def test_roles_for_meetings(
    organiser: httpx.AsyncClient,
    facilitator: httpx.AsyncClient,
    client: httpx.AsyncClient,
) -> None:
    ours = await new_group(organiser, name="Ours")
    theirs = await new_group(organiser, name="Theirs")
    await organiser.put(f"/api/groups/{ours['id']}/facilitators/fern")
    [meeting] = await schedule(organiser, ours["id"], starts_at="2027-01-05T19:00")
    [other] = await schedule(organiser, theirs["id"], starts_at="2027-01-05T19:00")
    body = {"starts_at": "2027-01-06T19:00", "duration_minutes": 60}

    assert (await client.post(f"/api/groups/{ours['id']}/meetings", json=body)).status_code == 401
    assert (await client.get(f"/api/groups/{ours['id']}/meetings")).status_code == 401
    assert (await client.get(f"/api/meetings/{meeting['id']}")).status_code == 401
    assert (
        await client.post(f"/api/meetings/{meeting['id']}/facilitator-token")
    ).status_code == 401

    # A facilitator reads their group's meetings but does not change them.
    listed = await facilitator.get(f"/api/groups/{ours['id']}/meetings")
    assert [m["id"] for m in listed.json()] == [meeting["id"]]
    assert (await facilitator.get(f"/api/meetings/{meeting['id']}")).status_code == 200
    r = await facilitator.post(f"/api/groups/{ours['id']}/meetings", json=body)
    assert r.status_code == 403
    r = await facilitator.patch(f"/api/meetings/{meeting['id']}", json={"cancelled": True})
    assert r.status_code == 403
    assert (await facilitator.delete(f"/api/meetings/{meeting['id']}")).status_code == 403
    # Another group's meetings are not theirs to see.
    assert (await facilitator.get(f"/api/groups/{theirs['id']}/meetings")).status_code == 404
    assert (await facilitator.get(f"/api/meetings/{other['id']}")).status_code == 404
    r = await facilitator.post(f"/api/meetings/{other['id']}/facilitator-token")
    assert r.status_code == 404
    missing = await facilitator.post("/api/meetings/nosuchmeeting/facilitator-token")
    assert r.json() == missing.json()  # the same answer as for no meeting at all
    assert (await organiser.get(f"/api/meetings/{meeting['id']}")).json()["cancelled"] is False


async def test_status_and_tokens_follow_the_meetings_window(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    group = await new_group(organiser)
    gid = group["id"]
    [later] = await schedule(organiser, gid, starts_at=local(60))
    [soon] = await schedule(organiser, gid, starts_at=local(10))
    [now] = await schedule(organiser, gid, starts_at=local(-30))
    [past] = await schedule(organiser, gid, starts_at=local(-120))
    assert [m["status"] for m in (later, soon, now, past)] == [
        "scheduled", "open", "open", "ended",
    ]  # fmt: skip
    opens = datetime.fromisoformat(later["opens_at"])
    assert opens == datetime.fromisoformat(later["starts_at"]) - timedelta(minutes=15)

    r = await organiser.post(f"/api/meetings/{later['id']}/facilitator-token")
    assert r.status_code == 200
    assert context.signer is not None
    assert context.signer.read_facilitator_token(r.json()["token"], later["id"]) is not None
    expires = datetime.fromisoformat(r.json()["expires_at"])
    assert expires <= datetime.fromisoformat(later["ends_at"]) + timedelta(hours=1)
    assert expires > datetime.now(UTC)

    r = await organiser.post(f"/api/meetings/{past['id']}/facilitator-token")
    assert r.status_code == 409 and r.json()["error"]["code"] == "meeting_ended"
    await organiser.patch(f"/api/meetings/{soon['id']}", json={"cancelled": True})
    r = await organiser.post(f"/api/meetings/{soon['id']}/facilitator-token")
    assert r.status_code == 409 and r.json()["error"]["code"] == "meeting_cancelled"
    r = await organiser.post("/api/meetings/nope/facilitator-token")
    assert r.status_code == 404


async def test_public_view_of_a_cancelled_meeting_says_so(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    group = await new_group(organiser, name="Open circle", description="All welcome")
    [meeting] = await schedule(organiser, group["id"], starts_at="2027-01-05T19:00")
    view = (await client.get(f"/api/meetings/{meeting['id']}/public")).json()
    assert view["status"] == "scheduled" and view["invite_required"] is False
    assert view["title"] == "Open circle" and view["group"]["description"] == "All welcome"
    assert view["local_starts_at"] == "2027-01-05T19:00" and view["resources"] == []
    assert view["opens_at"] == "2027-01-05T18:45:00Z"
    assert "group_id" not in view and "series_id" not in view
    await organiser.patch(f"/api/meetings/{meeting['id']}", json={"cancelled": True})
    view = (await client.get(f"/api/meetings/{meeting['id']}/public")).json()
    assert view["status"] == "cancelled" and view["cancelled"] is True
