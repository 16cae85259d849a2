"""The HSDS 3.0 export of listed groups, checked against the specification's fields."""

from __future__ import annotations

from typing import Any

import httpx

from server.context import AppContext
from server.slugs import group_path
from tests.server.api.test_groups import error_fields, new_group
from tests.server.api.test_meetings import schedule
from tests.server.feeds.hsds_spec import PAGE, problems, service_problems
from tests.server.feeds.test_meeting_guide import set_rule


async def page(client: httpx.AsyncClient, query: str = "") -> dict[str, Any]:
    r = await client.get(f"/feeds/hsds/services{query}")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    assert problems(body, PAGE, set(PAGE), "page") == []
    for s in body["contents"]:
        assert service_problems(s) == []
    return body


async def full(client: httpx.AsyncClient, service_id: str) -> dict[str, Any]:
    r = await client.get(f"/feeds/hsds/services/{service_id}")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    assert service_problems(body) == []
    return body


async def test_the_api_meta_names_hsds_3(client: httpx.AsyncClient) -> None:
    body = (await client.get("/feeds/hsds")).json()
    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://") and body["openapi_url"].endswith("openapi.json")


async def test_a_listed_group_is_a_service_with_its_schedules_in_rrule_terms(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient, context: AppContext
) -> None:
    """Weekly and fortnightly series, a one-off meeting; the zone's offset at the next one."""
    group = await new_group(
        organiser, name="Carers", description="For carers.", timezone="America/New_York",
        language="pt-BR",
    )  # fmt: skip
    weekly = await schedule(
        organiser, group["id"], starts_at="2027-03-07T19:00", repeat={"weekly": {"count": 4}}
    )
    other = await schedule(
        organiser, group["id"], starts_at="2027-07-06T10:30", repeat={"weekly": {"count": 3}}
    )
    await set_rule(context, other[0]["series_id"], {"weekly": {"interval": 2, "count": 3}})
    [once] = await schedule(organiser, group["id"], starts_at="2027-08-01T12:00")

    listing = await page(client)
    [item] = listing["contents"]
    assert listing["total_items"] == 1 and listing["first_page"] and listing["last_page"]
    assert "schedules" not in item  # a list holds one-to-one fields only
    assert (item["name"], item["status"]) == ("Carers", "active")

    service = await full(client, item["id"])
    assert service["url"] == "http://testserver" + group_path(group["id"], group["name"])
    assert [lang["code"] for lang in service["languages"]] == ["pt"]
    by_start = {s["dtstart"]: s for s in service["schedules"]}
    assert set(by_start) == {"2027-03-07", "2027-07-06", "2027-08-01"}
    sunday = by_start["2027-03-07"]
    assert (sunday["freq"], sunday["interval"], sunday["byday"], sunday["count"]) == (
        "WEEKLY", 1, "SU", 4,
    )  # fmt: skip
    assert (sunday["opens_at"], sunday["closes_at"], sunday["timezone"]) == (
        "19:00-05:00", "20:00-05:00", -5,
    )  # fmt: skip
    assert "America/New_York" in sunday["description"]
    assert sunday["valid_to"] == "2027-03-28"
    assert sunday["schedule_link"] == f"http://testserver/s/{weekly[0]['series_id']}"
    fortnight = by_start["2027-07-06"]
    assert (fortnight["interval"], fortnight["byday"], fortnight["opens_at"]) == (
        2, "TU", "10:30-04:00",
    )  # fmt: skip
    single = by_start["2027-08-01"]
    assert "freq" not in single and single["schedule_link"].endswith(f"/m/{once['id']}")


async def test_unlisted_and_deleted_groups_are_never_services_and_codes_never_appear(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    shown = await new_group(organiser, name="Shown")
    closed = await new_group(organiser, name="By Invitation", visibility="closed")
    hidden = await new_group(organiser, name="Hidden", listed=False)
    gone = await new_group(organiser, name="Gone")
    for g in (shown, closed, hidden, gone):
        await schedule(
            organiser, g["id"], starts_at="2027-05-03T10:00", repeat={"weekly": {"count": 2}}
        )
    invite = (await organiser.post(f"/api/groups/{closed['id']}/invites", json={})).json()
    listing = await page(client)
    ids = {s["name"]: s["id"] for s in listing["contents"]}
    assert set(ids) == {"Shown", "By Invitation", "Hidden", "Gone"} - {"Hidden"}
    assert (await organiser.delete(f"/api/groups/{gone['id']}")).status_code == 204
    assert (await client.get(f"/feeds/hsds/services/{ids['Gone']}")).status_code == 404
    listing = await page(client)
    assert {s["name"] for s in listing["contents"]} == {"Shown", "By Invitation"}

    invited = await full(client, ids["By Invitation"])
    assert invite["code"] not in str(invited) and "invitation" in invited["application_process"]
    [s] = invited["schedules"]
    assert s["schedule_link"] == "http://testserver" + group_path(
        closed["id"], closed["name"]
    )  # never a room
    everything = str(listing) + str(invited)
    assert hidden["id"] not in everything and "Hidden" not in everything

    await organiser.patch(f"/api/groups/{shown['id']}", json={"listed": False})
    assert (await client.get(f"/feeds/hsds/services/{ids['Shown']}")).status_code == 404
    assert (await client.get("/feeds/hsds/services/not-a-uuid")).status_code == 404


async def test_pages_and_their_bad_numbers(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    for n in range(3):
        await new_group(organiser, name=f"G{n}")
    first, second = await page(client, "?per_page=2"), await page(client, "?per_page=2&page=2")
    assert (first["size"], first["total_pages"], first["last_page"]) == (2, 2, False)
    assert (second["size"], second["last_page"], second["first_page"]) == (1, True, False)
    names = [s["name"] for s in first["contents"] + second["contents"]]
    assert sorted(names) == ["G0", "G1", "G2"]
    assert (await page(client, "?page=9"))["empty"] is True
    assert all(s["status"] == "inactive" for s in first["contents"])  # nothing scheduled
    for query, field in (("?page=0", "page"), ("?per_page=201", "per_page"), ("?page=x", "page")):
        r = await client.get(f"/feeds/hsds/services{query}")
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"
        assert field in error_fields(r)
