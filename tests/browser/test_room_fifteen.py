"""Issue 11, "Done when": a meeting of fifteen, on a laptop (1280×860) and on a phone
(390×844).

One facilitator and three attendees in Chromium, eleven more attendees on plain
WebSockets (tests/browser/crowd.py). A go-around passes through all fourteen attendees
with every browser page's message box in view and no page scrolling; a reload, before
the round and while holding the floor, resumes the same participant; a help request
reaches the facilitator on screen, without scrolling; axe-core checks each state.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People, Shot
from tests.browser.crowd import Crowd, event
from tests.browser.room_ui import UI, in_viewport, message_box_in_view, page_does_not_scroll, reach
from tests.browser.steps import join, message, sign_in

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": (1280, 860), "phone": (390, 844)}
BOT_NAMES = "Alder Birch Cedar Damson Elm Fir Gorse Hazel Ivy Juniper Larch"

# The page's own text when a name is held by someone else.
NAME_TAKEN = re.compile(r"already in use", re.IGNORECASE)
# The tab's title counts the alerts waiting: "(1) Demo meeting · Hearth" or the like.
COUNT_ONE = re.compile(r"(^|\D)1(\D|$)")


def shown_without_scrolling(page: Any, text: re.Pattern[str]) -> None:
    """Something matching `text` (the note, or who asked) appears in a toast or the
    alerts, inside the viewport, and the page has not scrolled."""
    spots = page.locator(UI.alert_places).get_by_text(text).filter(visible=True)
    expect(spots.first).to_be_visible()
    assert any(in_viewport(page, spots.nth(i)) for i in range(spots.count())), (
        f"{text.pattern!r} is not on screen"
    )
    page_does_not_scroll(page)


def resumed_in_place(page: Any, crowd: Crowd, name: str, since: int) -> None:
    """After a reload: the same participant, back in the room, and nobody saw anyone
    join or leave."""
    expect(page.locator(UI.room)).to_be_visible()
    expect(page.locator(UI.connection)).to_have_attribute("data-status", "in")
    expect(page.locator(UI.you)).to_have_text(name)
    expect(page.locator(UI.join)).to_be_hidden()
    expect(page.get_by_text(NAME_TAKEN)).to_have_count(0)
    page.wait_for_timeout(300)
    seen = crowd.frames()[since:]
    assert [f for f in seen if f.get("type") in {"joined", "left"}] == [], "others saw a rejoin"


@pytest.mark.parametrize("size", VIEWPORTS)
def test_a_go_around_of_fifteen(
    demo: Demo, people: People, crowd: Crowd, shot: Shot, size: str
) -> None:
    width, height = VIEWPORTS[size]
    host = people.page(width=width, height=height)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)

    # Fourteen attendees, the three in browsers spread through the join order (which is
    # the go-around's order).
    names = [f"Bot {word}" for word in BOT_NAMES.split()]
    browsers: dict[str, Any] = {}
    joined: list[str] = []
    for i, name in enumerate(names):
        crowd.join(name)
        joined.append(name)
        if i in (1, 5, 9):
            person = ("Ash Tree", "Blue Lake", "Calm Sea")[len(browsers)]
            page = people.page(width=width, height=height)
            join(page, demo.meeting_url, person)
            browsers[person] = page
            joined.append(person)
    ash, lake, _sea = browsers.values()
    ids = {name: crowd.participant_id(name) for name in joined}
    for page in (host, *browsers.values()):
        expect(page.locator(UI.participant_count)).to_have_text("15")
    for person, page in browsers.items():
        message_box_in_view(page, f"{person}, idle")
        if size == "phone":
            # Raise hand and help stay within reach on a phone.
            assert in_viewport(page, page.locator(UI.hand)), "Raise hand is off screen"
            assert in_viewport(page, page.locator(UI.help)), "I need help is off screen"
    page_does_not_scroll(host)
    shot(ash, f"fifteen-{size}-attendee-idle")
    shot(host, f"fifteen-{size}-facilitator")

    # A reload keeps the participant: no new `joined`, no "already in use".
    since = len(crowd.frames())
    lake.reload()
    resumed_in_place(lake, crowd, "Blue Lake", since)
    message_box_in_view(lake, "Blue Lake, after a reload")

    # The go-around: bots share a line and hand on; browser attendees share from their
    # message box, which stays on screen for everyone throughout.
    reach(host, UI.round_toggle).click()
    order: list[str] = crowd.wait(event("round_started"))["order"]
    assert order == [ids[name] for name in joined], "the round goes through all 14 in join order"
    by_id = {ids[person]: (person, page) for person, page in browsers.items()}
    for turn, pid in enumerate(order):
        granted = crowd.wait(event("floor_granted", pid), timeout=20)
        if pid in by_id:
            person, page = by_id[pid]
            message_box_in_view(page, f"{person}, given the floor")
            text = f"{person} shares, turn {turn + 1}."
            page.locator(UI.message_box).fill(text)
            page.locator(UI.send).click()
            expect(message(page, text)).to_have_count(1)
            message_box_in_view(page, f"{person}, after sharing")
            if person == "Calm Sea":
                shot(page, "room-phone" if size == "phone" else "room-attendee", main=True)
                # A reload while holding the floor keeps the floor.
                since = len(crowd.frames())
                page.reload()
                resumed_in_place(page, crowd, person, since)
                assert not [
                    f
                    for f in crowd.frames()[since:]
                    if f["type"] == "floor_released" and f["turn_id"] == granted["turn_id"]
                ], "the reload lost the floor"
                message_box_in_view(page, f"{person}, holding the floor after a reload")
            reach(page, UI.done).click()
        crowd.wait(event("floor_released", pid), timeout=20)
        for other, page in browsers.items():
            message_box_in_view(page, f"{other}, during turn {turn + 1}")
    crowd.wait(event("round_ended"))
    page_does_not_scroll(host)

    # A help request reaches the facilitator on screen, with a count, without scrolling.
    expect(host).not_to_have_title(COUNT_ONE)
    crowd.send(crowd.bots[3], {"type": "help", "note": "I am finding today hard"})
    shown_without_scrolling(host, re.compile("I am finding today hard|Bot Damson"))
    badges = host.locator(UI.alert_badges)
    assert any(
        badges.nth(i).is_visible() and in_viewport(host, badges.nth(i))
        for i in range(badges.count())
    ), "no alert count on screen"
    expect(host).to_have_title(COUNT_ONE)

    # A report, with the help request: the facilitator's alerts, checked by axe-core.
    shared = next(
        f
        for f in crowd.frames()
        if f["type"] == "message" and f["participant_id"] == ids["Bot Elm"]
    )
    report = {"type": "report", "message_id": shared["message_id"], "reason": "harmful"}
    crowd.send(crowd.bots[6], report)
    alerts = reach(host, UI.alerts)
    expect(alerts.locator("li")).to_have_count(2)
    expect(alerts.locator("li", has_text="Bot Elm shares a few words.")).to_contain_text("Bot Elm")
    shot(host, "room-facilitator-phone" if size == "phone" else "room-facilitator", main=True)
