"""The listed group's server-rendered page in Chromium: read whole with JavaScript off,
and with it on nothing doubles, the kept commitment shows, and axe finds nothing serious
on a laptop and a phone."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People, Shot

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1280, 860), "phone": (390, 844)}


def group_page_url(demo: Demo) -> str:
    """The demo group's page, as the sitemap gives it."""
    with urllib.request.urlopen(f"{demo.url}/sitemap.xml", timeout=10) as r:
        locs = re.findall(r"<loc>([^<]+)</loc>", r.read().decode())
    [page] = [loc for loc in locs if "/groups/" in loc]
    return f"{demo.url}/groups/{page.split('/groups/', 1)[1]}"


def visible_outline(page: Any) -> dict[str, Any]:
    return {
        "h1": page.locator("h1").count(),
        "nav": page.locator("nav.site-nav").count(),
        "meetings": page.locator("#group-meetings > li").count(),
        "joins": page.locator("#group-meetings a[href^='/m/']").count(),
        "resources": page.locator(".resource-list > li").count(),
        "ld": page.locator("script[type='application/ld+json']").count(),
    }


def test_group_page_with_scripts_off_has_the_schedule_and_join_link(
    demo: Demo, people: People, shot: Shot
) -> None:
    url = group_page_url(demo)
    page = people.page(java_script_enabled=False, width=1280, height=860)
    page.goto(url)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_role("heading", name="Next meetings")).to_be_visible()
    join = page.locator("#group-meetings a[href^='/m/']").first
    expect(join).to_be_visible()
    assert join.get_attribute("href") == f"/m/{demo.meeting_id}"
    expect(page.locator(".resource.crisis").first).to_be_visible()
    expect(page.get_by_role("link", name="Add to calendar")).to_have_attribute(
        "href", re.compile(r"^/groups/[^/]+/calendar\.ics$")
    )
    ld = json.loads(page.locator("script[type='application/ld+json']").text_content() or "")
    assert ld["@type"] == "EventSeries"
    assert ld["subEvent"][0]["location"]["url"] == f"{demo.url}/m/{demo.meeting_id}"
    expect(page.locator("#group-commitment")).to_be_hidden()
    # axe runs as a script in the page, which this context does not allow.
    shot(page, "group-page-noscript", a11y_check=False)
    before = visible_outline(page)

    scripted = people.page(width=1280, height=860)
    scripted.goto(url)
    expect(scripted.locator("h1")).to_be_visible()
    assert visible_outline(scripted) == before


@pytest.mark.parametrize("size", SIZES)
def test_group_page_shows_the_kept_commitment_and_passes_axe(
    demo: Demo, people: People, shot: Shot, size: str
) -> None:
    width, height = SIZES[size]
    url = group_page_url(demo)
    page = people.page(width=width, height=height)
    page.goto(url)
    gid = page.locator("#group-view").get_attribute("data-group-id")
    assert gid and gid in url
    expect(page.locator("#group-commitment")).to_be_hidden()
    shot(page, f"group-page-{size}", main=True, full_page=size == "laptop")

    kept = {"text": "Call my sister", "meeting_id": demo.meeting_id, "at": "2026-12-01"}
    page.evaluate(
        "([key, value]) => window.localStorage.setItem(key, value)",
        [f"hearth.commitment.{gid}", json.dumps(kept)],
    )
    page.reload()
    box = page.locator("#group-commitment")
    expect(box).to_contain_text("Call my sister")
    expect(box).to_contain_text("Only this browser keeps it")
    box.get_by_role("button", name="Clear").click()
    expect(box).to_be_hidden()
    expect(page.locator("#group-commitment-status")).to_have_text("Cleared. Nothing is kept.")


def test_arabic_page_and_the_remembered_language(demo: Demo, people: People, shot: Shot) -> None:
    """?lang=ar renders Arabic on the server; once chosen, an address without ?lang=
    follows the choice when scripts run, and the English link switches back."""
    url = group_page_url(demo)
    page = people.page(width=390, height=844)
    page.goto(f"{url}?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="اللقاءات القادمة")).to_be_visible()
    shot(page, "group-page-arabic-phone", full_page=False)
    page.goto(url)
    expect(page).to_have_url(f"{url}?lang=ar")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
