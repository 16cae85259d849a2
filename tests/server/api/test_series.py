"""Series people keep: fortnightly, the 2nd Monday, the last Friday, each at its local
time across daylight-saving changes; a series changed from a date onwards; single
occurrences skipped or moved, as calendars (both parsers) see them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.calendar.parsers import read_both
from tests.server.api.test_groups import error_fields, new_group
from tests.server.api.test_meetings import schedule


def _when(meetings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(local start, UTC time of day) of each meeting."""
    return [(m["local_starts_at"], m["starts_at"][11:16]) for m in meetings]


async def test_fortnightly_in_london_across_the_spring_change(
    organiser: httpx.AsyncClient,
) -> None:
    group = await new_group(organiser, timezone="Europe/London")
    meetings = await schedule(
        organiser, group["id"], starts_at="2027-03-16T19:00",
        repeat={"weekly": {"interval": 2, "count": 4}},
    )  # fmt: skip
    # British Summer Time starts on 28 March 2027.
    assert _when(meetings) == [
        ("2027-03-16T19:00", "19:00"), ("2027-03-30T19:00", "18:00"),
        ("2027-04-13T19:00", "18:00"), ("2027-04-27T19:00", "18:00"),
    ]  # fmt: skip
    series = await organiser.get(f"/api/series/{meetings[0]['series_id']}")
    assert series.status_code == 200
    assert series.json()["rule"] == {"weekly": {"interval": 2, "count": 4}}
    assert series.json()["timezone"] == "Europe/London"
    assert [m["id"] for m in series.json()["meetings"]] == [m["id"] for m in meetings]


async def test_second_monday_in_new_york_and_last_friday_in_london(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """Monthly by weekday from the first such day on or after starts_at; both parsers
    put each at its local time with the offset of its own date."""
    ny = await new_group(organiser, name="Second Mondays", timezone="America/New_York")
    mondays = await schedule(
        organiser, ny["id"], starts_at="2027-02-01T18:30",
        repeat={"monthly": {"weekday": "MO", "nth": 2, "count": 3}},
    )  # fmt: skip
    # US daylight time starts on 14 March 2027, between the 2nd Mondays of March and April.
    assert _when(mondays) == [
        ("2027-02-08T18:30", "23:30"), ("2027-03-08T18:30", "23:30"),
        ("2027-04-12T18:30", "22:30"),
    ]  # fmt: skip
    london = await new_group(organiser, name="Last Fridays", timezone="Europe/London")
    fridays = await schedule(
        organiser, london["id"], starts_at="2027-09-01T10:00",
        repeat={"monthly": {"weekday": "FR", "nth": -1, "until": "2027-11-30"}},
    )  # fmt: skip
    # The clocks go back on 31 October 2027.
    assert _when(fridays) == [
        ("2027-09-24T10:00", "09:00"), ("2027-10-29T10:00", "09:00"),
        ("2027-11-26T10:00", "10:00"),
    ]  # fmt: skip
    rule = (await organiser.get(f"/api/series/{fridays[0]['series_id']}")).json()["rule"]
    assert rule == {"monthly": {"weekday": "FR", "nth": -1, "until": "2027-11-30"}}

    for group, offsets in ((ny, [-5, -5, -4]), (london, [1, 1, 0])):
        cal = read_both((await client.get(f"/groups/{group['id']}/calendar.ics")).content)
        starts = [e["start"] for e in cal["events"]]
        assert [s["utc_offset_seconds"] // 3600 for s in starts] == offsets
        assert {s["local"][11:] for s in starts} == {"18:30" if group is ny else "10:00"}
        assert {s["tzid"] for s in starts} == {group["timezone"]}


async def test_limits_and_bad_rules_name_the_field(organiser: httpx.AsyncClient) -> None:
    group = await new_group(organiser)
    url = f"/api/groups/{group['id']}/meetings"
    ok = {"starts_at": "2027-01-04T19:00", "duration_minutes": 60}
    monthly = {"weekday": "MO", "nth": 2, "count": 3}
    cases = [
        ({"weekly": {"interval": 0, "count": 3}}, "repeat.weekly.interval"),
        ({"weekly": {"interval": 5, "count": 3}}, "repeat.weekly.interval"),
        ({"weekly": {"interval": "2", "count": 3}}, "repeat.weekly.interval"),
        ({"weekly": {"interval": 2, "count": 60}}, "repeat.weekly.count"),  # over two years
        ({"weekly": {"interval": 3, "until": "2029-06-01"}}, "repeat.weekly.until"),
        ({"monthly": {**monthly, "nth": 0}}, "repeat.monthly.nth"),
        ({"monthly": {**monthly, "nth": 5}}, "repeat.monthly.nth"),
        ({"monthly": {**monthly, "nth": -2}}, "repeat.monthly.nth"),
        ({"monthly": {**monthly, "weekday": "XX"}}, "repeat.monthly.weekday"),
        ({"monthly": {**monthly, "weekday": "mo"}}, "repeat.monthly.weekday"),
        ({"monthly": {"nth": 2, "count": 3}}, "repeat.monthly.weekday"),
        ({"monthly": {"weekday": "MO", "count": 3}}, "repeat.monthly.nth"),
        ({"monthly": {"weekday": "MO", "nth": 2}}, "repeat.monthly"),
        ({"monthly": {**monthly, "until": "2027-06-01"}}, "repeat.monthly"),
        ({"monthly": {**monthly, "count": 30}}, "repeat.monthly.count"),
        ({"monthly": {**monthly, "count": 105}}, "repeat.monthly.count"),
        ({"monthly": {"weekday": "MO", "nth": 2, "until": "2029-06-01"}}, "repeat.monthly.until"),
        ({"monthly": {"weekday": "MO", "nth": 2, "until": "2026-06-01"}}, "repeat.monthly.until"),
        # The 2nd Monday of January 2027 is the 11th: none falls by the 8th.
        ({"monthly": {"weekday": "MO", "nth": 2, "until": "2027-01-08"}}, "repeat.monthly.until"),
        ({"monthly": {**monthly, "day": 3}}, "repeat.monthly.day"),
        ({"weekly": {"count": 2}, "monthly": monthly}, "repeat"),
    ]
    for repeat, field in cases:
        r = await organiser.post(url, json={**ok, "repeat": repeat})
        assert r.status_code == 400, (repeat, r.text)
        assert r.json()["error"]["code"] == "invalid"
        assert field in error_fields(r), (repeat, r.json())
    # Two years of the 2nd Monday, from January 2027 to the last one before 2029.
    made = await schedule(
        organiser, group["id"], **ok, repeat={"monthly": {**monthly, "count": 24}}
    )
    assert len(made) == 24 and made[-1]["local_starts_at"] == "2028-12-11T19:00"
    # Every 4th week as far as it goes: two years at most.
    far = await schedule(
        organiser, group["id"], **ok, repeat={"weekly": {"interval": 4, "until": "2028-12-25"}}
    )
    assert len(far) == 26 and far[-1]["local_starts_at"] == "2028-12-04T19:00"
    listed = (await organiser.get(f"/api/groups/{group['id']}/meetings")).json()
    assert len(listed) == 24 + 26  # no refused rule left a meeting behind


async def test_a_series_changed_from_a_date_on(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """From 30 March: 19:30 for 75 minutes. Earlier meetings, and each one's date (a
    single one moved to the Wednesday stays on the Wednesday), stay as they were."""
    group = await new_group(organiser, name="Circle", timezone="Europe/London")
    meetings = await schedule(
        organiser, group["id"], starts_at="2027-03-16T19:00", repeat={"weekly": {"count": 5}}
    )
    ids = [m["id"] for m in meetings]
    series_id = meetings[0]["series_id"]
    moved = await organiser.patch(f"/api/meetings/{ids[3]}", json={"starts_at": "2027-04-07T20:00"})
    assert moved.json()["sequence"] == 1
    r = await organiser.patch(
        f"/api/series/{series_id}",
        json={"from": "2027-03-30", "starts_at_time": "19:30", "duration_minutes": 75,
              "title": "Spring circle"},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    after = r.json()["meetings"]
    assert [m["id"] for m in after] == ids
    assert [(m["local_starts_at"], m["duration_minutes"]) for m in after] == [
        ("2027-03-16T19:00", 60), ("2027-03-23T19:00", 60), ("2027-03-30T19:30", 75),
        ("2027-04-07T19:30", 75), ("2027-04-13T19:30", 75),
    ]  # fmt: skip
    assert [m["sequence"] for m in after] == [0, 0, 1, 2, 1]
    assert [m["title"] for m in after] == ["Circle"] * 2 + ["Spring circle"] * 3
    assert [m["starts_at"][11:16] for m in after] == ["19:00", "19:00", "18:30", "18:30", "18:30"]
    assert r.json()["rule"] == {"weekly": {"interval": 1, "count": 5}}  # as it was made
    again = await organiser.get(f"/api/series/{series_id}")
    assert [m["updated_at"] for m in again.json()["meetings"]] == [m["updated_at"] for m in after]
    assert again.json()["meetings"] == after

    cal = read_both((await client.get(f"/groups/{group['id']}/calendar.ics")).content)
    events = {e["uid"].split("@")[0]: e for e in cal["events"]}
    assert [events[i]["start"]["local"][11:] for i in ids] == ["19:00"] * 2 + ["19:30"] * 3
    assert [events[i]["end"]["local"][11:] for i in ids] == ["20:00"] * 2 + ["20:45"] * 3
    assert [events[i]["sequence"] for i in ids] == [0, 0, 1, 2, 1]

    bad = [
        ({"starts_at_time": "19:30"}, "from"),
        ({"from": "soon"}, "from"),
        ({"from": "2027-03-30", "starts_at_time": "7pm"}, "starts_at_time"),
        ({"from": "2027-03-30", "starts_at_time": "19:30:00"}, "starts_at_time"),
        ({"from": "2027-03-30", "starts_at_time": "25:00"}, "starts_at_time"),
        ({"from": "2027-03-30", "duration_minutes": 1}, "duration_minutes"),
        ({"from": "2027-03-30", "title": "a\x00b"}, "title"),
        ({"from": "2027-03-30", "repeat": {}}, "repeat"),
    ]
    for body, field in bad:
        r = await organiser.patch(f"/api/series/{series_id}", json=body)
        assert r.status_code == 400 and field in error_fields(r), (body, r.text)
    assert (await facilitator.get(f"/api/series/{series_id}")).status_code == 404
    await organiser.put(f"/api/groups/{group['id']}/facilitators/fern")
    assert (await facilitator.get(f"/api/series/{series_id}")).status_code == 200
    denied = await facilitator.patch(f"/api/series/{series_id}", json={"from": "2027-03-30"})
    assert denied.status_code == 403
    assert (await organiser.get("/api/series/nope")).status_code == 404
    assert (await client.get(f"/api/series/{series_id}")).status_code == 401


async def test_skipped_and_moved_occurrences_reach_both_calendars(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """A skipped week is CANCELLED and a moved one at its new time, each with a higher
    SEQUENCE under the same UID, in the group feed and in the meeting's own file."""
    group = await new_group(organiser, timezone="America/New_York")
    meetings = await schedule(
        organiser, group["id"], starts_at="2027-03-02T18:00",
        repeat={"weekly": {"interval": 2, "count": 3}},
    )  # fmt: skip
    skipped, moved = meetings[1]["id"], meetings[2]["id"]
    await organiser.patch(f"/api/meetings/{skipped}", json={"cancelled": True})
    await organiser.patch(f"/api/meetings/{moved}", json={"starts_at": "2027-03-31T19:00"})

    feed = read_both((await client.get(f"/groups/{group['id']}/calendar.ics")).content)
    events = {e["uid"].split("@")[0]: e for e in feed["events"]}
    assert [events[m["id"]]["status"] for m in meetings] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert [events[m["id"]]["sequence"] for m in meetings] == [0, 1, 1]
    # 2 March is in EST; 31 March, after the change on 14 March, in EDT.
    assert events[meetings[0]["id"]]["start"]["utc_offset_seconds"] == -5 * 3600
    assert events[moved]["start"]["local"] == "2027-03-31T19:00"
    assert events[moved]["start"]["utc_offset_seconds"] == -4 * 3600
    for meeting_id in (skipped, moved):
        own = read_both((await client.get(f"/meetings/{meeting_id}/calendar.ics")).content)
        [event] = own["events"]
        assert {k: v for k, v in event.items() if k != "alarms"} == {
            k: v for k, v in events[meeting_id].items() if k != "alarms"
        }
        assert len(event["alarms"]) == (0 if meeting_id == skipped else 1)
