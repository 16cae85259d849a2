"""The catalogue in Chromium: searched and filtered with scripts off, through the
server's form and links, and the same page with scripts on, taken over without a
second copy of the results."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from server.slugs import group_path
from tests.browser.api_steps import new_group, organiser, schedule
from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import sign_in

pytestmark = pytest.mark.browser


def _groups(demo: Demo) -> tuple[str, str, str]:
    word = f"heron{secrets.token_hex(3)}"
    with organiser(demo) as api:
        soon = new_group(api, name=f"Soon {word}", topics=["grief", word], language="pt-BR")
        later = new_group(api, name=f"Later {word}", topics=[word], capacity=8)
        hidden = new_group(api, name=f"Hidden {word}", topics=[word], listed=False)
        now = datetime.now(UTC)
        schedule(api, soon, now + timedelta(minutes=20))
        schedule(api, later, now + timedelta(days=2))
        schedule(api, hidden, now + timedelta(minutes=20))
    return word, soon, later


def test_the_catalogue_searches_and_filters_with_scripts_off(
    demo: Demo, people: People, shot: Shot
) -> None:
    """The GET form and the filter links work in a browser that runs no scripts."""
    word, soon, _ = _groups(demo)
    page = people.page(java_script_enabled=False)
    page.goto(f"{demo.url}/")
    page.get_by_label("Words").fill(word)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(f"**/?q={word}*")
    cards = page.locator("#results li.group")
    expect(cards).to_have_count(2)
    expect(page.locator("#results")).not_to_contain_text("Hidden")
    expect(cards.first.get_by_role("link", name=f"Soon {word}", exact=True)).to_have_attribute(
        "href", group_path(soon, f"Soon {word}")
    )
    expect(cards.first.locator(".badge.lang")).to_have_text("Portuguese (Brazil)")
    expect(page.locator("#results-status")).to_have_text("2 groups found.")
    # axe needs scripts: it checks the same server-rendered page with the page's own
    # modules held back, so what it sees is what a browser without scripts shows.
    checked = people.page()
    checked.route("**/static/js/**", lambda route: route.abort())
    checked.goto(page.url)
    expect(checked.locator("#results[data-server-rendered] li.group")).to_have_count(2)
    shot(checked, "catalogue-no-scripts", main=True)

    page.locator("#filter-links").get_by_role("link", name="Starting within the hour").click()
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(f"Soon {word}")
    assert "soon=1" in page.url and f"q={word}" in page.url
    expect(page.get_by_label("Starting within the hour")).to_be_checked()

    page.get_by_label("Starting within the hour").uncheck()
    page.get_by_label("Your time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Search").click()
    expect(cards).to_have_count(2)
    expect(page.locator("#zone-note")).to_contain_text("Asia/Tokyo")
    expect(cards.nth(1)).to_contain_text("8 places left of 8")


@pytest.mark.parametrize("size", [(1280, 860), (390, 844)])
def test_the_catalogue_with_scripts_on_shows_one_copy_in_the_viewers_zone(
    demo: Demo, people: People, shot: Shot, size: tuple[int, int]
) -> None:
    """Scripts take over the server's list (never a second copy) and set the zone."""
    word, soon, _ = _groups(demo)
    page = people.page(width=size[0], height=size[1], timezone_id="America/New_York")
    page.goto(f"{demo.url}/?q={word}")
    expect(page.get_by_label("Your time zone")).to_have_value("America/New_York")
    expect(page.locator("#zone-note")).to_contain_text("America/New_York")
    cards = page.locator("#results li.group")
    expect(page.locator("#results:not([data-server-rendered])")).to_have_count(1)
    expect(cards).to_have_count(2)
    expect(page.locator(f'[data-group-id="{soon}"]')).to_have_count(1)
    expect(page.locator("#results")).not_to_contain_text("Hidden")

    page.get_by_label("Happening now").check()
    page.get_by_label("Starting within the hour").check()
    page.get_by_role("button", name="Search").click()
    expect(cards).to_have_count(1)
    assert "soon=1" in page.url and "tz=America%2FNew_York" in page.url
    shot(page, f"catalogue-{size[0]}", main=size[0] == 1280)
    assert people.errors == []


def test_the_organiser_picks_the_group_language_by_name(demo: Demo, people: People) -> None:
    """No code to know: the console lists languages by name, and the group is found by
    its language in the catalogue, shown by name there too."""
    word = f"plover{secrets.token_hex(3)}"
    page = people.page()
    sign_in(page, demo.url, *demo.organiser)
    page.get_by_role("button", name="New group").click()
    form = page.locator("#group-form")
    form.get_by_label("Name", exact=True).fill(f"Roda {word}")
    form.get_by_label("Language").select_option("pt-BR")
    expect(form.get_by_label("Language").locator("option:checked")).to_contain_text("Portug")
    form.get_by_role("button", name="Create group").click()
    expect(page.locator("#detail-name")).to_have_text(f"Roda {word}")

    page.goto(f"{demo.url}/?language=pt-br&q={word}")
    card = page.locator("#results li.group")
    expect(card).to_have_count(1)
    expect(card.locator(".badge.lang")).to_contain_text("Portuguese")
