"""Every selector the room tests of issue 11 use, in one place, to follow the room
page's markup (static/meeting.html) when it changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.sync_api import expect


@dataclass(frozen=True)
class RoomUI:
    """Every selector these tests use, in one place, to follow the room page's markup."""

    room: str = "#room-view"
    join: str = "#join-view"
    you: str = "#you-name"
    connection: str = "#conn-status"
    composer: str = "#composer"
    message_box: str = "#say"
    send: str = "#composer [type=submit]"
    done: str = "#yield"
    hand: str = "#hand"
    help: str = "#help-open"
    round_toggle: str = "#round-toggle"
    participant_count: str = "#participant-count"
    tabs: str = "[role=tab]"
    # Where an alert can show: a toast, or the alerts list; and its count badges.
    alert_places: str = "#toasts, #alerts"
    alert_badges: str = "#alert-count, #tab-alerts-count"
    alerts: str = "#alerts"
    waiting: str = "#waiting-view"
    help_dialog: str = "#help-dialog"


UI = RoomUI()


def in_viewport(page: Any, locator: Any) -> bool:
    """Whether the element's whole box lies inside the viewport, as it stands."""
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(
        box
        and box["width"] > 0
        and box["height"] > 0
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"] + 0.5
        and box["y"] + box["height"] <= size["height"] + 0.5
    )


def page_does_not_scroll(page: Any) -> None:
    height = page.evaluate(
        "() => [document.scrollingElement.scrollHeight, window.innerHeight,"
        " document.scrollingElement.scrollTop]"
    )
    assert height[0] <= height[1], f"the page scrolls: {height[0]} px tall in {height[1]}"
    assert height[2] == 0, "the page has been scrolled"


def message_box_in_view(page: Any, who: str) -> None:
    """The message box is on screen and the page itself does not scroll."""
    box = page.locator(UI.message_box)
    expect(box).to_be_visible()
    assert in_viewport(page, box), f"{who}: the message box is off screen"
    assert in_viewport(page, page.locator(UI.composer)), f"{who}: the composer is off screen"
    page_does_not_scroll(page)


def reach(page: Any, selector: str) -> Any:
    """The element, made visible: on a phone it may sit behind a tab."""
    target = page.locator(selector)
    if target.is_visible():
        return target
    tabs = page.locator(UI.tabs)
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        if tab.is_visible():
            tab.click()
            if target.is_visible():
                return target
    expect(target).to_be_visible()
    return target
