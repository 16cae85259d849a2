"""A whole facilitated meeting, one browser context per person."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People, Shot
from tests.browser.message_steps import react, report
from tests.browser.steps import join, message, participant, person_action, say, sign_in

pytestmark = pytest.mark.browser
TIMER = re.compile(r"^\d+:\d\d left$")


def test_a_facilitated_meeting_from_start_to_end(demo: Demo, people: People, shot: Shot) -> None:
    """A facilitator and three attendees: hands, the floor and its timer, a share,
    crosstalk refused, reactions, mute, a report and a deletion, a help request, a
    dropped network resumed without losing anything, a go-around, statistics, the
    lobby, a removal, and the end."""
    host = people.page(height=1100)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    expect(host.locator("#facilitator-panel")).to_be_visible()

    ash = people.page()
    ash.goto(demo.meeting_url)
    expect(ash.locator("#join-guidelines")).not_to_be_empty()
    expect(ash.locator("#join-retention")).not_to_be_empty()
    expect(ash.locator("#join-resources li").first).to_contain_text("Crisis line")
    shot(ash, "join", main=True)
    join(ash, demo.meeting_url, "Ash Tree")
    lake = people.page()
    join(lake, demo.meeting_url, "Blue Lake")
    phone = people.page(width=375, height=812)
    third = join(phone, demo.meeting_url)  # no name asked for: the server picks one
    assert third
    everyone = (host, ash, lake, phone)
    attendees = (ash, lake, phone)
    for page in everyone:
        expect(page.locator("#participant-count")).to_have_text("4")

    # The organiser pins a resource mid-meeting: it shows up at once, without a reload.
    with httpx.Client(base_url=demo.url) as api:
        login = dict(zip(("username", "password"), demo.organiser, strict=True))
        api.post("/api/auth/login", json=login).raise_for_status()
        group_id = api.get(f"/api/meetings/{demo.meeting_id}").json()["group_id"]
        pinned = {"title": "Grounding exercise", "url": "https://example.org/", "kind": "article"}
        api.post(f"/api/groups/{group_id}/resources", json=pinned).raise_for_status()
    for page in attendees:
        expect(page.locator("#resources li").last).to_contain_text("Grounding exercise")
    expect(ash.locator("#resources li").first).to_contain_text("Crisis line")

    # Hands and the queue.
    ash.locator("#hand").click()
    expect(ash.locator("#queue-position")).to_have_text("You are 1st in line.")
    lake.locator("#hand").click()
    expect(lake.locator("#queue-position")).to_have_text("You are 2nd in line.")
    expect(host.locator("#queue li")).to_have_count(2)

    # The floor, its timer and a share set apart.
    host.locator("#grant-next").click()
    expect(ash.locator("#floor-text")).to_have_text("You have the floor")
    for page in (host, lake, phone):
        expect(page.locator("#floor-text")).to_have_text("Ash Tree is sharing")
    expect(lake.locator("#queue-position")).to_have_text("You are 1st in line.")
    timer = phone.locator("#floor-timer")
    expect(timer).to_have_text(TIMER)
    before = timer.inner_text()
    expect(timer).not_to_have_text(before, timeout=3000)
    say(ash, "This week I finally asked for help.")
    for page in everyone:
        expect(message(page, "finally asked")).to_have_class(re.compile(r"\bshare\b"))

    # Crosstalk is off: the listener's message box says why it is closed, before typing.
    expect(phone.locator("#say")).to_be_disabled()
    expect(phone.locator("#composer-note")).to_contain_text(
        "Ash Tree is sharing and crosstalk is off"
    )

    # Reactions are allowed during a share.
    react(message(phone, "finally asked"), "React with love")
    loved = message(ash, "finally asked").get_by_role("button", name="React with love, 1 so far")
    expect(loved.locator(".count")).to_have_text("1")
    shot(phone, "room-attendee-phone")
    shot(lake, "meeting-attendee")
    shot(host, "meeting-facilitator")

    # "I'm done", then the facilitator picks someone, then takes the floor back.
    ash.locator("#yield").click()
    for page in everyone:
        expect(page.locator("#floor-line")).to_be_hidden()
    host.locator("#queue").get_by_role("button", name="Give floor to Blue Lake").click()
    expect(lake.locator("#floor-text")).to_contain_text("You have the floor")
    host.locator("#revoke").click()
    expect(lake.locator("#floor-line")).to_be_hidden()

    # Mute and unmute.
    person_action(host, third, f"Mute {third}")
    expect(phone.locator("#composer-note")).to_contain_text("muted you")
    expect(phone.locator("#hand")).to_be_disabled()
    expect(phone.locator("#say")).to_be_disabled()
    person_action(host, third, f"Unmute {third}")
    expect(phone.locator("#hand")).to_be_enabled()
    expect(phone.locator("#say")).to_be_enabled()

    # A report reaches the facilitators (text and reason, not the reporter); they delete.
    say(lake, "You are all doing it wrong.")
    report(message(phone, "doing it wrong"))
    alert = host.locator("#alerts li.report")
    expect(alert).to_contain_text("You are all doing it wrong.")
    expect(alert).to_contain_text("Harmful or abusive")
    # A second report of the same message raises the count; it adds no second alert.
    report(message(ash, "doing it wrong"))
    expect(alert).to_contain_text("reported by 2 people")
    expect(alert).to_have_count(1)
    alert.get_by_role("button", name="Delete").click()
    for page in everyone:
        expect(message(page, "doing it wrong")).to_have_count(0)
        expect(message(page, "removed by a facilitator")).to_have_count(1)

    # "I need help" is private to the facilitators.
    phone.locator("#help-open").click()
    phone.locator("#help-note").fill("I am finding today hard")
    phone.get_by_role("button", name="Tell the facilitators").click()
    expect(phone.locator("#help-status")).to_contain_text("The facilitators have been told")
    expect(host.locator("#alerts li.help")).to_contain_text("I am finding today hard")
    expect(ash.locator("#alerts li")).to_have_count(0)

    # The network drops; the page resumes by itself and catches up.
    lake.context.set_offline(True)
    expect(lake.locator("#conn-status")).to_have_attribute(
        "data-status", re.compile("offline|reconnecting")
    )
    say(ash, "Said while Blue Lake was away")
    expect(message(host, "Said while Blue Lake was away")).to_have_count(1)
    lake.context.set_offline(False)
    expect(lake.locator("#conn-status")).to_have_attribute("data-status", "in")
    expect(message(lake, "Said while Blue Lake was away")).to_have_count(1)
    expect(lake.locator("#you-name")).to_have_text("Blue Lake")
    expect(participant(host, "Blue Lake")).to_have_count(1)
    expect(host.locator("#participant-count")).to_have_text("4")
    say(lake, "Back again")
    expect(message(ash, "Back again")).to_have_count(1)

    # A go-around: everyone in turn; passing hands the floor on.
    host.locator("#round-toggle").click()
    expect(ash.locator("#round-banner")).to_contain_text("Go-around")
    expect(ash.locator("#pass")).to_be_visible()
    ash.locator("#pass").click()
    expect(lake.locator("#floor-text")).to_contain_text("You have the floor")
    lake.locator("#yield").click()
    expect(phone.locator("#floor-text")).to_contain_text("You have the floor")
    host.locator("#round-toggle").click()
    expect(ash.locator("#round-banner")).to_be_hidden()

    # Speaker statistics.
    host.locator("summary", has_text="Speaker statistics").click()
    host.locator("#stats-refresh").click()
    expect(host.locator(".stats-table tbody tr", has_text="Ash Tree")).to_have_count(1)

    # The lobby: new arrivals wait until a facilitator admits them.
    host.locator("summary", has_text="Room settings").click()
    host.get_by_label("Waiting room: admit people one by one").check()
    host.get_by_role("button", name="Save settings").click()
    expect(host.locator("#settings-status")).to_have_text("Settings saved.")
    late = people.page()
    late.goto(demo.meeting_url)
    late.locator("#pseudonym").fill("Late Comer")
    late.locator("#join-button").click()
    expect(late.locator("#waiting-view")).to_be_visible()
    shot(late, "waiting-room")
    host.get_by_role("button", name="Admit Late Comer").click()
    expect(late.locator("#room-view")).to_be_visible()
    expect(host.locator("#participant-count")).to_have_text("5")

    # Removal, confirmed in a dialog; the removed person cannot stay.
    person_action(host, "Late Comer", "Remove Late Comer from the meeting")
    expect(host.locator("#confirm-dialog")).to_be_visible()
    host.locator("#confirm-yes").click()
    expect(late.locator("#problem-title")).to_have_text("You were removed from this meeting")
    expect(late.locator("#messages li")).to_have_count(0)
    expect(host.locator("#participant-count")).to_have_text("4")

    # The end: everyone sees it, and the conversation leaves every page.
    host.locator("#end-meeting").click()
    host.locator("#confirm-yes").click()
    for page in attendees:
        expect(page.locator("#ended-view")).to_be_visible()
        expect(page.locator("#messages li")).to_have_count(0)
    shot(ash, "meeting-ended")
