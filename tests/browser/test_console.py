"""Organisers in the console; what they create shows up for the public."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import join, sign_in

pytestmark = pytest.mark.browser
MEETING_LINK = re.compile(r"^/m/[\w-]+$")


def next_weekday(weekday: int, after_days: int = 3) -> date:
    day = date.today() + timedelta(days=after_days)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def test_organiser_creates_a_weekly_group_and_finds_it_in_the_catalogue(
    demo: Demo, people: People, shot: Shot
) -> None:
    """Sign in, create a group, schedule ten Tuesdays at 19:00 London time, find it in the
    catalogue with its times in the viewer's own zone (New York here)."""
    demo.add_user("olive", "organiser", "a long passphrase")
    page = people.page(timezone_id="America/New_York")

    page.goto(f"{demo.url}/console")
    page.wait_for_url("**/login?next=*")
    shot(page, "login")
    page.locator("#username").fill("olive")
    page.locator("#password").fill("wrong password")
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator("#login-form .form-summary")).to_contain_text("do not match")
    page.locator("#password").fill("a long passphrase")
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url("**/console")

    word = f"kestrel{secrets.token_hex(3)}"
    name = f"Carers Evening Circle {word}"
    page.get_by_role("button", name="New group").click()
    form = page.locator("#group-form")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Description").fill("Peer support for unpaid carers, every Tuesday.")
    form.get_by_label("Topics").fill("carers, evening")
    form.get_by_label("Time zone").select_option("Europe/London")
    form.get_by_label("Open: anyone with the link").check()
    expect(form.get_by_label("Listed in the public catalogue")).to_be_checked()
    form.get_by_role("button", name="Create group").click()
    expect(page.locator("#detail-name")).to_have_text(name)
    expect(page.locator("#console-status")).to_contain_text("created")

    tuesday = next_weekday(1)
    meetings = page.locator("#meeting-form")
    meetings.get_by_label("Starts").fill(f"{tuesday.isoformat()}T19:00")
    expect(meetings.get_by_label("Time zone")).to_have_value("Europe/London")
    meetings.get_by_label("Length (minutes)").fill("90")
    meetings.get_by_label("Repeats").select_option(label="Every week")
    meetings.get_by_label("Number of meetings").fill("10")
    meetings.get_by_role("button", name="Schedule").click()
    expect(page.locator("#console-status")).to_contain_text("10 meetings scheduled")
    expect(page.locator("#meeting-list li.row")).to_have_count(10)
    shot(page, "console", main=True)

    page.goto(f"{demo.url}/")
    page.get_by_label("Words").fill(word)
    page.get_by_role("button", name="Search").click()
    card = page.locator("#results li.group", has_text=name)
    expect(card).to_have_count(1)
    expect(card.locator(".badge.open")).to_have_text("Open to all")
    expect(page.locator("#zone-note")).to_contain_text("America/New_York")
    london = datetime.combine(tuesday, datetime.min.time()).replace(
        hour=19, tzinfo=ZoneInfo("Europe/London")
    )
    viewer_time = london.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
    first = card.locator(".meeting-item").first
    expect(first.locator("time")).to_contain_text(viewer_time)
    expect(first.get_by_role("link", name="Join")).to_have_attribute("href", MEETING_LINK)
    calendar = card.get_by_role("link", name=f"Add to calendar: {name}")
    href = calendar.get_attribute("href")
    assert href is not None and href.endswith("/calendar.ics")
    feed = page.request.get(f"{demo.url}{href}" if href.startswith("/") else href)
    assert feed.ok and "BEGIN:VEVENT" in feed.text()
    shot(page, "catalogue", main=True)

    page.goto(f"{demo.url}/?topic=carers&language=en")
    expect(page.locator("#results li.group", has_text=name)).to_have_count(1)
    page.goto(f"{demo.url}/?q={word}&language=ar")
    expect(page.locator("#results-status")).to_contain_text("No groups match")


def test_invite_link_carries_the_code_to_the_room(demo: Demo, people: People, shot: Shot) -> None:
    """A closed, listed group's invite link opens the group page; the code rides along in
    this tab (never in a URL sent to the server) and lets the attendee straight in."""
    organiser = people.page()
    sign_in(organiser, demo.url, *demo.organiser)
    organiser.get_by_role("button", name="New group").click()
    form = organiser.locator("#group-form")
    form.get_by_label("Name", exact=True).fill("Closed circle")
    form.get_by_label("Closed: invite only").check()
    form.get_by_role("button", name="Create group").click()
    expect(organiser.locator("#detail-name")).to_have_text("Closed circle")

    zone = "Europe/Berlin"
    soon = (datetime.now(ZoneInfo(zone)) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    meetings = organiser.locator("#meeting-form")
    meetings.get_by_label("Starts").fill(soon)
    meetings.get_by_label("Time zone").select_option(zone)
    meetings.get_by_role("button", name="Schedule").click()
    expect(organiser.locator("#console-status")).to_contain_text("1 meeting scheduled")

    organiser.get_by_role("button", name="Create invite").click()
    link = organiser.locator("#new-invite-url")
    expect(link).to_have_value(re.compile(r"/g/[\w-]+#invite="))
    invite_url = link.input_value()
    shot(organiser, "console-invite")

    requested: list[str] = []
    attendee = people.page()
    attendee.on("request", lambda request: requested.append(request.url))
    attendee.goto(invite_url)
    expect(attendee.locator("#invite-banner")).to_be_visible()
    assert "#invite=" not in attendee.url, "the code is taken out of the address bar"
    shot(attendee, "group-invite")
    attendee.locator("#group-meetings a.button").first.click()
    expect(attendee.locator("#join-view")).to_be_visible()
    expect(attendee.locator("#invite-field")).to_be_visible()
    code = invite_url.split("#invite=", 1)[1]
    expect(attendee.locator("#invite")).to_have_value(code)
    name = join(attendee, attendee.url, "Invited Guest")
    assert name == "Invited Guest"
    assert not any(code in url for url in requested), "the invite code reached a URL"
