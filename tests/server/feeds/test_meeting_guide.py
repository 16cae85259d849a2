"""GET /feeds/meeting-guide.json, checked against the Meeting Guide spec's own fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from server.context import AppContext
from server.db.models import Series
from server.slugs import group_path
from tests.server.api.test_groups import new_group
from tests.server.api.test_meetings import local, schedule
from tests.server.feeds.spec import problems

FEED = "/feeds/meeting-guide.json"


async def feed(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    r = await client.get(FEED)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert "public" in r.headers["cache-control"]
    entries: list[dict[str, Any]] = r.json()
    assert isinstance(entries, list)
    for e in entries:
        assert problems(e) == [], e
    assert len({e["slug"] for e in entries}) == len(entries), "slugs must be unique"
    return entries


async def set_rule(context: AppContext, series_id: str, rule: dict[str, Any]) -> None:
    """Stands in for a series made fortnightly or monthly by the schedule API."""
    async with context.session() as session:
        series = await session.get(Series, series_id)
        assert series is not None
        series.rule = rule
        await session.commit()


async def test_a_weekly_series_is_one_entry_with_the_spec_fields(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """Every field a finder reads, and the join link it stores lands in the next room."""
    group = await new_group(
        organiser,
        name="Tuesday Circle",
        description="Peer support for carers.\nAll welcome.",
        timezone="Europe/London",
        language="es",
        crosstalk=True,
    )
    before = datetime.now(UTC).replace(microsecond=0)
    made = await schedule(
        organiser,
        group["id"],
        starts_at="2027-06-01T19:30",
        duration_minutes=90,
        title="Evening share",
        repeat={"weekly": {"count": 6}},
    )
    [e] = await feed(client)
    assert e["name"] == "Evening share" and e["group"] == "Tuesday Circle"
    assert e["slug"] == made[0]["series_id"]
    assert (e["day"], e["time"], e["end_time"]) == (2, "19:30", "21:00")  # a Tuesday
    assert e["timezone"] == "Europe/London"
    assert e["types"] == ["S", "XT"]  # Spanish; cross talk permitted; never C nor O
    assert e["attendance_option"] == "online"
    assert e["notes"] == "Peer support for carers.\nAll welcome."
    assert e["url"] == "http://testserver" + group_path(group["id"], group["name"])
    assert e["conference_url"] == f"http://testserver/s/{e['slug']}"
    updated = datetime.strptime(e["updated"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert before <= updated <= datetime.now(UTC)

    r = await client.get(e["conference_url"])
    assert r.status_code == 303
    assert r.headers["location"] == f"http://testserver/m/{made[0]['id']}"
    page = await client.get(r.headers["location"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")

    # A change to one meeting is a change to the listing.
    await organiser.patch(f"/api/meetings/{made[1]['id']}", json={"title": "Renamed"})
    [again] = await feed(client)
    assert again["updated"] >= e["updated"] and again["name"] == "Evening share"


async def test_a_series_across_a_dst_change_keeps_its_local_time(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """New York moves its clocks on 14 March 2027; the listing says 19:00 all along."""
    group = await new_group(organiser, timezone="America/New_York")
    made = await schedule(
        organiser, group["id"], starts_at="2027-03-07T19:00", repeat={"weekly": {"count": 4}}
    )
    utc_hours = {m["starts_at"][11:13] for m in made}
    assert utc_hours == {"00", "23"}  # 19:00 EST is 00:00Z, 19:00 EDT 23:00Z
    [e] = await feed(client)
    assert (e["day"], e["time"], e["end_time"], e["timezone"]) == (
        0,
        "19:00",
        "20:00",
        "America/New_York",
    )


async def test_one_moved_or_cancelled_week_leaves_the_series_as_it_is(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """The spec cannot say "not this week": the series stays, at its usual time."""
    group = await new_group(organiser, timezone="Europe/London")
    made = await schedule(
        organiser, group["id"], starts_at="2027-09-06T18:00", repeat={"weekly": {"count": 4}}
    )
    await organiser.patch(f"/api/meetings/{made[0]['id']}", json={"starts_at": "2027-09-07T20:00"})
    await organiser.patch(f"/api/meetings/{made[1]['id']}", json={"cancelled": True})
    [e] = await feed(client)
    assert (e["day"], e["time"]) == (1, "18:00")  # Mondays at six, not the moved Tuesday
    r = await client.get(e["conference_url"])
    assert r.headers["location"].endswith(f"/m/{made[0]['id']}")  # the moved one comes first


async def test_only_listed_open_weekly_series_with_meetings_ahead_are_listed(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient, context: AppContext
) -> None:
    """Unlisted, deleted and invite-only groups, one-offs, fortnightly and monthly
    series, and series with nothing ahead are all left out; no invite code anywhere."""
    weekly = {"weekly": {"count": 3}}
    shown = await new_group(organiser, name="Shown")
    [kept, *_] = await schedule(organiser, shown["id"], starts_at="2027-05-03T10:00", repeat=weekly)
    await schedule(organiser, shown["id"], starts_at="2027-05-04T10:00")  # a one-off
    [fortnightly, *_] = await schedule(
        organiser, shown["id"], starts_at="2027-05-05T10:00", repeat=weekly
    )
    await set_rule(context, fortnightly["series_id"], {"weekly": {"interval": 2, "count": 3}})
    [monthly, *_] = await schedule(
        organiser, shown["id"], starts_at="2027-05-06T10:00", repeat=weekly
    )
    rule = {"monthly": {"weekday": "MO", "nth": 2, "count": 3}}
    await set_rule(context, monthly["series_id"], rule)
    past = await schedule(
        organiser, shown["id"], starts_at=local(-60 * 24 * 30), repeat={"weekly": {"count": 2}}
    )
    called_off = await schedule(
        organiser, shown["id"], starts_at="2027-05-07T10:00", repeat={"weekly": {"count": 2}}
    )
    for m in called_off:
        await organiser.patch(f"/api/meetings/{m['id']}", json={"cancelled": True})

    hidden = await new_group(organiser, name="Hidden Unlisted", listed=False)
    closed = await new_group(organiser, name="By Invitation", visibility="closed")
    gone = await new_group(organiser, name="Deleted Group")
    for g in (hidden, closed, gone):
        await schedule(organiser, g["id"], starts_at="2027-05-03T10:00", repeat=weekly)
    invite = (await organiser.post(f"/api/groups/{closed['id']}/invites", json={})).json()
    assert (await organiser.delete(f"/api/groups/{gone['id']}")).status_code == 204

    entries = await feed(client)
    assert [e["slug"] for e in entries] == [kept["series_id"]]
    text = (await client.get(FEED)).text
    for secret in (invite["code"], hidden["id"], hidden["name"], closed["id"], gone["id"]):
        assert secret not in text
    assert past[0]["series_id"] not in text

    # Unlisting a group takes its series out at once.
    await organiser.patch(f"/api/groups/{shown['id']}", json={"listed": False})
    assert await feed(client) == []


async def test_languages_become_the_spec_s_language_types_where_it_has_one(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """pt-BR is Portuguese (POR); Welsh has no code in the spec, so no language type."""
    made = {}
    for language in ("pt-BR", "cy", "ar", "ase"):
        group = await new_group(organiser, name=language, language=language)
        [m, _] = await schedule(
            organiser, group["id"], starts_at="2027-05-03T10:00", repeat={"weekly": {"count": 2}}
        )
        made[m["series_id"]] = language
    types = {made[e["slug"]]: e["types"] for e in await feed(client)}
    assert types == {"pt-BR": ["POR"], "cy": [], "ar": ["AR"], "ase": ["ASL"]}
