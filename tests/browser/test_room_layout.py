"""The room fills the viewport: a go-around with many people keeps the speaker's
message box in view, on a laptop and on a phone, and the facilitator sees alerts
arrive without scrolling."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from websockets.sync.client import ClientConnection, connect

from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import join, say, sign_in

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
SETTLED = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight + 0.5;
}"""


class Raw:
    """An attendee on a bare WebSocket: cheap enough to fill a room of fifteen."""

    def __init__(self, ws: ClientConnection, pseudonym: str) -> None:
        self.ws = ws
        ws.send(json.dumps({"type": "hello", "pseudonym": pseudonym}))
        while True:
            frame = json.loads(ws.recv(timeout=10))
            if frame["type"] in {"welcome", "waiting"}:
                self.id: str = frame["you"]["id"]
                return
            assert frame["type"] != "error", frame

    def send(self, type_: str, **fields: Any) -> None:
        self.ws.send(json.dumps({"type": type_, **fields}))


@contextmanager
def crowd(demo: Demo, names: list[str]) -> Iterator[list[Raw]]:
    with ExitStack() as stack:
        url = f"{demo.server.ws_url}/ws/meetings/{demo.meeting_id}"
        yield [Raw(stack.enter_context(connect(url, open_timeout=10)), name) for name in names]


def page_does_not_scroll(page: Any) -> None:
    sizes = page.evaluate(
        "() => [document.documentElement.scrollHeight, window.innerHeight,"
        " document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert sizes[0] <= sizes[1], f"the page scrolls: {sizes[0]} > {sizes[1]}"
    assert sizes[2] <= sizes[3], f"the page scrolls sideways: {sizes[2]} > {sizes[3]}"


def in_view(page: Any, selector: str) -> None:
    """The element is visible and wholly inside the viewport, without scrolling
    (a smooth scroll the page started itself may settle first)."""
    locator = page.locator(selector)
    expect(locator).to_be_visible()
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(SETTLED, arg=selector, timeout=2000, polling=100)
    box = locator.bounding_box()
    view = page.viewport_size
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= view["height"] + 0.5, (selector, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"] + 0.5, (selector, box)


def speaker_has_everything(page: Any) -> None:
    for selector in ("#say", "#composer button[type=submit]", "#yield", "#floor-timer"):
        in_view(page, selector)
    expect(page.locator("#say")).to_be_enabled()
    page_does_not_scroll(page)


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_go_around_of_fifteen_keeps_the_speakers_message_box_in_view(
    demo: Demo, people: People, shot: Shot, size: dict[str, int]
) -> None:
    """Fifteen people, a go-around: each browser speaker sees the message box, Send,
    "I'm done", "Pass" and the time left on screen, the page never scrolls, and the
    floor state is one line naming who is next; a crosstalk attempt disables the
    listener's composer with the reason instead of pushing it off screen."""
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**size)
    join(ash, demo.meeting_url, "Ash Tree")
    lake = people.page(**size)
    join(lake, demo.meeting_url, "Blue Lake")
    names = [f"Quiet Member {chr(65 + i)}" for i in range(12)]
    with crowd(demo, names) as others:
        expect(host.locator("#participant-count")).to_have_text("15")
        for line in range(12):
            say(host if line % 3 else ash, f"Opening words, line {line + 1}, to fill the room.")
        page_does_not_scroll(ash)
        expect(host.locator("#hand")).to_be_hidden()  # facilitators give the floor; no hand
        in_view(ash, "#hand")
        in_view(ash, "#help-open")

        host.locator("#round-toggle").click()
        expect(ash.locator("#floor-text")).to_have_text("You have the floor")
        expect(ash.locator("#floor-next")).to_have_text("next: Blue Lake")
        expect(ash.locator("#round-banner")).to_contain_text("Go-around 1 of 14")
        speaker_has_everything(ash)
        in_view(ash, "#pass")
        line = ash.locator("#floor-line").bounding_box()
        assert line is not None and line["height"] < 60, "the floor state is one compact line"

        # A listener is told, on the composer itself, why it is disabled.
        expect(lake.locator("#say")).to_be_disabled()
        expect(lake.locator("#composer-note")).to_contain_text("Ash Tree is sharing")
        in_view(lake, "#composer-note")
        in_view(lake, "#hand")
        page_does_not_scroll(lake)
        say(ash, "My share, written where I can see it. " * 8)
        expect(host.locator("#messages li.msg.share")).to_have_count(1)
        speaker_has_everything(ash)
        shot(ash, f"room-round-{'phone' if size is PHONE else 'laptop'}")
        ash.locator("#pass").click()

        expect(lake.locator("#floor-text")).to_have_text("You have the floor")
        speaker_has_everything(lake)
        expect(lake.locator("#floor-next")).to_have_text("next: Quiet Member A")
        say(lake, "Thank you all.")
        lake.locator("#yield").click()
        for name, raw in zip(names, others, strict=True):
            expect(ash.locator("#floor-text")).to_have_text(f"{name} is sharing")
            raw.send("pass")
        expect(ash.locator("#floor-line")).to_be_hidden()
        expect(ash.locator("#say")).to_be_enabled()
        page_does_not_scroll(host)


def test_the_facilitator_sees_alerts_arrive_and_acts_on_them(
    demo: Demo, people: People, shot: Shot
) -> None:
    """A help request and a report arrive: badge, toast and "(n)" in the tab title, all
    in view without scrolling; the report names its author and offers mute; a hand
    gets the floor from its own "Give floor"; "+1 min" moves the timer; the people
    menu opens with the keyboard and Escape closes it."""
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**LAPTOP)
    join(ash, demo.meeting_url, "Ash Tree")
    with crowd(demo, [f"Quiet Member {chr(65 + i)}" for i in range(12)]) as others:
        expect(host.locator("#participant-count")).to_have_text("14")
        title = host.title()

        # A help request.
        others[3].send("help", note="Today is a hard day")
        toast = host.locator("#toasts .toast", has_text="Quiet Member D asked for help")
        expect(toast).to_be_visible()
        in_view(host, "#toasts .toast")
        in_view(host, "#alert-count")
        expect(host.locator("#alert-count")).to_have_text("1")
        expect(host).to_have_title(f"(1) {title}")
        expect(host.locator("#alerts li.help")).to_contain_text("Today is a hard day")
        page_does_not_scroll(host)

        # A report names who wrote the message, and offers to mute them from there.
        say(host, "A word from the facilitator")
        expect(
            ash.locator("#messages li.msg.from-facilitator", has_text="A word from")
        ).to_contain_text("Facilitator")
        say(ash, "Something that upset someone")
        reported = host.locator("#messages li.msg", has_text="upset someone")
        message_id = reported.get_attribute("data-message-id")
        others[0].send("report", message_id=message_id, reason="harmful")
        alert = host.locator("#alerts li.report")
        expect(alert).to_contain_text("Message by Ash Tree")
        expect(host.locator("#alert-count")).to_have_text("2")
        expect(host).to_have_title(f"(2) {title}")
        shot(host, "room-facilitator-alerts")
        alert.get_by_role("button", name="Mute Ash Tree").click()
        expect(ash.locator("#say")).to_be_disabled()
        expect(ash.locator("#composer-note")).to_contain_text("muted you")
        alert.get_by_role("button", name="Unmute Ash Tree").click()
        expect(ash.locator("#say")).to_be_enabled()
        alert.get_by_role("button", name="Done").click()
        host.locator("#alerts li.help").get_by_role("button", name="Done").click()
        expect(host).to_have_title(title)

        # Sound is off until switched on; then each arrival beeps once.
        sound = host.get_by_label("Play a sound for new alerts")
        expect(sound).not_to_be_checked()
        expect(sound).not_to_have_attribute("data-beeps", re.compile("."))
        sound.check()
        others[4].send("help", note="")
        expect(host.locator("#alert-count")).to_have_text("1")
        expect(sound).to_have_attribute("data-beeps", "1")
        host.locator("#alerts li.help").get_by_role("button", name="Done").click()

        # Give the floor from the raised hand itself; add a minute.
        ash.locator("#hand").click()
        hand = host.locator("#queue li", has_text="Ash Tree")
        in_view(host, "#queue li")
        hand.get_by_role("button", name="Give floor to Ash Tree").click()
        expect(ash.locator("#floor-text")).to_have_text("You have the floor")
        timer = ash.locator("#floor-timer")
        expect(timer).to_have_text(re.compile(r"^[23]:\d\d left$"))  # 180 s shares
        in_view(host, "#extend-1")
        host.locator("#extend-1").click()
        expect(timer).to_have_text(re.compile(r"^[34]:\d\d left$"))
        expect(ash.locator("#messages li.system", has_text="gave you more time")).to_have_count(1)

        # The people menu: keyboard to open, arrows to move, Escape to close.
        trigger = host.get_by_role("button", name="Actions for Quiet Member B")
        stops = host.locator("#participants .menu-button[tabindex='0']")
        expect(stops).to_have_count(1)  # the list is one Tab stop; arrows move in it
        trigger.focus()
        host.keyboard.press("ArrowDown")
        expect(host.get_by_role("button", name="Actions for Quiet Member C")).to_be_focused()
        host.keyboard.press("ArrowUp")
        expect(trigger).to_be_focused()
        expect(stops).to_have_count(1)
        host.keyboard.press("Enter")
        menu = host.get_by_role("menu", name="Actions for Quiet Member B")
        expect(menu).to_be_visible()
        expect(menu.get_by_role("menuitem").first).to_be_focused()
        host.keyboard.press("ArrowDown")
        expect(menu.get_by_role("menuitem", name="Mute Quiet Member B")).to_be_focused()
        shot(host, "room-person-menu")
        host.keyboard.press("Escape")
        expect(menu).to_have_count(0)
        expect(trigger).to_be_focused()
        host.keyboard.press("Space")
        expect(menu).to_be_visible()
        host.keyboard.press("Tab")  # leaves the menu closed, going on from its button
        expect(menu).to_have_count(0)
        assert host.evaluate("document.activeElement !== document.body")
        trigger.click()
        host.get_by_role("menuitem", name="Mute Quiet Member B").click()
        expect(host.locator("#participants li", has_text="Quiet Member B")).to_contain_text("muted")
        assert others[1].id


def test_share_time_warnings_come_once_and_colour_the_line(
    demo: Demo, people: People, shot: Shot
) -> None:
    """A three-minute share: at one minute left the line turns amber and says so in a
    polite status; at 30 s it turns red; "+2 min" takes the warning away again."""
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**PHONE)
    ash.clock.install()
    join(ash, demo.meeting_url, "Ash Tree")
    ash.locator("#hand").click()
    host.locator("#queue li").get_by_role("button", name="Give floor to Ash Tree").click()
    line = ash.locator("#floor-line")
    expect(line).to_have_attribute("data-level", "normal")
    warning = ash.locator("#floor-warning")
    expect(warning).to_be_hidden()
    expect(warning).to_have_attribute("role", "status")

    ash.clock.fast_forward("02:01")  # the page's clock only: 59 s left, as it sees it
    expect(line).to_have_attribute("data-level", "warn")
    expect(warning).to_have_text("One minute left")
    in_view(ash, "#floor-warning")
    shot(ash, "room-phone-warning", full_page=False)
    ash.clock.fast_forward("00:31")
    expect(line).to_have_attribute("data-level", "last")
    expect(warning).to_have_text("30 seconds left")
    host.locator("#extend-2").click()
    expect(line).to_have_attribute("data-level", "normal")
    expect(warning).to_be_hidden()
    expect(ash.locator("#floor-timer")).to_have_text(re.compile(r"^[34]:\d\d left$"))


def test_on_a_phone_tabs_switch_the_middle_and_the_composer_stays(
    demo: Demo, people: People, shot: Shot
) -> None:
    """At 390x844 a facilitator's alerts tab counts a help request, its toast is on
    screen and "Show" opens the alerts; arrow keys move between tabs; an attendee's
    support tab lists the crisis line first; the composer never leaves the screen."""
    host = people.page(**PHONE)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**PHONE)
    join(ash, demo.meeting_url, "Ash Tree")
    header = host.locator(".room-head").bounding_box()
    assert header is not None and header["height"] < 56, "the room's header does not wrap"
    expect(host.get_by_role("tab", name="Chat")).to_have_attribute("aria-selected", "true")

    ash.locator("#help-open").click()
    ash.locator("#help-note").fill("Could someone check in with me")
    ash.get_by_role("button", name="Tell the facilitators").click()
    expect(ash.locator("#help-status")).to_contain_text("The facilitators have been told")
    in_view(ash, "#say")
    expect(host.locator("#tab-alerts-count")).to_have_text("1")
    in_view(host, "#tab-alerts")
    toast = host.locator("#toasts .toast", has_text="Ash Tree asked for help")
    in_view(host, "#toasts .toast")
    shot(host, "room-phone-facilitator-toast", full_page=False)
    toast.get_by_role("button", name="Show").click()
    expect(host.get_by_role("tab", name="Alerts")).to_have_attribute("aria-selected", "true")
    expect(host.locator("#alerts li.help")).to_be_visible()
    expect(host.locator("#messages")).to_be_hidden()
    in_view(host, "#say")
    page_does_not_scroll(host)

    host.get_by_role("tab", name="Alerts").focus()
    host.keyboard.press("ArrowRight")
    hands = host.get_by_role("tab", name="Hands")
    expect(hands).to_be_focused()
    expect(hands).to_have_attribute("aria-selected", "true")
    expect(host.get_by_role("tabpanel")).to_have_attribute("id", "pane-hands")

    ash.locator("#hand").click()
    expect(host.locator("#tab-hands-count")).to_have_text("1")
    host.locator("#queue").get_by_role("button", name="Give floor to Ash Tree").click()
    expect(ash.locator("#floor-text")).to_have_text("You have the floor")
    speaker_has_everything(ash)

    ash.get_by_role("tab", name="Support").click()
    expect(ash.locator("#resources li").first).to_contain_text("Crisis line")
    expect(ash.locator("#resources li").first).to_be_visible()
    in_view(ash, "#say")
    in_view(ash, "#yield")
    shot(ash, "room-phone-support", full_page=False)
    page_does_not_scroll(ash)


TEXT_EDGES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const text = range.getBoundingClientRect();
  const box = el.getBoundingClientRect();
  return {textLeft: text.left, textRight: text.right, boxLeft: box.left, boxRight: box.right};
}"""


def test_titles_sit_at_the_start_of_a_right_to_left_room(
    demo: Demo, people: People, shot: Shot
) -> None:
    """In Arabic the room's English title, the pane titles and the floor line start on
    the right, though the title itself reads left to right (dir=auto)."""
    page = people.page(**PHONE)
    page.goto(f"{demo.url}/?lang=ar")
    join(page, demo.meeting_url, "نسيم هادئ")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    title = page.locator("#room-title")
    assert title.evaluate("el => getComputedStyle(el).direction") == "ltr"  # "Demo meeting"
    edges = title.evaluate(TEXT_EDGES)
    assert edges["boxRight"] - edges["textRight"] < 2, edges
    page.get_by_role("tab", name="الأيدي").click()
    heading = page.locator("#queue-title")
    edges = heading.evaluate(TEXT_EDGES)
    assert edges["boxRight"] - edges["textRight"] < 16, edges
    in_view(page, "#say")
    page_does_not_scroll(page)
    shot(page, "room-arabic-phone", full_page=False)


def test_people_waiting_count_as_alerts_and_admit_all_lets_them_in(
    demo: Demo, people: People, shot: Shot
) -> None:
    """With the waiting room on, three knocks: each toasts, the alerts badge and the tab
    title count them, and "Admit all" lets every one in."""
    host = people.page(**LAPTOP, reduced_motion="reduce")
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    title = host.title()
    host.locator("summary", has_text="Room settings").click()
    host.get_by_label("Waiting room: admit people one by one").check()
    host.get_by_role("button", name="Save settings").click()
    expect(host.locator("#settings-status")).to_have_text("Settings saved.")
    with crowd(demo, ["Late Robin", "Late Wren", "Late Finch"]):
        expect(host.locator("#lobby li.lobby-item")).to_have_count(3)
        expect(host.locator("#toasts .toast", has_text="Late Finch is waiting")).to_be_visible()
        expect(host.locator("#alert-count")).to_have_text("3")
        expect(host).to_have_title(f"(3) {title}")
        # The side panel was scrolled down to the settings; its bar still counts alerts.
        in_view(host, "#tab-alerts")
        expect(host.locator("#tab-alerts-count")).to_have_text("3")
        host.locator("#tab-alerts").click()
        in_view(host, "#admit-all")
        shot(host, "room-facilitator-lobby")
        host.get_by_role("button", name="Admit all").click()
        expect(host.locator("#participant-count")).to_have_text("4")
        expect(host.locator("#lobby li.lobby-item")).to_have_count(0)
        expect(host.locator("#alert-count")).to_have_text("0")
        expect(host).to_have_title(title)
        expect(host.locator("#toasts .toast", has_text="is waiting")).to_have_count(0)
