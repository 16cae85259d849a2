"""What people do in the browser, as small reusable steps."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def sign_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url("**/console")


def join(page: Any, meeting_url: str, pseudonym: str = "", *, facilitator: bool = False) -> str:
    """Joins from the meeting's page; returns the pseudonym the room gave us."""
    page.goto(meeting_url)
    expect(page.locator("#join-view")).to_be_visible()
    if pseudonym:
        page.locator("#pseudonym").fill(pseudonym)
    page.locator("#join-facilitator" if facilitator else "#join-button").click()
    expect(page.locator("#room-view")).to_be_visible()
    expect(page.locator("#conn-status")).to_have_attribute("data-status", "in")
    name: str = page.locator("#you-name").inner_text()
    return name


def say(page: Any, text: str) -> None:
    page.locator("#say").fill(text)
    page.locator("#composer button[type=submit]").click()


def message(page: Any, text: str) -> Any:
    return page.locator("#messages li.msg", has_text=text)


def participant(page: Any, name: str) -> Any:
    return page.locator("#participants li", has=page.locator(".name", has_text=name))


def person_action(page: Any, name: str, action: str) -> None:
    """A facilitator picks `action` (its accessible name, e.g. "Mute Sam") from the
    person's menu in the people list."""
    page.get_by_role("button", name=f"Actions for {name}", exact=True).click()
    page.get_by_role("menu", name=f"Actions for {name}").get_by_role(
        "menuitem", name=action
    ).click()
