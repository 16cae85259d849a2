"""Joining and taking part with the keyboard alone, with a visible focus outline."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People
from tests.browser.steps import message

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
