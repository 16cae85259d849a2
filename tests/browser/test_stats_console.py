"""An organiser reads a group's numbers in the console: a meeting run over real
WebSockets and ended shows up as one row of counts, on a laptop and on a phone."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.api_steps import new_group, organiser, schedule
from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import sign_in
from tests.wsclient import Client

pytestmark = pytest.mark.browser
VIEWPORTS = {"laptop": (1280, 860), "phone": (390, 844)}


async def _run_meeting(ws_url: str, token: str) -> None:
    """A facilitator and two attendees: a part of the format, one share, one poll, the end."""
    host = await Client.connect(ws_url, "host")
    await host.hello(pseudonym="Host", facilitator_token=token)
    amber = await Client.connect(ws_url, "amber")
    await amber.hello(pseudonym="Amber")
    heron = await Client.connect(ws_url, "heron")
    await heron.hello(pseudonym="Heron")
    assert (await host.command("next_segment", current=-1))["type"] == "ack"
    assert (await host.command("grant", participant_id=amber.me))["type"] == "ack"
    await host.command("poll_start", question="Tea?", options=["Tea", "Coffee"])
    poll_id = (await heron.wait_for("poll"))["poll_id"]
    assert (await heron.command("vote", poll_id=poll_id, option=0))["type"] == "ack"
    assert (await host.command("poll_close", poll_id=poll_id))["type"] == "ack"
    assert (await host.command("end"))["type"] == "ack"
    for client in (host, amber, heron):
        await client.close()


def _ended_meeting(demo: Demo, api: httpx.Client, group_id: str) -> None:
    """Runs the meeting in a thread of its own (Playwright owns this one's event loop),
    then waits for its row: the server writes it in a task after the end."""
    meeting_id = schedule(api, group_id, datetime.now(UTC) - timedelta(minutes=1))
    token = api.post(f"/api/meetings/{meeting_id}/facilitator-token").json()["token"]
    url = f"{demo.server.ws_url}/ws/meetings/{meeting_id}"
    failed: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(_run_meeting(url, token))
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not thread.is_alive() and not failed, failed
    deadline = time.monotonic() + 10
    while not api.get(f"/api/groups/{group_id}/stats").json()["meetings"]:
        assert time.monotonic() < deadline, "no numbers were recorded"
        time.sleep(0.1)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_numbers_card_shows_each_ended_meeting_as_counts(
    demo: Demo, people: People, shot: Shot, viewport: str
) -> None:
    """Before any meeting ends the card says so; after one, its row has the counts and
    each part's minutes, and nothing anyone said or was called."""
    with organiser(demo) as api:
        empty = new_group(api, name="Quiet circle")
        gid = new_group(api, name="Evening circle", timezone="UTC")
        plan = api.post(f"/api/groups/{gid}/formats", json={"template": "check-in"}).json()
        api.patch(f"/api/groups/{gid}", json={"format_id": plan["id"]}).raise_for_status()
        _ended_meeting(demo, api, gid)
    assert empty
    width, height = VIEWPORTS[viewport]
    page = people.page(width=width, height=height)
    sign_in(page, demo.url, *demo.organiser)

    page.get_by_role("button", name="Quiet circle").click()
    card = page.locator("section[aria-labelledby=stats-title]")
    expect(card.locator("#stats-scroll")).to_contain_text("No meeting of this group has ended yet")

    page.get_by_role("button", name="Evening circle").click()
    expect(page.locator("#detail-name")).to_have_text("Evening circle")
    table = card.get_by_role("table", name="Each ended meeting, newest first")
    expect(table).to_be_visible()
    headers = table.locator("thead th")
    expect(headers).to_have_text(
        ["Date", "Meeting", "Most at once", "Attended", "Shares", "Polls", "Minutes per part"]
    )
    cells = table.locator("tbody tr").first.locator("td")
    expect(cells).to_have_count(6)
    expect(cells.nth(0)).to_have_text("Evening circle")
    expect(cells.nth(1)).to_have_text("3")
    expect(cells.nth(2)).to_have_text("3")
    expect(cells.nth(3)).to_have_text("1")
    expect(cells.nth(4)).to_have_text("1")
    first_part = plan["segments"][0]["title"]
    expect(cells.nth(5)).to_contain_text(f"{first_part}: 0 min")
    expect(card.locator("#stats-totals")).to_have_text(
        "Meetings: 1 · Attended in all: 3 · Shares: 1 · Polls: 1 · Most at once: 3"
    )
    for word in ("Amber", "Heron", "Tea"):
        expect(card).not_to_contain_text(word)
    card.scroll_into_view_if_needed()
    shot(page, f"console-numbers-{viewport}", main=True)
