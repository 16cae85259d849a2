"""A message's one control: the "React" menu (reactions, Report, facilitator tools)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def open_menu(msg: Any) -> Any:
    """Opens the message's menu with its "React" button; returns the menu."""
    msg.locator(".msg-more").click()
    menu = msg.get_by_role("menu")
    expect(menu).to_be_visible()
    return menu


def react(msg: Any, label: str) -> None:
    """Toggles a reaction from the menu ("React with love")."""
    open_menu(msg).get_by_role("menuitemcheckbox", name=label).click()


def report(msg: Any, reason: str = "harmful") -> None:
    """Reports the message from its menu, with a reason; waits for the thanks."""
    open_menu(msg).get_by_role("menuitem", name="Report").click()
    msg.get_by_label("Why report this?").select_option(reason)
    msg.get_by_role("button", name="Send report").click()
    expect(msg.locator(".report-form")).to_contain_text("Thank you")


def chip(msg: Any, emoji: str) -> Any:
    """The chip under the message for one reaction ("❤️ 2")."""
    return msg.locator(f'.react-chip[data-emoji="{emoji}"]')
