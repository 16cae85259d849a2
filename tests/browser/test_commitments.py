"""A commitment for the week in Chromium: an attendee writes one in a closing part that
invites it, and the next meeting of the group in that browser asks how it went. The
text never leaves the browser: no request, no WebSocket frame, no log, no database."""

from __future__ import annotations

import asyncio
import json
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.api_steps import new_group, organiser, schedule
from tests.browser.conftest import Demo, People, Shot
from tests.browser.room_ui import message_box_in_view
from tests.browser.steps import join, sign_in
from tests.service.conftest import DATABASE
from tests.service.test_privacy import database_contents

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
SEGMENTS = [
    {"title": "Open sharing", "kind": "shares", "minutes": 20},
    {"title": "Closing", "kind": "closing", "minutes": 5, "invite_commitment": True},
]
CARD = "#commitment-card"
# What a browser refusing storage does: touching localStorage throws.
NO_STORAGE = """Object.defineProperty(window, "localStorage", {
  get() { throw new DOMException("refused", "SecurityError"); },
});"""


class Outgoing:
    """Everything one page sends: request URLs and bodies, and WebSocket frames."""

    def __init__(self, page: Any) -> None:
        self.sent: list[str] = []
        page.on("request", lambda r: self.sent.extend([r.url, r.post_data or ""]))
        page.on("websocket", self._socket)

    def _socket(self, ws: Any) -> None:
        self.sent.append(ws.url)
        ws.on("framesent", lambda payload: self.sent.append(str(payload)))

    def holds(self, text: str) -> bool:
        return any(text in item for item in self.sent)


def _grouped_meetings(demo: Demo, count: int) -> tuple[str, list[str], str]:
    """A group following a format that closes with the invitation, `count` of its
    meetings open now, and one open meeting of another group."""
    now = datetime.now(UTC)
    with organiser(demo) as api:
        gid = new_group(api)
        made = api.post(f"/api/groups/{gid}/formats", json={"name": "Week", "segments": SEGMENTS})
        made.raise_for_status()
        api.patch(f"/api/groups/{gid}", json={"format_id": made.json()["id"]}).raise_for_status()
        meetings = [schedule(api, gid, now) for _ in range(count)]
        other = schedule(api, new_group(api), now)
    return gid, meetings, other


def _stored(page: Any, gid: str) -> Any:
    raw = page.evaluate("(key) => window.localStorage.getItem(key)", f"hearth.commitment.{gid}")
    return None if raw is None else json.loads(raw)


def _kept_nowhere(demo: Demo, meeting_id: str, text: str) -> None:
    """Not in the server's log, nor any file of its data directory, nor the database."""
    assert text not in demo.server.log()
    for path in Path(demo.server.env["HEARTH_DATA_DIR"]).rglob("*"):
        if path.is_file():
            assert text.encode() not in path.read_bytes(), f"{path} holds the commitment"
    if DATABASE["url"]:
        with ThreadPoolExecutor(1) as pool:  # its own event loop, beside Playwright's
            dump = pool.submit(asyncio.run, database_contents(Path(), meeting_id)).result()[0]
        assert text not in dump


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_commitment_stays_in_the_browser_and_comes_back_next_time(
    demo: Demo, people: People, shot: Shot, size: dict[str, int]
) -> None:
    kind = "laptop" if size is LAPTOP else "phone"
    gid, (first, second, third, fourth), other = _grouped_meetings(demo, 4)
    url = f"{demo.url}/m/"
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.organiser)
    join(host, url + first, "Host Rowan", facilitator=True)
    ash = people.page(**size)
    outgoing = Outgoing(ash)
    join(ash, url + first, "Ash Tree")
    expect(ash.locator(CARD)).to_be_hidden()  # nothing kept yet, and no invitation

    host.locator("#agenda-next").click()
    expect(ash.locator("#agenda-title")).to_contain_text("Open sharing")
    expect(ash.locator(CARD)).to_be_hidden()
    host.locator("#agenda-next").click()
    expect(ash.locator("#agenda-title")).to_contain_text("Closing")
    card = ash.locator(CARD)
    expect(card).to_be_visible()
    expect(card.get_by_role("heading", name="Your commitment for the week")).to_be_visible()
    expect(card).to_contain_text("Only this browser keeps it; it is never sent.")
    expect(host.locator("#agenda-title")).to_contain_text("Closing")
    expect(host.locator(CARD)).to_be_hidden()  # facilitators are not invited

    words = f"Call my sister on Sunday {secrets.token_hex(6)}"
    box = card.get_by_label("What will you do before the next meeting?")
    expect(box).not_to_be_focused()  # the card never takes the keyboard by itself
    box.fill(words)
    expect(card).to_contain_text(f"{len(words)} of 500 characters")
    card.get_by_role("button", name="Save in this browser").click()
    expect(ash.locator("#commitment-status")).to_contain_text("Saved in this browser")
    expect(card.get_by_role("button", name="Clear")).to_be_visible()
    assert _stored(ash, gid)["text"] == words
    assert _stored(ash, gid)["meeting_id"] == first
    shot(ash, f"commitment-write-{kind}", main=True, full_page=size is LAPTOP)
    message_box_in_view(ash, "an attendee writing a commitment")

    # Another group's meeting knows nothing of it.
    join(ash, url + other, "Ash Tree")
    expect(ash.locator("#you-name")).to_be_visible()
    expect(ash.locator(CARD)).to_be_hidden()

    # The next meeting of the group asks, privately; "Keep it" puts it away for this meeting.
    join(ash, url + second, "Ash Tree")
    card = ash.locator(CARD)
    expect(card).to_be_visible()
    expect(card).to_contain_text(f"Last time you wrote: “{words}”.")
    expect(card).to_contain_text("How did it go?")
    shot(ash, f"commitment-recall-{kind}", main=True, full_page=size is LAPTOP)
    card.get_by_role("button", name="Keep it").click()
    expect(card).to_be_hidden()
    assert _stored(ash, gid)["text"] == words
    ash.reload()
    expect(ash.locator("#conn-status")).to_have_attribute("data-status", "in")
    expect(ash.locator(CARD)).to_be_hidden()  # kept, and not asked again in this meeting

    join(ash, url + third, "Ash Tree")
    expect(ash.locator(CARD)).to_contain_text("How did it go?")
    ash.locator(CARD).get_by_role("button", name="Clear").click()
    expect(ash.locator(CARD)).to_be_hidden()
    expect(ash.locator("#commitment-status")).to_have_text("Cleared. Nothing is kept.")
    assert _stored(ash, gid) is None
    join(ash, url + fourth, "Ash Tree")
    expect(ash.locator("#you-name")).to_be_visible()
    expect(ash.locator(CARD)).to_be_hidden()

    assert outgoing.sent, "the page's traffic was not recorded"
    assert any("hello" in item for item in outgoing.sent), "no WebSocket frame was recorded"
    assert not outgoing.holds(words), "the commitment left the browser"
    assert not outgoing.holds(words.split()[-1])
    _kept_nowhere(demo, first, words.split()[-1])


def test_without_storage_the_card_says_so_and_nothing_breaks(
    demo: Demo, people: People, shot: Shot
) -> None:
    """Private modes may refuse localStorage outright: the card says it cannot keep a
    commitment, and the room goes on (the page's script errors would fail the test)."""
    _, (first,), _ = _grouped_meetings(demo, 1)
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.organiser)
    join(host, f"{demo.url}/m/{first}", "Host Rowan", facilitator=True)
    ash = people.page(**PHONE)
    ash.add_init_script(NO_STORAGE)
    join(ash, f"{demo.url}/m/{first}", "Ash Tree")
    host.locator("#agenda-next").click()
    host.locator("#agenda-next").click()
    card = ash.locator(CARD)
    expect(card).to_contain_text("This browser cannot keep anything")
    expect(card.get_by_role("textbox")).to_have_count(0)
    shot(ash, "commitment-unavailable-phone", full_page=False)
    card.get_by_role("button", name="Not now").click()
    expect(card).to_be_hidden()
    ash.locator("#say").fill("still here")
    ash.locator("#composer button[type=submit]").click()
    expect(host.locator("#messages")).to_contain_text("still here")


def test_the_arabic_card_reads_right_to_left(demo: Demo, people: People, shot: Shot) -> None:
    """The question in Arabic, the attendee's own words isolated in their direction."""
    gid, (first, second), _ = _grouped_meetings(demo, 2)
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.organiser)
    join(host, f"{demo.url}/m/{first}", "Host Rowan", facilitator=True)
    nasim = people.page(**PHONE)
    nasim.goto(f"{demo.url}/")
    nasim.locator("#lang").select_option("ar")
    join(nasim, f"{demo.url}/m/{first}", "نسيم هادئ")
    host.locator("#agenda-next").click()
    host.locator("#agenda-next").click()
    card = nasim.locator(CARD)
    expect(card.get_by_role("heading", name="التزامك لهذا الأسبوع")).to_be_visible()
    card.get_by_role("textbox").fill("أمشي كل صباح")
    card.get_by_role("button", name="احفظ في هذا المتصفح").click()
    assert _stored(nasim, gid)["text"] == "أمشي كل صباح"
    join(nasim, f"{demo.url}/m/{second}", "نسيم هادئ")
    expect(card).to_contain_text("كيف جرى الأمر؟")
    expect(card.locator("bdi")).to_have_text("أمشي كل صباح")
    assert (
        nasim.evaluate("getComputedStyle(document.querySelector('#commitment-card')).direction")
        == "rtl"
    )
    shot(nasim, "commitment-recall-arabic", full_page=False)


def test_the_groups_page_shows_the_kept_commitment_and_clears_it(
    demo: Demo, people: People, shot: Shot
) -> None:
    """Clearing needs no meeting: the group's page, in that browser only, shows what is
    kept, and Clear removes it from the browser."""
    gid, (first,), _ = _grouped_meetings(demo, 1)
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.organiser)
    join(host, f"{demo.url}/m/{first}", "Host Rowan", facilitator=True)
    ash = people.page(**PHONE)
    join(ash, f"{demo.url}/m/{first}", "Ash Tree")
    host.locator("#agenda-next").click()
    host.locator("#agenda-next").click()
    card = ash.locator(CARD)
    card.get_by_label("What will you do before the next meeting?").fill("Sleep before midnight")
    card.get_by_role("button", name="Save in this browser").click()
    expect(ash.locator("#commitment-status")).to_contain_text("Saved in this browser")

    ash.goto(f"{demo.url}/g/{gid}")
    kept = ash.locator("#group-commitment")
    expect(kept).to_contain_text("Last time you wrote: “Sleep before midnight”.")
    expect(kept).to_contain_text("Only this browser keeps it")
    shot(ash, "commitment-group-page-phone", main=True)
    kept.get_by_role("button", name="Clear").click()
    expect(kept).to_be_hidden()
    expect(ash.locator("#group-commitment-status")).to_have_text("Cleared. Nothing is kept.")
    assert _stored(ash, gid) is None
    ash.reload()
    expect(ash.locator("#group-name")).to_be_visible()
    expect(ash.locator("#group-commitment")).to_be_hidden()
    other = people.page(**PHONE)  # another browser never had it
    other.goto(f"{demo.url}/g/{gid}")
    expect(other.locator("#group-name")).to_be_visible()
    expect(other.locator("#group-commitment")).to_be_hidden()
