"""A newcomer runs `hearth serve --demo` through its shipped format from the
facilitator's screen alone: Start, then Next through every part, each part changing
the room as it says (a pinned reading, a go-around, hands open, hands closed)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import join, sign_in

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def test_the_demo_meeting_runs_through_the_check_in_format(
    demo: Demo, people: People, shot: Shot
) -> None:
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**PHONE)
    join(ash, demo.meeting_url, "Ash Tree")
    expect(host.locator("#participant-count")).to_have_text("2")

    title = host.locator("#agenda-title")
    expect(title).to_have_text("Peer-support check-in: not started yet")
    expect(ash.locator("#agenda-title")).to_have_text("Peer-support check-in: not started yet")
    expect(ash.locator("#agenda-next")).to_be_hidden()  # only facilitators move the room on
    next_part = host.locator("#agenda-next")
    expect(next_part).to_have_text("Start: Welcome and ground rules")
    shot(host, "demo-agenda-not-started", main=True)
    # In Arabic the Latin name of the format keeps its colon on the right side of it.
    ash.locator("#lang").select_option("ar")
    expect(ash.locator("#agenda-title")).to_have_text("Peer-support check-in: لم يبدأ بعد")
    expect(ash.locator("#agenda-title bdi")).to_have_text("Peer-support check-in")
    ash.locator("#lang").select_option("en")

    next_part.click()
    expect(title).to_have_text("1 of 5: Welcome and ground rules")
    expect(ash.locator("#agenda-title")).to_have_text("1 of 5: Welcome and ground rules")
    expect(ash.locator("#agenda-reading-text")).to_contain_text("Welcome, and thank you for coming")
    expect(ash.locator("#agenda-time")).to_have_text("5 min left")
    ash.locator("#hand").click()
    expect(ash.locator("#room-error")).to_have_text("Hands open a little later in the meeting.")
    shot(ash, "demo-agenda-reading-phone", main=True)

    expect(next_part).to_have_text("Next: Check-in round")
    next_part.click()
    expect(ash.locator("#agenda-title")).to_have_text("2 of 5: Check-in round")
    expect(ash.locator("#agenda-reading")).to_be_hidden()
    expect(ash.locator("#floor-text")).to_be_visible()  # the round gives someone the floor
    expect(host.locator("#messages")).to_contain_text("A go-around has started")

    next_part.click()
    expect(ash.locator("#agenda-title")).to_have_text("3 of 5: Open sharing")
    expect(host.locator("#messages")).to_contain_text("The go-around has ended")
    ash.locator("#hand").click()
    expect(ash.locator("#hand")).to_have_attribute("aria-pressed", "true")
    expect(host.locator("#queue-count")).to_have_text("1")

    next_part.click()
    expect(ash.locator("#agenda-title")).to_have_text("4 of 5: Short break")
    next_part.click()
    expect(ash.locator("#agenda-title")).to_have_text("5 of 5: Closing")
    expect(ash.locator("#agenda-reading-text")).to_contain_text("Thank you, everyone")
    expect(next_part).to_be_hidden()  # the last part: nothing after it
    current = host.locator("#agenda-list li[aria-current=step]")
    expect(current).to_contain_text("Closing")
    shot(host, "demo-agenda-closing", main=True)
