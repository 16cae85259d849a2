"""Each state an attendee's room goes through, checked by axe-core on a laptop and on a
phone: the join page, the waiting room, the room idle, with the floor, muted, and
asking for help. A facilitator on a plain WebSocket moves the attendee from state to
state, so the page under test is the only Chromium page."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People, Shot
from tests.browser.crowd import Crowd, event
from tests.browser.room_ui import UI, message_box_in_view, reach

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": (1280, 860), "phone": (390, 844)}


def facilitator_token(demo: Demo) -> str:
    with httpx.Client(base_url=demo.url) as api:
        login = dict(zip(("username", "password"), demo.facilitator, strict=True))
        api.post("/api/auth/login", json=login).raise_for_status()
        reply = api.post(f"/api/meetings/{demo.meeting_id}/facilitator-token")
        reply.raise_for_status()
        token: str = reply.json()["token"]
        return token


@pytest.mark.parametrize("size", VIEWPORTS)
def test_an_attendees_room_states_pass_axe(
    demo: Demo, people: People, crowd: Crowd, shot: Shot, size: str
) -> None:
    width, height = VIEWPORTS[size]
    host = crowd.join("Host Rowan", facilitator_token=facilitator_token(demo))
    crowd.send(host, {"type": "settings", "lobby": True})
    crowd.wait(event("settings_changed"))

    page = people.page(width=width, height=height)
    page.goto(demo.meeting_url)
    expect(page.locator(UI.join)).to_be_visible()
    shot(page, f"states-{size}-join")
    page.locator("#pseudonym").fill("Ash Tree")
    page.locator("#join-button").click()
    expect(page.locator(UI.waiting)).to_be_visible()
    shot(page, f"states-{size}-waiting")

    knock = crowd.wait(event("knock"))
    crowd.send(host, {"type": "admit", "participant_id": knock["participant_id"]})
    expect(page.locator(UI.room)).to_be_visible()
    expect(page.locator(UI.connection)).to_have_attribute("data-status", "in")
    message_box_in_view(page, "idle")
    shot(page, f"states-{size}-idle")

    crowd.send(host, {"type": "grant", "participant_id": knock["participant_id"]})
    expect(page.locator(UI.done)).to_be_visible()
    message_box_in_view(page, "with the floor")
    shot(page, f"states-{size}-sharing")
    crowd.send(host, {"type": "revoke"})
    expect(page.locator(UI.done)).to_be_hidden()

    crowd.send(host, {"type": "mute", "participant_id": knock["participant_id"]})
    expect(page.locator(UI.hand)).to_be_disabled()
    shot(page, f"states-{size}-muted")
    crowd.send(host, {"type": "unmute", "participant_id": knock["participant_id"]})
    expect(page.locator(UI.hand)).to_be_enabled()

    reach(page, UI.help).click()
    expect(page.locator("#help-note")).to_be_visible()
    shot(page, f"states-{size}-help")
