"""Co-hosts and the empty chair in Chromium: a co-host takes over when the facilitator's
tab closes; with no co-host, attendees are told the facilitator is reconnecting, then
that nobody runs the room, until an organiser signs in and takes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People, Shot, _start_demo
from tests.browser.steps import join, participant, person_action, sign_in
from tests.service.conftest import Server, server_env
from tests.services import free_port

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
GRACE = 2


@pytest.fixture
def quick_demo(tmp_path: Path) -> Iterator[Demo]:
    """The demo with a short grace period, so a closed tab times out within the test."""
    env = server_env(tmp_path / "data")
    env["HEARTH_RESUME_GRACE_SECONDS"] = str(GRACE)
    server = Server(free_port(), env, tmp_path / "server.log", args=["--demo"])
    try:
        yield _start_demo(server)
    finally:
        server.stop()


def test_a_co_host_takes_over_when_the_facilitators_tab_closes(
    quick_demo: Demo, people: People, shot: Shot
) -> None:
    demo = quick_demo
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**LAPTOP)
    join(ash, demo.meeting_url, "Ash Tree")
    birch = people.page(**LAPTOP)
    join(birch, demo.meeting_url, "Birch Leaf")
    expect(host.locator("#participant-count")).to_have_text("3")
    expect(ash.locator("#facilitator-panel")).to_be_hidden()

    person_action(host, "Ash Tree", "Make co-host: Ash Tree")
    expect(ash.locator("#messages li", has_text="You are now a co-host")).to_be_visible()
    expect(ash.locator("#facilitator-panel")).to_be_visible()  # no reload
    expect(ash.locator("#you-role")).to_have_text("Facilitator")
    expect(birch.locator("#messages li", has_text="Ash Tree is now a co-host")).to_be_visible()
    expect(participant(birch, "Ash Tree").locator(".badge.role")).to_have_text("Facilitator")

    host.close()
    # The host times out; the co-host still holds the chair, so nobody is told otherwise.
    lost = birch.locator("#messages li", has_text="Host Rowan lost their connection")
    expect(lost).to_be_visible(timeout=(GRACE + 10) * 1000)
    expect(birch.locator("#chair-status")).to_be_hidden()
    expect(ash.locator("#chair-status")).to_be_hidden()

    ash.locator("summary", has_text="Room settings").click()
    ash.get_by_label("Waiting room: admit people one by one").check()
    ash.get_by_role("button", name="Save settings").click()
    expect(ash.locator("#settings-status")).to_have_text("Settings saved.")
    robin = people.page(**LAPTOP)
    robin.goto(demo.meeting_url)
    robin.locator("#pseudonym").fill("Late Robin")
    robin.locator("#join-button").click()
    expect(robin.locator("#waiting-view")).to_be_visible()
    ash.locator("#tab-alerts").click()
    waiting = ash.locator("#lobby li.lobby-item", has_text="Late Robin")
    waiting.get_by_role("button", name="Admit").click()
    expect(robin.locator("#room-view")).to_be_visible()

    person_action(ash, "Birch Leaf", "Give floor to Birch Leaf")
    expect(birch.locator("#floor-line")).to_be_visible()
    expect(ash.locator("#floor-text")).to_contain_text("Birch Leaf")
    shot(ash, "cohost-laptop", main=True)
    ash.set_viewport_size(PHONE)
    shot(ash, "cohost-phone", full_page=False)


def test_the_co_host_role_can_be_taken_back(demo: Demo, people: People, shot: Shot) -> None:
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**LAPTOP)
    join(ash, demo.meeting_url, "Ash Tree")
    person_action(host, "Ash Tree", "Make co-host: Ash Tree")
    expect(ash.locator("#facilitator-panel")).to_be_visible()
    host.get_by_role("button", name="Actions for Ash Tree", exact=True).click()
    menu = host.get_by_role("menu", name="Actions for Ash Tree")
    expect(menu.get_by_role("menuitem")).to_have_text(["Give floor", "Remove co-host role"])
    shot(host, "cohost-menu")
    menu.get_by_role("menuitem", name="Remove co-host role from Ash Tree").click()
    expect(ash.locator("#messages li", has_text="You are no longer a co-host")).to_be_visible()
    expect(ash.locator("#facilitator-panel")).to_be_hidden()
    expect(ash.locator("#tab-alerts")).to_be_hidden()
    expect(ash.locator("#you-role")).to_have_text("Attendee")
    expect(ash.get_by_role("button", name="Actions for Host Rowan", exact=True)).to_have_count(0)


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_attendees_are_told_when_nobody_runs_the_room(
    quick_demo: Demo, people: People, shot: Shot, size: str
) -> None:
    demo = quick_demo
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**(LAPTOP if size == "laptop" else PHONE))
    join(ash, demo.meeting_url, "Ash Tree")
    status = ash.locator("#chair-status")
    expect(status).to_be_hidden()

    host.close()
    expect(status).to_have_text("The facilitator is reconnecting…")
    shot(ash, f"chair-{size}-reconnecting", main=size == "laptop", full_page=size == "laptop")
    expect(status).to_contain_text("No facilitator is here right now", timeout=(GRACE + 10) * 1000)
    shot(ash, f"chair-{size}-empty", full_page=size == "laptop")

    organiser = people.page(**LAPTOP)
    sign_in(organiser, demo.url, *demo.organiser)
    join(organiser, demo.meeting_url, "Organiser Sam", facilitator=True)
    expect(status).to_be_hidden()
    expect(ash.locator("#messages li", has_text="A facilitator is here again")).to_be_visible()


def test_an_organiser_asks_for_the_lobby_while_nobody_runs_the_room(
    demo: Demo, people: People
) -> None:
    page = people.page(**LAPTOP)
    sign_in(page, demo.url, *demo.organiser)
    page.get_by_role("button", name="New group").click()
    form = page.locator("#group-form")
    form.get_by_label("Name", exact=True).fill("Night circle")
    form.locator("summary", has_text="Room defaults").click()
    setting = form.get_by_label(
        "Newcomers wait in the waiting room while no facilitator is in the meeting"
    )
    expect(setting).not_to_be_checked()
    setting.check()
    form.get_by_role("button", name="Create group").click()
    expect(page.locator("#detail-name")).to_have_text("Night circle")
    groups = page.request.get(f"{demo.url}/api/groups").json()
    assert [g["lobby_when_unattended"] for g in groups if g["name"] == "Night circle"] == [True]
    page.get_by_role("button", name="Edit group").click()
    expect(setting).to_be_checked()
