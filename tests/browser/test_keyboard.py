"""Joining and taking part with the keyboard alone, with a visible focus outline."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People
from tests.browser.steps import join, message, say

pytestmark = pytest.mark.browser


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Presses Tab until `selector` has focus, checking each stop shows an outline."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "() => { const el = document.activeElement;"
            " return el && el !== document.body ? getComputedStyle(el).outlineStyle : 'none'; }"
        )
        assert outline != "none", "every focus stop shows an outline"
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_keyboard_alone_joins_speaks_and_raises_a_hand(demo: Demo, people: People) -> None:
    """Tab to the name field, Enter to join, Tab to the message box, Enter to send,
    Space to raise a hand: no mouse, and every stop has a visible outline."""
    page = people.page()
    page.goto(demo.meeting_url)
    expect(page.locator("#join-view")).to_be_visible()
    tab_to(page, "#pseudonym")
    page.keyboard.type("Keys Only")
    page.keyboard.press("Enter")
    expect(page.locator("#room-view")).to_be_visible()
    expect(page.locator("#you-name")).to_have_text("Keys Only")

    tab_to(page, "#say")
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Enter")
    expect(message(page, "Typed without a mouse")).to_have_count(1)
    expect(page.locator("#say")).to_have_value("")

    tab_to(page, "#hand")
    page.keyboard.press("Space")
    expect(page.locator("#queue-position")).to_have_text("You are 1st in line.")
    expect(page.locator("#hand")).to_be_focused()


def test_keyboard_alone_reports_a_message_from_its_menu(demo: Demo, people: People) -> None:
    """From the message list's one Tab stop: Enter opens the message's menu, End goes
    to Report, Enter opens the form with the reason focused; Send with the keyboard,
    and focus comes back to the message. Escape in the form closes it the same way."""
    page = people.page()
    join(page, demo.meeting_url, "Keys Only")
    writer = people.page()
    join(writer, demo.meeting_url, "Loud Voice")
    say(writer, "Something hurtful")
    expect(message(page, "Something hurtful")).to_have_count(1)
    reported = message(page, "Something hurtful")

    tab_to(page, "li.msg")
    page.keyboard.press("Enter")
    expect(page.locator(".msg-menu")).to_be_visible()
    page.keyboard.press("End")
    expect(page.get_by_role("menuitem", name="Report")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".msg-menu")).to_have_count(0)
    reason = reported.get_by_label("Why report this?")
    expect(reason).to_be_focused()
    page.keyboard.press("Escape")
    expect(reported.locator(".report-form")).to_have_count(0)
    expect(reported.locator(".msg-more")).to_be_focused()

    page.keyboard.press("Enter")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    expect(reason).to_be_focused()
    reason.select_option("spam")
    page.keyboard.press("Tab")
    expect(reported.get_by_role("button", name="Send report")).to_be_focused()
    page.keyboard.press("Enter")
    expect(reported.locator(".report-form")).to_contain_text("Thank you")
    expect(reported.locator(".msg-more")).to_be_focused()
