"""Reloading the tab keeps you: the same participant, hand, place and floor.

The page keeps this tab's resume token in sessionStorage (never localStorage, never
the address bar) and resumes with it, so the others see no new `joined`, no `left`
and no second you in "Here now"; leaving on purpose, a failed resume or a removal
forget it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.api_steps import new_group, organiser, schedule
from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import join, message, participant, say, sign_in

pytestmark = pytest.mark.browser


class Frames:
    """Every JSON frame one page receives on its room WebSockets, in order."""

    def __init__(self, page: Any) -> None:
        self.received: list[dict[str, Any]] = []
        page.on("websocket", self._socket)

    def _socket(self, ws: Any) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload: Any) -> None:
        try:
            frame = json.loads(payload if isinstance(payload, str) else payload.decode())
        except ValueError:
            return
        if isinstance(frame, dict):
            self.received.append(frame)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.received if f.get("type") == kind]


def stored(page: Any, meeting_id: str) -> dict[str, Any] | None:
    raw = page.evaluate("(k) => sessionStorage.getItem(k)", f"hearth.session.{meeting_id}")
    return json.loads(raw) if raw else None


def test_a_reload_resumes_the_same_participant_with_hand_place_and_floor(
    demo: Demo, people: People, shot: Shot
) -> None:
    """Join, raise a hand, reload: same id and pseudonym, still first in the queue, the
    conversation since joining back on the page; the facilitator saw no new `joined`
    and no `left`, and "Here now" lists the attendee once. Then with the floor: a
    reload keeps it. The token is in sessionStorage only, never in localStorage or
    the address bar."""
    host = people.page()
    seen = Frames(host)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)

    ash = people.page()
    ash_frames = Frames(ash)
    join(ash, demo.meeting_url, "Ash Tree")
    lake = people.page()
    join(lake, demo.meeting_url, "Blue Lake")
    expect(host.locator("#participant-count")).to_have_text("3")
    first = ash_frames.of("welcome")[0]
    ash_id = first["you"]["id"]

    say(ash, "Said before the reload")
    ash.locator("#hand").click()
    expect(ash.locator("#queue-position")).to_have_text("You are 1st in line.")
    lake.locator("#hand").click()
    expect(lake.locator("#queue-position")).to_have_text("You are 2nd in line.")

    session = stored(ash, demo.meeting_id)
    assert session is not None and session["token"] == first["resume_token"]
    assert session["pseudonym"] == "Ash Tree" and session["last_seq"] >= first["seq"]
    local = ash.evaluate("() => JSON.stringify(Object.assign({}, localStorage))")
    assert first["resume_token"] not in local, "the token never goes to localStorage"

    joined_before = len(seen.of("joined"))
    assert [f["participant"]["pseudonym"] for f in seen.of("joined")] == ["Ash Tree", "Blue Lake"]
    ash.reload()
    expect(ash.locator("#room-view")).to_be_visible()
    expect(ash.locator("#conn-status")).to_have_attribute("data-status", "in")
    expect(ash.locator("#you-name")).to_have_text("Ash Tree")
    expect(ash.locator("#queue-position")).to_have_text("You are 1st in line.")
    expect(ash.locator("#join-view")).to_be_hidden()
    expect(message(ash, "Said before the reload")).to_have_count(1)
    shot(ash, "room-after-reload")
    again = ash_frames.of("welcome")[-1]
    assert again["resumed"] is True
    assert again["you"] == first["you"], "the same participant: id, pseudonym, role"
    assert again["state"]["queue"][0] == ash_id
    assert first["resume_token"] not in ash.url

    expect(host.locator("#participant-count")).to_have_text("3")
    expect(participant(host, "Ash Tree")).to_have_count(1)
    say(ash, "Back after the reload")
    expect(message(host, "Back after the reload")).to_have_count(1)
    assert len(seen.of("joined")) == joined_before, "the others see no new joined"
    assert not [f for f in seen.of("left") if f.get("participant_id") == ash_id]

    # With the floor: a reload keeps it, and the share goes on.
    host.locator("#grant-next").click()
    expect(ash.locator("#yield")).to_be_visible()
    ash.reload()
    expect(ash.locator("#conn-status")).to_have_attribute("data-status", "in")
    expect(ash.locator("#yield")).to_be_visible()
    assert ash_frames.of("welcome")[-1]["state"]["floor"]["participant_id"] == ash_id
    say(ash, "Still sharing after a reload")
    expect(message(lake, "Still sharing after a reload")).to_have_class(re.compile(r"\bshare\b"))
    assert len(seen.of("joined")) == joined_before
    assert people.errors == []


def test_leaving_a_failed_resume_and_a_removal_forget_the_token(demo: Demo, people: People) -> None:
    """Leaving on purpose forgets the token (a reload shows the join form); a token the
    room no longer knows shows the join form with the old name and a note, not an
    error; a removed person sees the removal message and a reload does not bring
    them back in."""
    host = people.page()
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)

    page = people.page()
    join(page, demo.meeting_url, "Brief Visit")
    assert stored(page, demo.meeting_id) is not None
    page.locator("#leave").click()
    expect(page.locator("#ended-view")).to_be_visible()
    assert stored(page, demo.meeting_id) is None
    page.reload()
    expect(page.locator("#join-view")).to_be_visible()

    join(page, demo.meeting_url, "Stale Token")
    record = stored(page, demo.meeting_id)
    assert record is not None
    record["token"] = "not-a-token-the-room-knows"
    page.evaluate(
        "([k, v]) => sessionStorage.setItem(k, v)",
        [f"hearth.session.{demo.meeting_id}", json.dumps(record)],
    )
    page.reload()
    expect(page.locator("#join-view")).to_be_visible()
    expect(page.locator("#join-form .form-summary")).to_contain_text("Please join again")
    expect(page.locator("#pseudonym")).to_have_value("Stale Token")
    assert stored(page, demo.meeting_id) is None

    removed = people.page()
    join(removed, demo.meeting_url, "Gone Soon")
    expect(participant(host, "Gone Soon")).to_have_count(1)
    actions = host.get_by_role("button", name="Actions for Gone Soon")
    if actions.count():  # the per-person menu
        actions.click()
    host.get_by_label("Remove Gone Soon from the meeting").first.click()
    host.locator("#confirm-yes").click()
    expect(removed.locator("#problem-title")).to_have_text("You were removed from this meeting")
    assert stored(removed, demo.meeting_id) is None
    removed.reload()
    expect(removed.locator("#join-view")).to_be_visible()
    expect(removed.locator("#room-view")).to_be_hidden()


def test_a_duplicated_tab_does_not_take_over_the_original(demo: Demo, people: People) -> None:
    """A duplicated tab copies sessionStorage; the copy finds the original still holding
    the session and shows the join form instead of becoming the same participant."""
    page = people.page()
    join(page, demo.meeting_url, "Only Once")
    record = page.evaluate("(k) => sessionStorage.getItem(k)", f"hearth.session.{demo.meeting_id}")
    copy = page.context.new_page()
    copy.add_init_script(
        f"sessionStorage.setItem({json.dumps(f'hearth.session.{demo.meeting_id}')},"
        f" {json.dumps(record)});"
    )
    copy.goto(demo.meeting_url)
    expect(copy.locator("#join-view")).to_be_visible()
    expect(page.locator("#conn-status")).to_have_attribute("data-status", "in")
    say(page, "The original is still here")
    expect(message(page, "The original is still here")).to_have_count(1)


def test_a_reload_in_the_waiting_room_and_as_facilitator_keeps_the_place(
    demo: Demo, people: People
) -> None:
    """Someone waiting in the lobby reloads: still waiting, under the same name, and the
    facilitator still has one knock, not two; admitted, they are in. A facilitator who
    reloads comes back as the facilitator, with the waiting room as it was."""
    with organiser(demo) as api:
        group_id = new_group(api, lobby=True)
        api.put(f"/api/groups/{group_id}/facilitators/{demo.facilitator[0]}", json={})
        meeting_id = schedule(api, group_id, datetime.now(UTC))
    url = f"{demo.url}/m/{meeting_id}"
    host = people.page()
    seen = Frames(host)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, url, "Host Rowan", facilitator=True)

    guest = people.page()
    guest.goto(url)
    guest.locator("#pseudonym").fill("Late Comer")
    guest.locator("#join-button").click()
    expect(guest.locator("#waiting-view")).to_be_visible()
    expect(guest.locator("#waiting-name")).to_contain_text("Late Comer")
    expect(host.get_by_role("button", name="Admit Late Comer")).to_have_count(1)
    knocks = len(seen.of("knock"))
    assert knocks == 1
    guest.reload()
    expect(guest.locator("#waiting-view")).to_be_visible()
    expect(guest.locator("#waiting-name")).to_contain_text("Late Comer")
    expect(guest.locator("#join-view")).to_be_hidden()

    host.reload()
    expect(host.locator("#room-view")).to_be_visible()
    expect(host.locator("#you-name")).to_have_text("Host Rowan")
    expect(host.locator("#facilitator-panel")).to_be_visible()
    welcome = seen.of("welcome")[-1]
    assert welcome["resumed"] is True and welcome["you"]["role"] == "facilitator"
    assert [p["pseudonym"] for p in welcome["state"]["lobby"]] == ["Late Comer"]
    # The resume replays the knock it saw (same seq); the guest's reload made no new one.
    assert len({f["seq"] for f in seen.of("knock")}) == knocks, "no second knock"
    expect(host.get_by_role("button", name="Admit Late Comer")).to_have_count(1)
    host.get_by_role("button", name="Admit Late Comer").click()
    expect(guest.locator("#room-view")).to_be_visible()
    expect(guest.locator("#you-name")).to_have_text("Late Comer")
