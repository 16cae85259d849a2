"""The message guard in Chromium: a question before sending contact details, taking a
message back, and the note facilitators see on a masked message; axe on each at a
laptop's and a phone's size."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.api_steps import demo_group, organiser
from tests.browser.conftest import Demo, People, Shot
from tests.browser.message_steps import open_menu
from tests.browser.steps import join, message, say, sign_in

pytestmark = pytest.mark.browser
SIZES = {"laptop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}
DIALOG = "#guard-dialog"


@pytest.mark.parametrize("size", SIZES)
def test_contact_details_ask_before_they_are_sent(
    demo: Demo, people: People, shot: Shot, size: str
) -> None:
    ash = people.page(**SIZES[size])
    join(ash, demo.meeting_url, "Ash Tree")
    birch = people.page(**SIZES["laptop"])
    join(birch, demo.meeting_url, "Birch Leaf")

    # Editing keeps the text and the focus in the box, and sends nothing.
    say(ash, "call me on 07700 900123")
    dialog = ash.locator(DIALOG)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("This may identify you or someone else — send anyway?")
    expect(dialog).to_contain_text("It looks like a phone number.")
    expect(dialog.get_by_role("button", name="Edit message")).to_be_focused()
    shot(ash, f"guard-question-{size}", main=size == "laptop")
    dialog.get_by_role("button", name="Edit message").click()
    expect(dialog).to_be_hidden()
    expect(ash.locator("#say")).to_be_focused()
    expect(ash.locator("#say")).to_have_value("call me on 07700 900123")

    # Escape does the same, for an e-mail address sent with Enter.
    ash.locator("#say").fill("write to sam at gmail dot com")
    ash.locator("#say").press("Enter")
    expect(dialog).to_contain_text("It looks like an e-mail address.")
    ash.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(ash.locator("#say")).to_be_focused()
    expect(ash.locator("#say")).to_have_value("write to sam at gmail dot com")

    # Everyday numbers are not asked about.
    say(ash, "I have been sober 1000 days since 2019")
    expect(message(birch, "sober 1000 days")).to_be_visible()
    expect(dialog).to_be_hidden()
    assert "07700" not in birch.content() and "gmail" not in birch.content()

    # "Send anyway" sends it.
    say(ash, "my blog is example.org")
    expect(dialog).to_contain_text("It looks like a web address.")
    dialog.get_by_role("button", name="Send anyway").click()
    expect(message(birch, "my blog is example.org")).to_be_visible()
    expect(ash.locator("#say")).to_have_value("")


@pytest.mark.parametrize("size", SIZES)
def test_taking_a_message_back_withdraws_it_for_others(
    demo: Demo, people: People, shot: Shot, size: str
) -> None:
    ash = people.page(**SIZES[size])
    join(ash, demo.meeting_url, "Ash Tree")
    birch = people.page(**SIZES["laptop"])
    join(birch, demo.meeting_url, "Birch Leaf")
    say(ash, "I regret saying this")
    expect(message(birch, "I regret saying this")).to_be_visible()
    # Only your own messages offer it.
    theirs = open_menu(message(birch, "I regret saying this"))
    expect(theirs.get_by_role("menuitem", name="Take back your message")).to_have_count(0)
    birch.keyboard.press("Escape")

    mine = message(ash, "I regret saying this")
    open_menu(mine).get_by_role("menuitem", name="Take back your message").click()
    expect(birch.locator("#messages li.msg.deleted")).to_contain_text(
        "Message withdrawn by its author."
    )
    expect(ash.locator("#messages li.msg.deleted")).to_contain_text(
        "Message withdrawn by its author."
    )
    assert "I regret saying this" not in birch.content()
    shot(ash, f"guard-withdrawn-{size}", main=size == "laptop")


def test_a_facilitator_sees_that_a_word_was_masked(demo: Demo, people: People, shot: Shot) -> None:
    with organiser(demo) as api:
        group = demo_group(api, demo)
        body: dict[str, Any] = {"masked_words": ["idiot"], "links_from_facilitators_only": True}
        api.patch(f"/api/groups/{group}", json=body).raise_for_status()
    host = people.page(**SIZES["laptop"])
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**SIZES["phone"])
    join(ash, demo.meeting_url, "Ash Tree")

    say(ash, "what an IDIOT I was")
    masked = message(host, "what an ••• I was")
    expect(masked.locator(".badge.masked")).to_have_text("1 word masked")
    expect(message(ash, "what an ••• I was")).to_be_visible()
    expect(message(ash, "what an ••• I was").locator(".badge.masked")).to_have_count(0)
    assert "IDIOT" not in host.content()

    # A link from an attendee is refused, with the reason above the box.
    say(ash, "see www example com")
    ash.locator(DIALOG).get_by_role("button", name="Send anyway").click()
    expect(ash.locator("#room-error")).to_contain_text(
        "Only facilitators may post links in this group."
    )
    expect(message(host, "www example")).to_have_count(0)
    shot(host, "guard-masked-facilitator", main=True)
    shot(ash, "guard-link-refused-phone")


def test_an_organiser_sets_the_guard_in_the_console(demo: Demo, people: People, shot: Shot) -> None:
    page = people.page(**SIZES["laptop"])
    sign_in(page, demo.url, *demo.organiser)
    with organiser(demo) as api:
        group = demo_group(api, demo)
        name = api.get(f"/api/groups/{group}").json()["name"]
    page.locator("#group-list").get_by_role("button", name=name).click()
    page.get_by_role("button", name="Edit group").click()
    form = page.locator("#group-form")
    form.locator("summary", has_text="Room defaults").click()
    form.get_by_label("Only facilitators may post links").check()
    words = form.get_by_label("Words to mask in messages, one per line")
    words.fill("idiot\n" + "x" * 41)
    form.get_by_role("button", name="Save changes").click()
    expect(words).to_have_attribute("aria-invalid", "true")
    expect(form).to_contain_text("At most 40 characters.")
    shot(page, "guard-console-error", main=True)
    words.fill("idiot\n  Acme Clinic \nIDIOT\n")
    form.get_by_role("button", name="Save changes").click()
    expect(page.locator("#console-status")).to_contain_text("saved")
    with organiser(demo) as api:
        saved = api.get(f"/api/groups/{group}").json()
    assert saved["links_from_facilitators_only"] is True
    assert saved["masked_words"] == ["idiot", "Acme Clinic"]
    page.get_by_role("button", name="Edit group").click()
    expect(words).to_have_value("idiot\nAcme Clinic")
    expect(form.get_by_label("Only facilitators may post links")).to_be_checked()
