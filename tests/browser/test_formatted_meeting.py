"""One meeting's whole story in Chromium: the organiser builds the format in the
console and makes it the group's default, the facilitator runs the meeting through
every part, an attendee answers the check-in poll and writes a commitment, and at the
group's next meeting that browser asks how it went; the words never reach the server."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.api_steps import demo_group, organiser, schedule
from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import join, sign_in
from tests.browser.test_commitments import Outgoing

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 860}
FIVE_PARTS = [
    "Welcome and purpose",
    "Check-in round",
    "Setting the agenda",
    "Working time",
    "Closing and commitments",
]


def test_a_format_built_in_the_console_runs_the_meeting_and_its_commitment_returns(
    demo: Demo, people: People, shot: Shot
) -> None:
    org = people.page(**LAPTOP)
    sign_in(org, demo.url, *demo.organiser)
    org.get_by_role("button", name="Demo circle").click()
    formats = org.locator("section[aria-labelledby=formats-title]")
    formats.get_by_role("button", name="New from template: Recovery meeting, five parts").click()
    editor = org.locator("#format-form")
    editor.locator("#segment-list > li").nth(3).get_by_label("Minutes (1–180)").fill("25")
    editor.get_by_role("button", name="Save format").click()
    expect(org.locator("#console-status")).to_contain_text("saved")
    org.get_by_role("button", name="Edit group").click()
    group_form = org.locator("#group-form")
    group_form.get_by_label("Default format").select_option(label="Recovery meeting, five parts")
    group_form.get_by_role("button", name="Save changes").click()
    expect(formats.locator("#format-list")).to_contain_text("Group default")

    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**LAPTOP)
    outgoing = Outgoing(ash)
    join(ash, demo.meeting_url, "Ash Tree")
    expect(ash.locator("#agenda-title")).to_have_text(
        "Recovery meeting, five parts: not started yet"
    )
    outline = ash.locator("#agenda-list li")
    expect(outline).to_have_count(5)
    expect(outline.nth(3)).to_contain_text("25 min")

    next_part = host.locator("#agenda-next")
    for index, title in enumerate(FIVE_PARTS):
        expect(next_part).to_have_text(f"{'Next' if index else 'Start'}: {title}")
        next_part.click()
        expect(ash.locator("#agenda-title")).to_have_text(f"{index + 1} of 5: {title}")
        if title == "Check-in round":
            expect(ash.locator("#messages")).to_contain_text("A go-around has started")
        if title == "Setting the agenda":
            host.get_by_role("button", name="Start a poll").click()
            host.get_by_role("button", name="How are you arriving today? (1–5)").click()
            poll = ash.locator("#poll-card")
            poll.get_by_role("button", name="4 · Good").click()
            expect(poll).to_contain_text("Your answer: 4 · Good")
            host.locator("#poll-card").get_by_role("button", name="Close poll").click()
            expect(poll.locator(".poll-results")).to_contain_text("1 of 1 chose 4 · Good")
    expect(next_part).to_be_hidden()

    card = ash.locator("#commitment-card")
    expect(card.get_by_role("heading", name="Your commitment for the week")).to_be_visible()
    words = f"Walk after dinner three times {secrets.token_hex(5)}"
    card.get_by_label("What will you do before the next meeting?").fill(words)
    card.get_by_role("button", name="Save in this browser").click()
    expect(ash.locator("#commitment-status")).to_contain_text("Saved in this browser")
    shot(ash, "formatted-meeting-closing", main=True)

    with organiser(demo) as api:
        next_meeting = schedule(api, demo_group(api, demo), datetime.now(UTC))
    join(ash, f"{demo.url}/m/{next_meeting}", "Ash Tree")
    card = ash.locator("#commitment-card")
    expect(card).to_contain_text(f"Last time you wrote: “{words}”.")
    expect(card).to_contain_text("How did it go?")
    assert not outgoing.holds(words.split()[-1])
    assert words.split()[-1] not in demo.server.log()
