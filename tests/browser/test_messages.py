"""One compact control per message: reactions and Report in a menu, your own reaction
shown and toggled, and one Tab stop for the whole message list."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People, Shot
from tests.browser.message_steps import chip, open_menu, react
from tests.browser.steps import join, message, say

pytestmark = pytest.mark.browser


def focused(page: Any) -> str:
    return str(
        page.evaluate(
            "() => { const el = document.activeElement;"
            " const li = el && el.closest('li.msg');"
            " return (el === li ? 'li:' : (el ? el.className + ':' : '')) +"
            " (li ? li.querySelector('.msg-text').textContent : ''); }"
        )
    )


def tabs_to(page: Any, selector: str, limit: int = 40) -> int:
    """How many focus stops from the top of the page (the skip link is the first) to
    `selector`."""
    page.locator(".skip-link").focus()
    for n in range(2, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return n
    raise AssertionError(f"{selector} not reached in {limit} Tabs")


def test_reactions_and_report_sit_behind_one_control_and_your_reaction_toggles(
    demo: Demo, people: People, shot: Shot
) -> None:
    """No row of reaction buttons: one "React" control per message. Reacting shows a
    "❤️ 1" chip to everyone, pressed for you only; the chip (or the menu again) takes
    it back, and the others see the chip go. The menu marks your reaction checked."""
    ash = people.page()
    join(ash, demo.meeting_url, "Ash Tree")
    lake = people.page()
    join(lake, demo.meeting_url, "Blue Lake")
    say(ash, "One small win today")
    mine = message(lake, "One small win today")
    theirs = message(ash, "One small win today")
    expect(mine).to_have_count(1)
    assert mine.locator("button").count() == 1, "one control per message"
    expect(mine.locator(".msg-more")).to_have_accessible_name(
        "React to or report the message from Ash Tree"
    )

    react(mine, "React with love")
    expect(chip(mine, "❤️")).to_have_attribute("aria-pressed", "true")
    expect(chip(mine, "❤️")).to_have_text("❤️ 1")
    expect(chip(theirs, "❤️")).to_have_attribute("aria-pressed", "false")
    expect(chip(theirs, "❤️")).to_have_accessible_name("React with love, 1 so far")
    menu = open_menu(mine)
    expect(menu.get_by_role("menuitemcheckbox", name="React with love")).to_have_attribute(
        "aria-checked", "true"
    )
    expect(menu.get_by_role("menuitemcheckbox", name="React with a hug")).to_have_attribute(
        "aria-checked", "false"
    )
    expect(menu.get_by_role("menuitem", name="Report")).to_be_visible()
    shot(lake, "message-menu-open")
    lake.keyboard.press("Escape")
    expect(menu).to_have_count(0)

    # Ash reacts too: two; Blue Lake's chip takes only Blue Lake's back.
    react(theirs, "React with love")
    expect(chip(mine, "❤️")).to_have_text("❤️ 2")
    chip(mine, "❤️").click()
    expect(chip(theirs, "❤️")).to_have_text("❤️ 1")
    expect(chip(mine, "❤️")).to_have_attribute("aria-pressed", "false")
    expect(chip(theirs, "❤️")).to_have_attribute("aria-pressed", "true")
    shot(ash, "message-reaction-chips")
    react(theirs, "React with love")
    expect(chip(mine, "❤️")).to_have_count(0)
    expect(chip(theirs, "❤️")).to_have_count(0)

    # Your own reaction survives a reload of the tab.
    react(mine, "React with thanks")
    expect(chip(mine, "🙏")).to_have_attribute("aria-pressed", "true")
    lake.reload()
    expect(lake.locator("#conn-status")).to_have_attribute("data-status", "in")
    again = message(lake, "One small win today")
    expect(chip(again, "🙏")).to_have_attribute("aria-pressed", "true")
    # Your own message offers no Report.
    own = open_menu(message(ash, "One small win today"))
    expect(own.get_by_role("menuitem", name="Report")).to_have_count(0)


def test_the_message_list_is_one_tab_stop_with_arrow_keys_and_a_keyboard_menu(
    demo: Demo, people: People
) -> None:
    """Tab from the top reaches the message box in the same handful of stops with one
    message or six; in the list, Up/Down move between messages, Enter opens the menu,
    arrows move in it, Enter reacts, Escape closes it and focus returns to the message."""
    page = people.page()
    join(page, demo.meeting_url, "Keys Only")
    say(page, "message number 1")
    expect(message(page, "message number 1")).to_have_count(1)
    few = tabs_to(page, "#say")
    for n in range(2, 7):
        say(page, f"message number {n}")
        expect(message(page, f"message number {n}")).to_have_count(1)
    many = tabs_to(page, "#say")
    assert many == few, "more messages add no Tab stops"
    assert many <= 10, f"{many} Tab stops to reach the message box"

    tabs_to(page, "li.msg")
    assert focused(page) == "li:message number 6", "the newest message holds the stop"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert focused(page) == "li:message number 4"
    page.keyboard.press("ArrowDown")
    assert focused(page) == "li:message number 5"
    page.keyboard.press("Home")
    assert focused(page) == "li:message number 1"
    page.keyboard.press("End")
    page.keyboard.press("ArrowUp")
    assert focused(page) == "li:message number 5"

    page.keyboard.press("Enter")
    item = page.locator(".msg-menu [role=menuitemcheckbox]").first
    expect(item).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("menuitemcheckbox", name="React with applause")).to_be_focused()
    page.keyboard.press("Enter")
    five = message(page, "message number 5")
    expect(chip(five, "👏")).to_have_attribute("aria-pressed", "true")
    expect(five.locator(".msg-more")).to_be_focused()

    page.keyboard.press("Enter")
    expect(page.locator(".msg-menu")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(".msg-menu")).to_have_count(0)
    expect(five.locator(".msg-more")).to_be_focused()
    page.keyboard.press("ArrowUp")
    assert focused(page) == "li:message number 4"
    page.keyboard.press("Space")
    expect(page.locator(".msg-menu")).to_be_visible()
    page.keyboard.press("Escape")
    # After Escape the message is where the list's one Tab stop is.
    assert tabs_to(page, "li.msg[tabindex='0']") >= 1
    assert focused(page) == "li:message number 4"
