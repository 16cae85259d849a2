"""A private line in Chromium: a facilitator answers a help request privately from its
alert; the asker sees it marked private, another attendee does not; the asker messages
the facilitators from the help dialog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People
from tests.browser.steps import join, say, sign_in

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 860}


def test_a_facilitator_answers_a_help_request_privately(demo: Demo, people: People) -> None:
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**LAPTOP)
    join(ash, demo.meeting_url, "Ash Tree")
    birch = people.page(**LAPTOP)
    join(birch, demo.meeting_url, "Birch Leaf")
    expect(host.locator("#participant-count")).to_have_text("3")

    ash.locator("#help-open").click()
    ash.locator("#help-note").fill("Today is a hard day")
    ash.get_by_role("button", name="Tell the facilitators").click()
    expect(ash.locator("#help-status")).to_contain_text("The facilitators have been told")

    alert = host.locator("#alerts li.help", has_text="Today is a hard day")
    expect(alert).to_be_visible()
    expect(alert.get_by_role("button", name="Claim this alert about Ash Tree")).to_be_visible()
    alert.get_by_role("button", name="Answer privately to Ash Tree").click()
    host.get_by_label("Private answer to Ash Tree").fill("I am here; stay after the meeting?")
    alert.get_by_role("button", name="Send privately").click()

    private = ash.locator("#messages li.whisper", has_text="stay after the meeting")
    expect(private).to_contain_text("Private from Host Rowan")
    expect(host.locator("#messages li.whisper", has_text="stay after")).to_contain_text(
        "Private to Ash Tree"
    )
    expect(alert).to_contain_text("You are taking care of this")  # answering claimed it

    # The asker writes back from the help dialog, to the facilitators as a group.
    ash.locator("#help-open").click()
    ash.locator("#help-note").fill("Yes, thank you")
    ash.get_by_role("button", name="Message the facilitators").click()
    expect(host.locator("#messages li.whisper", has_text="Yes, thank you")).to_contain_text(
        "Private to facilitators"
    )

    # Birch sees what is said to everyone, and no private line.
    say(host, "Welcome, everyone")
    expect(birch.locator("#messages li.msg", has_text="Welcome, everyone")).to_be_visible()
    expect(birch.locator("#messages li.whisper")).to_have_count(0)
    assert "stay after" not in birch.content()

    alert.get_by_role("button", name="Done").click()
    expect(host.locator("#alerts li.help")).to_have_count(0)


def test_a_facilitator_writes_privately_to_someone_in_the_waiting_room(
    demo: Demo, people: People
) -> None:
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    host.locator("summary", has_text="Room settings").click()
    host.get_by_label("Waiting room: admit people one by one").check()
    host.get_by_role("button", name="Save settings").click()
    expect(host.locator("#settings-status")).to_have_text("Settings saved.")

    robin = people.page(**LAPTOP)
    robin.goto(demo.meeting_url)
    robin.locator("#pseudonym").fill("Late Robin")
    robin.locator("#join-button").click()
    expect(robin.locator("#waiting-view")).to_be_visible()

    host.locator("#tab-alerts").click()
    waiting = host.locator("#lobby li.lobby-item", has_text="Late Robin")
    waiting.get_by_role("button", name="Write privately to Late Robin").click()
    host.get_by_label("Private answer to Late Robin").fill("Welcome, we start in two minutes")
    waiting.get_by_role("button", name="Send privately").click()
    note = robin.locator("#waiting-whispers li", has_text="we start in two minutes")
    expect(note).to_contain_text("Private from Host Rowan")
    expect(host.locator("#messages li.whisper", has_text="two minutes")).to_contain_text(
        "Private to Late Robin"
    )
    waiting.get_by_role("button", name="Admit").click()
    expect(robin.locator("#room-view")).to_be_visible()


def test_a_reloaded_facilitator_still_sees_the_pending_help_request(
    demo: Demo, people: People
) -> None:
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**LAPTOP)
    join(ash, demo.meeting_url, "Ash Tree")
    ash.locator("#help-open").click()
    ash.locator("#help-note").fill("Please call on me later")
    ash.get_by_role("button", name="Tell the facilitators").click()
    alert = host.locator("#alerts li.help", has_text="Please call on me later")
    expect(alert).to_be_visible()
    alert.get_by_role("button", name="Claim this alert about Ash Tree").click()
    expect(alert).to_contain_text("You are taking care of this")

    host.reload()
    expect(host.locator("#conn-status")).to_have_attribute("data-status", "in")
    alert = host.locator("#alerts li.help", has_text="Please call on me later")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("You are taking care of this")
    alert.get_by_role("button", name="Done").click()
    expect(host.locator("#alerts li.help")).to_have_count(0)
    host.reload()
    expect(host.locator("#conn-status")).to_have_attribute("data-status", "in")
    expect(host.locator("#room-view")).to_be_visible()
    expect(host.locator("#alerts li.help")).to_have_count(0)
