"""Before the room: the join page waits for the room to open, suggests names in the
room's language, the waiting room shows the guidelines and crisis lines, and the
console shows facilitators only what they may do."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.api_steps import new_group, organiser, schedule
from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import sign_in

pytestmark = pytest.mark.browser
ARABIC = re.compile(r"^[\u0600-\u06FF]+ [\u0600-\u06FF]+$")


def test_join_is_offered_only_once_the_room_opens(demo: Demo, people: People, shot: Shot) -> None:
    """A meeting three hours away: the page says when the room opens (relative and in
    local time) and its Join button is disabled, with the reason beside it."""
    with organiser(demo) as api:
        group_id = api.get(f"/api/meetings/{demo.meeting_id}").json()["group_id"]
        later = schedule(api, group_id, datetime.now(UTC) + timedelta(hours=3, minutes=20))
        opens_at = api.get(f"/api/meetings/{later}/public").json()["opens_at"]
    page = people.page(timezone_id="Europe/London")
    page.goto(f"{demo.url}/m/{later}")
    expect(page.locator("#join-view")).to_be_visible()
    local = page.evaluate(
        "(iso) => new Intl.DateTimeFormat('en-GB', {hour: '2-digit', minute: '2-digit'})"
        ".format(new Date(iso))",
        opens_at,
    )
    expect(page.locator("#join-state")).to_have_text(re.compile(r"^Opens in \d+ hours, at "))
    expect(page.locator("#join-state")).to_contain_text(local)
    expect(page.locator("#join-button")).to_be_disabled()
    expect(page.locator("#join-not-yet")).to_be_visible()
    expect(page.locator("#join-not-yet")).to_contain_text("when the room opens")
    expect(page.locator("#join-button")).to_have_accessible_description(
        re.compile("when the room opens")
    )
    shot(page, "join-not-open-yet")
    # The name can still be chosen meanwhile.
    page.locator("#suggest").click()
    expect(page.locator("#pseudonym")).not_to_have_value("")

    # The demo meeting, open now: Join is offered.
    page.goto(demo.meeting_url)
    expect(page.locator("#join-state")).to_have_text("Open now")
    expect(page.locator("#join-button")).to_be_enabled()
    expect(page.locator("#join-not-yet")).to_be_hidden()


def test_an_arabic_room_suggests_arabic_names_and_the_waiting_room_shows_support(
    demo: Demo, people: People, shot: Shot
) -> None:
    """An Arabic group with a waiting room: "Suggest a name" gives an Arabic name even
    on the English page, and whoever waits sees the group's guidelines and the
    crisis lines first, then the other resources."""
    with organiser(demo) as api:
        group_id = new_group(
            api, language="ar", lobby=True, guidelines="Listen without fixing.\nNo advice."
        )
        for kind, title in (("article", "Reading list"), ("crisis", "Night line")):
            resource = {"title": title, "url": "https://example.org/", "kind": kind}
            api.post(f"/api/groups/{group_id}/resources", json=resource).raise_for_status()
        meeting_id = schedule(api, group_id, datetime.now(UTC))
    page = people.page()
    page.goto(f"{demo.url}/m/{meeting_id}")
    expect(page.locator("#join-button")).to_be_enabled()
    for _ in range(3):
        page.locator("#suggest").click()
        expect(page.locator("#pseudonym")).to_have_value(ARABIC)
    page.locator("#join-button").click()
    expect(page.locator("#waiting-view")).to_be_visible()
    expect(page.locator("#waiting-guidelines")).to_have_text("Listen without fixing.\nNo advice.")
    support = page.locator("#waiting-resources li")
    expect(support).to_have_count(2)
    expect(support.first).to_contain_text("Night line")
    expect(support.first.locator(".badge.crisis")).to_be_visible()
    expect(support.last).to_contain_text("Reading list")
    shot(page, "waiting-room-support")
    name = page.locator("#waiting-name").inner_text()
    assert re.search(r"[\u0600-\u06FF]", name), name


def test_the_console_shows_facilitators_no_organiser_only_buttons(
    demo: Demo, people: People, shot: Shot
) -> None:
    """A facilitator reads their group's meetings, facilitators, invites and resources,
    but gets no Delete / Remove / Revoke / Edit button that the server would refuse
    after they confirmed; an organiser sees them."""
    with organiser(demo) as api:
        group_id = api.get(f"/api/meetings/{demo.meeting_id}").json()["group_id"]
        api.post(f"/api/groups/{group_id}/invites", json={}).raise_for_status()
    page = people.page()
    sign_in(page, demo.url, *demo.facilitator)
    expect(page.locator("#who-role")).to_have_text("Facilitator")
    expect(page.locator("#meeting-list li.row").first).to_be_visible()
    expect(page.locator("#meeting-list li.row").first.get_by_role("link")).to_be_visible()
    for area in ("#meeting-list", "#facilitator-list", "#invite-list", "#resource-list"):
        expect(page.locator(f"{area} button")).to_have_count(0)
    for control in ("#edit-group", "#new-group", "#meeting-form", "#invite-form"):
        expect(page.locator(control)).to_be_hidden()
    shot(page, "console-facilitator")

    boss = people.page()
    sign_in(boss, demo.url, *demo.organiser)
    expect(boss.locator("#meeting-list li.row").first.get_by_role("button")).to_have_text("Delete")
    expect(boss.locator("#invite-list button").first).to_be_visible()
    expect(boss.locator("#edit-group")).to_be_visible()
