"""A removal sticks, honestly: the removed browser is kept out of the group's meetings
for the group's keep_out_days, even after a reload that cleared sessionStorage, and
says so in those words; an organiser sees how many are kept out and can lift them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People
from tests.browser.steps import join, participant, person_action, sign_in

pytestmark = pytest.mark.browser


def test_a_removed_browser_that_reloads_is_refused_with_the_honest_message(
    demo: Demo, people: People
) -> None:
    host = people.page()
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)

    gone = people.page()
    join(gone, demo.meeting_url, "Gone Soon")
    expect(participant(host, "Gone Soon")).to_have_count(1)
    person_action(host, "Gone Soon", "Remove Gone Soon from the meeting")
    host.locator("#confirm-yes").click()
    expect(gone.locator("#problem-title")).to_have_text("You were removed from this meeting")
    expect(gone.locator("#problem-text")).to_contain_text(
        "You were removed. This browser is kept out of this group for 7 days."
    )

    # A reload, with this tab's storage cleared too, and a new name: still kept out.
    gone.evaluate("() => sessionStorage.clear()")
    gone.reload()
    expect(gone.locator("#join-view")).to_be_visible()
    gone.locator("#pseudonym").fill("Someone Else")
    gone.locator("#join-button").click()
    expect(gone.locator("#problem-title")).to_have_text(
        "This browser is kept out of this group for now"
    )
    expect(gone.locator("#problem-text")).to_contain_text("for 7 days from the removal")
    expect(gone.locator("#room-view")).to_be_hidden()
    stored = gone.evaluate("() => JSON.stringify(localStorage)")
    assert "hearth.device" in stored

    # The organiser sees a count, never who, and lifts them all.
    console = people.page()
    sign_in(console, demo.url, *demo.organiser)
    count = console.locator("#keep-out-count")
    expect(count).to_contain_text("1 browser is kept out of this group")
    console.locator("#lift-keep-outs").click()
    console.locator("#confirm-yes").click()
    expect(count).to_contain_text("No browser is kept out")
    expect(console.locator("#lift-keep-outs")).to_be_hidden()

    join(gone, demo.meeting_url, "Back Again")
    expect(participant(host, "Back Again")).to_have_count(1)
