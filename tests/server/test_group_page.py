"""A listed group's page over plain HTTP, read back as a crawler reads it: HTML without
scripts, JSON-LD and OpenGraph through extruct, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import extruct
import httpx

from tests.server.api.test_groups import new_group
from tests.server.api.test_meetings import schedule

S = "https://schema.org/"


def structured(html: str, url: str) -> dict[str, Any]:
    data = extruct.extract(html, base_url=url, syntaxes=["json-ld", "opengraph"], uniform=True)
    [series] = data["json-ld"]
    [og] = data["opengraph"]
    return {"ld": series, "og": og}


async def listed_circle(organiser: httpx.AsyncClient) -> tuple[dict[str, Any], list[Any]]:
    group = await new_group(
        organiser,
        name="Grief & Loss — Evenings",
        description="A gentle evening circle.\nFor anyone grieving.",
        guidelines="Speak from your own experience.",
        topics=["grief", "loss"],
        language="pt-BR",
        timezone="Europe/London",
    )
    # Tuesdays 19:00 London, across the change to summer time on 28 March 2027.
    meetings = await schedule(
        organiser, group["id"], starts_at="2027-03-16T19:00", repeat={"weekly": {"count": 4}}
    )
    return group, meetings


async def test_group_page_reads_whole_without_scripts(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """Name, description, guidelines, topics, language by name, zone, meetings with their
    join links, the calendar and the crisis line first: all in the HTML itself."""
    group, meetings = await listed_circle(organiser)
    gid = group["id"]
    await organiser.post(
        f"/api/groups/{gid}/resources",
        json={"title": "Reading on grief", "url": "https://example.org/read", "kind": "article"},
    )
    await organiser.post(
        f"/api/groups/{gid}/resources",
        json={"title": "Samaritans 116 123", "url": "https://samaritans.org", "kind": "crisis"},
    )
    await organiser.patch(f"/api/meetings/{meetings[1]['id']}", json={"cancelled": True})

    bare = await client.get(f"/groups/{gid}")
    assert bare.status_code == 301
    assert bare.headers["location"] == f"http://testserver/groups/{gid}/grief-loss-evenings"
    for wrong in (f"/groups/{gid}/old-name", f"/groups/{gid}/grief-loss-evenings?lang=ar"):
        r = await client.get(wrong)
        if "lang=ar" in wrong:
            assert r.status_code == 200 and '<html lang="ar" dir="rtl">' in r.text
        else:
            assert r.status_code == 301 and r.headers["location"].endswith("/grief-loss-evenings")
    r = await client.get(f"/groups/{gid}/old-name?lang=ar")
    assert r.headers["location"].endswith("/grief-loss-evenings?lang=ar")

    page = await client.get(f"/groups/{gid}/grief-loss-evenings")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "x-robots-tag" not in page.headers
    html = page.text
    assert '<h1 id="group-name" dir="auto">Grief &amp; Loss — Evenings</h1>' in html
    for text in (
        "A gentle evening circle.\nFor anyone grieving.",
        "Speak from your own experience.",
        "Brazilian Portuguese",
        "Europe/London",
        "Open to all",
        f'href="/groups/{gid}/calendar.ics"',
        'href="/?topic=grief"',
        "Tuesday, 16 March 2027, 19:00–20:00",
        "Tuesday, 30 March 2027, 19:00–20:00",
    ):
        assert text in html, text
    assert html.index("Samaritans 116 123") < html.index("Reading on grief")
    joins = re.findall(r'href="/m/([^"]+)"', html)
    assert joins == [meetings[0]["id"], meetings[2]["id"], meetings[3]["id"]]
    assert html.count(">Cancelled</span>") == 1
    assert f'<link rel="canonical" href="http://testserver/groups/{gid}/grief-loss-evenings">' in (
        html
    )
    assert 'hreflang="ar" href="http://testserver/groups/' in html
    assert 'name="robots"' not in html


async def test_json_ld_and_opengraph_field_by_field(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """The weekly series keeps 19:00 in Europe/London while its meetings' offsets go from
    +00:00 to +01:00; cancelled and moved meetings carry their eventStatus."""
    group, meetings = await listed_circle(organiser)
    gid = group["id"]
    await organiser.patch(f"/api/meetings/{meetings[1]['id']}", json={"cancelled": True})
    await organiser.patch(
        f"/api/meetings/{meetings[2]['id']}", json={"starts_at": "2027-03-31T20:00"}
    )
    url = f"http://testserver/groups/{gid}/grief-loss-evenings"
    page = await client.get(url)
    data = structured(page.text, url)
    ld, og = data["ld"], data["og"]

    assert ld["@context"] == "https://schema.org" and ld["@type"] == "EventSeries"
    assert ld["name"] == "Grief & Loss — Evenings"
    assert ld["description"] == "A gentle evening circle.\nFor anyone grieving."
    assert ld["url"] == url
    assert ld["inLanguage"] == "pt-BR"
    assert ld["isAccessibleForFree"] is True
    assert ld["eventAttendanceMode"] == S + "OnlineEventAttendanceMode"
    assert ld["organizer"] == {
        "@type": "Organization",
        "@id": url + "#group",
        "name": "Grief & Loss — Evenings",
        "url": url,
    }
    assert ld["location"] == {"@type": "VirtualLocation", "url": url}
    [weekly] = ld["eventSchedule"]
    assert weekly == {
        "@type": "Schedule",
        "repeatFrequency": "P1W",
        "repeatCount": 4,
        "byDay": S + "Tuesday",
        "startTime": "19:00",
        "endTime": "20:00",
        "duration": "PT60M",
        "scheduleTimezone": "Europe/London",
        "startDate": "2027-03-16",
        "endDate": "2027-04-06",
    }
    events = ld["subEvent"]
    assert [e["@type"] for e in events] == ["Event"] * 4
    assert [e["startDate"] for e in events] == [
        "2027-03-16T19:00:00+00:00",
        "2027-03-23T19:00:00+00:00",
        "2027-03-31T20:00:00+01:00",
        "2027-04-06T19:00:00+01:00",
    ]
    assert events[0]["endDate"] == "2027-03-16T20:00:00+00:00"
    assert [e["eventStatus"] for e in events] == [
        S + "EventScheduled",
        S + "EventCancelled",
        S + "EventRescheduled",
        S + "EventScheduled",
    ]
    assert [e["location"] for e in events] == [
        {"@type": "VirtualLocation", "url": f"http://testserver/m/{m['id']}"} for m in meetings
    ]
    for e in events:
        assert e["name"] == "Grief & Loss — Evenings" and e["inLanguage"] == "pt-BR"
        assert e["isAccessibleForFree"] is True
        assert e["eventAttendanceMode"] == S + "OnlineEventAttendanceMode"
        assert e["organizer"] == {"@id": url + "#group"}
    assert "olive" not in page.text  # the organiser's account is never named

    assert og["og:title"] == "Grief & Loss — Evenings"
    assert og["og:description"] == "A gentle evening circle. For anyone grieving."
    assert og["@type"] == "website" and og["og:site_name"] == "Hearth"  # og:type, uniform
    assert og["og:url"] == url
    assert og["og:locale"] == "en_GB" and og["og:locale:alternate"] == "ar_AR"
    assert '<meta name="twitter:card" content="summary">' in page.text


async def test_invite_only_group_has_no_join_links_and_safe_json(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    """An invite-only group's meetings point at its page, not a room; a name made to
    break out of the script element stays inside the JSON."""
    name = "</script><script>alert(1)</script> & co"
    group = await new_group(organiser, name=name, visibility="closed", timezone="Asia/Tokyo")
    await schedule(organiser, group["id"], starts_at="2027-05-01T09:00")
    first = await client.get(f"/groups/{group['id']}", follow_redirects=True)
    assert first.status_code == 200
    url = str(first.url)
    assert url == f"http://testserver/groups/{group['id']}/script-script-alert-1-script-co"
    assert "<script>alert(1)" not in first.text
    assert "/m/" not in first.text
    assert "Invite only" in first.text
    ld = structured(first.text, url)["ld"]
    assert ld["name"] == name
    [event] = ld["subEvent"]
    assert event["location"] == {"@type": "VirtualLocation", "url": url}
    assert event["startDate"] == "2027-05-01T09:00:00+09:00"
    assert "eventSchedule" not in ld  # a single meeting, no series


async def test_unlisted_deleted_and_unknown_groups_have_no_page(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    hidden = await new_group(organiser, name="Hidden", listed=False)
    gone = await new_group(organiser, name="Gone")
    assert (await organiser.delete(f"/api/groups/{gone['id']}")).status_code == 204
    for gid in (hidden["id"], gone["id"], "nope", "x" * 40, quote("%00")):
        for path in (f"/groups/{gid}", f"/groups/{gid}/hidden", f"/groups/{gid}/gone"):
            r = await client.get(path)
            assert r.status_code == 404, path
            assert "Hidden" not in r.text
    # Its invite page stays, and says noindex.
    invite = await client.get(f"/g/{hidden['id']}")
    assert invite.status_code == 200 and invite.headers["x-robots-tag"] == "noindex"


async def test_arabic_name_keeps_a_readable_slug(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    group = await new_group(organiser, name="مجموعة الدعم", language="ar")
    r = await client.get(f"/groups/{group['id']}?lang=ar")
    slug = quote("مجموعة-الدعم")
    assert r.status_code == 301
    assert r.headers["location"] == f"http://testserver/groups/{group['id']}/{slug}?lang=ar"
    page = await client.get(r.headers["location"])
    assert page.status_code == 200
    assert '<span class="badge lang">العربية</span>' in page.text
    assert f'rel="canonical" href="http://testserver/groups/{group["id"]}/{slug}"' in page.text
