"""Whatever people type is shown as text, never run as markup."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from websockets.sync.client import connect

from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import join, participant

pytestmark = pytest.mark.browser

PAYLOAD = "<img src=x onerror=window.__xss=1>"


def _hello(ws: Any, pseudonym: str) -> dict[str, Any]:
    """Sends a hand-made hello, bypassing the page's own validation; returns the reply."""
    ws.send(json.dumps({"type": "hello", "pseudonym": pseudonym}))
    while True:
        frame: dict[str, Any] = json.loads(ws.recv(timeout=10))
        if frame["type"] in {"welcome", "error"}:
            return frame


def test_markup_in_messages_names_and_groups_is_text(
    demo: Demo, people: People, shot: Shot
) -> None:
    """A message, a pseudonym and a group name holding an <img onerror> payload appear as
    literal text; no element is created and window.__xss stays undefined."""
    with httpx.Client(base_url=demo.url) as api:
        api.post(
            "/api/auth/login", json=dict(zip(("username", "password"), demo.organiser, strict=True))
        ).raise_for_status()
        api.post(
            "/api/groups",
            json={
                "name": f"Markup Circle {PAYLOAD}",
                "description": f"About {PAYLOAD}",
                "topics": [PAYLOAD],
                "language": "en",
                "visibility": "open",
                "listed": True,
                "timezone": "UTC",
            },
        ).raise_for_status()

    page = people.page()
    page.goto(demo.meeting_url)
    page.locator("#pseudonym").fill(PAYLOAD)
    expect(page.locator("#pseudonym-error")).to_be_visible()
    page.locator("#join-button").click()
    expect(page.locator("#join-view")).to_be_visible()

    with connect(f"{demo.server.ws_url}/ws/meetings/{demo.meeting_id}", open_timeout=10) as raw:
        # The server refuses such a name too (and lets us try again on the same
        # connection); if it ever accepted one, the page must still show it as text.
        reply = _hello(raw, PAYLOAD)
        if reply["type"] == "error":
            assert reply["code"] == "pseudonym_invalid"
            reply = _hello(raw, "Plain Name")
        assert reply["type"] == "welcome"
        sender = reply["you"]["pseudonym"]

        join(page, demo.meeting_url, "Careful Reader")
        raw.send(json.dumps({"type": "say", "id": "x1", "text": PAYLOAD}))
        raw.send(json.dumps({"type": "say", "id": "x2", "text": "<script>window.__xss=2</script>"}))
        shown = page.locator("#messages li.msg").filter(
            has=page.locator(".msg-text", has_text=PAYLOAD)
        )
        expect(shown.locator(".msg-text")).to_have_text(PAYLOAD)
        expect(shown.locator(".msg-author")).to_have_text(sender)
        expect(page.locator("#messages .msg-text", has_text="<script>")).to_have_count(1)
        expect(participant(page, sender)).to_have_count(1)
        assert page.locator("#room-view img, #room-view script").count() == 0
        shot(page, "escaping-room")
        assert page.evaluate("typeof window.__xss") == "undefined"

    page.goto(f"{demo.url}/?q=Markup")
    card = page.locator("#results li.group", has_text="Markup Circle")
    expect(card.locator("h2")).to_have_text(f"Markup Circle {PAYLOAD}")
    expect(card.locator(".topic")).to_have_text(PAYLOAD)
    assert page.locator("#results img").count() == 0
    shot(page, "escaping-catalogue")
    assert page.evaluate("typeof window.__xss") == "undefined"
