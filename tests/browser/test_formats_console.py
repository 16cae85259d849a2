"""Organisers plan meetings in the console: a format from a template, edited and kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.api_steps import new_group, organiser
from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import sign_in

pytestmark = pytest.mark.browser
VIEWPORTS = {"laptop": (1280, 860), "phone": (390, 844)}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_organiser_edits_a_template_copy_and_makes_it_the_default(
    demo: Demo, people: People, shot: Shot, viewport: str
) -> None:
    """Copy the check-in template, retitle and shorten its second part and allow crosstalk
    in it, move it, save; make it the group's default; after a reload all of it is kept."""
    with organiser(demo) as api:
        gid = new_group(api, name="Evening circle")
    width, height = VIEWPORTS[viewport]
    page = people.page(width=width, height=height)
    sign_in(page, demo.url, *demo.organiser)
    page.get_by_role("button", name="Evening circle").click()
    expect(page.locator("#detail-name")).to_have_text("Evening circle")

    panel = page.locator("section[aria-labelledby=formats-title]")
    expect(panel.locator("#format-list")).to_contain_text("No formats yet")
    panel.get_by_role("button", name="New from template: Peer-support check-in").click()
    expect(page.locator("#console-status")).to_contain_text("created from the template")
    editor = page.locator("#format-form")
    expect(editor).to_be_visible()
    expect(page.locator("#format-editor-title")).to_be_focused()
    expect(editor.locator("#format-total")).to_have_text("Total: 60 minutes (at most 600)")

    expect(editor.get_by_role("group", name="Part 2: Check-in round")).to_be_visible()
    second = editor.locator("#segment-list > li").nth(1)  # its name changes with its title
    second.get_by_label("Title").fill("Opening round")
    minutes = second.get_by_label("Minutes (1–180)")
    minutes.fill("0")
    editor.get_by_role("button", name="Save format").click()
    expect(minutes).to_be_focused()  # the server's refusal is shown beside the field
    expect(minutes).to_have_attribute("aria-invalid", "true")
    expect(second.locator(".field-error")).to_contain_text(">= 1")
    minutes.fill("15")
    second.get_by_label("Crosstalk").select_option(label="Allowed")
    expect(editor.locator("#format-total")).to_have_text("Total: 55 minutes (at most 600)")
    editor.get_by_role("button", name="Move up: Part 2: Opening round").click()
    moved = editor.get_by_role("button", name="Move up: Part 1: Opening round")
    expect(moved).to_be_disabled()
    expect(editor.get_by_role("button", name="Move down: Part 1: Opening round")).to_be_focused()
    shot(page, f"console-format-editor-{viewport}", main=True)
    editor.get_by_role("button", name="Save format").click()
    expect(page.locator("#console-status")).to_contain_text("Format “Peer-support check-in” saved")
    expect(editor).to_be_hidden()
    edit = panel.get_by_role("button", name="Edit: Peer-support check-in")
    expect(edit).to_be_focused()
    expect(panel.locator("#format-list")).to_contain_text("55 min")

    page.get_by_role("button", name="Edit group").click()
    group_form = page.locator("#group-form")
    group_form.get_by_label("Default format").select_option(label="Peer-support check-in")
    group_form.get_by_role("button", name="Save changes").click()
    expect(page.locator("#console-status")).to_contain_text("saved")
    expect(panel.locator("#format-list")).to_contain_text("Group default")
    expect(page.locator("#m-format")).to_contain_text("Peer-support check-in")

    meetings = page.locator("#meeting-form")
    meetings.get_by_label("Starts").fill("2030-01-08T19:00")
    meetings.get_by_label("Format").select_option(label="Peer-support check-in")
    meetings.get_by_role("button", name="Schedule").click()
    expect(page.locator("#console-status")).to_contain_text("1 meeting scheduled")
    pick = page.locator("#meeting-list select")
    expect(pick).to_have_value(re.compile(r"^\w+$"))
    pick.select_option(label="The group's default format")
    expect(page.locator("#console-status")).to_contain_text("Format of the meeting on")

    page.reload()
    page.get_by_role("button", name="Evening circle").click()
    expect(page.locator("#detail-name")).to_have_text("Evening circle")
    # The demo group's own check-in (60 min) shows until this group's formats arrive.
    expect(panel.locator("#format-list")).to_contain_text("55 min")
    expect(panel.locator("#format-list")).to_contain_text("Group default")
    panel.get_by_role("button", name="Edit: Peer-support check-in").click()
    first = editor.get_by_role("group", name="Part 1: Opening round")
    expect(first.get_by_label("Minutes (1–180)")).to_have_value("15")
    expect(first.get_by_label("Crosstalk")).to_have_value("on")
    expect(first.get_by_label("Raising hands")).to_have_value("off")
    expect(editor.get_by_role("group", name="Part 2: Welcome and ground rules")).to_be_visible()
    shot(page, f"console-formats-{viewport}", main=True)
    with organiser(demo) as api:
        group = api.get(f"/api/groups/{gid}").json()
        saved = api.get(f"/api/groups/{gid}/formats/{group['format_id']}").json()
        meetings_of = api.get(f"/api/groups/{gid}/meetings").json()
    assert saved["segments"][0] == {
        "title": "Opening round",
        "kind": "round",
        "minutes": 15,
        "reading": None,
        "settings": {"crosstalk": True, "share_seconds": 120, "queue_open": False},
        "invite_commitment": False,
    }
    assert saved["total_minutes"] == 55
    assert [m["format_id"] for m in meetings_of] == [None]


def test_the_format_editor_follows_a_change_of_language(
    demo: Demo, people: People, shot: Shot
) -> None:
    """Switched to Arabic with a part half edited: labels, parts and buttons are in Arabic,
    right to left, and nothing typed is lost; back in English, the same."""
    with organiser(demo) as api:
        new_group(api, name="Evening circle")
    page = people.page(width=1280, height=860)
    sign_in(page, demo.url, *demo.organiser)
    page.get_by_role("button", name="Evening circle").click()
    expect(page.locator("#detail-name")).to_have_text("Evening circle")  # not the demo's
    page.get_by_role("button", name="New from template: Recovery meeting, five parts").click()
    editor = page.locator("#format-form")
    first = editor.locator("#segment-list > li").first
    first.get_by_label("Title").fill("Welcome, all")
    page.locator("#lang").select_option("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(first.get_by_label("العنوان")).to_have_value("Welcome, all")
    expect(first.get_by_label("النوع")).to_have_value("reading")
    expect(first.locator("legend")).to_have_text("الجزء 1: Welcome, all")
    expect(
        editor.get_by_role("button", name="انقل إلى الأسفل: الجزء 1: Welcome, all")
    ).to_be_visible()
    expect(editor.locator("#format-total")).to_contain_text("المجموع")
    expect(page.locator("#format-editor-title")).to_contain_text("تعديل الصيغة")
    shot(page, "console-format-editor-arabic", main=True)
    page.locator("#lang").select_option("en")
    expect(first.get_by_label("Title")).to_have_value("Welcome, all")
    expect(first.locator("legend")).to_have_text("Part 1: Welcome, all")


def test_only_a_closing_part_offers_to_invite_commitments(demo: Demo, people: People) -> None:
    """The box shows for closing parts alone, the template's closing part has it ticked,
    and a part changed to another kind does not keep the invitation."""
    with organiser(demo) as api:
        gid = new_group(api, name="Evening circle")
    page = people.page(width=390, height=844)
    sign_in(page, demo.url, *demo.organiser)
    page.get_by_role("button", name="Evening circle").click()
    expect(page.locator("#detail-name")).to_have_text("Evening circle")  # not the demo's
    page.get_by_role("button", name="New from template: Peer-support check-in").click()
    editor = page.locator("#format-form")
    parts = editor.locator("#segment-list > li")
    label = re.compile("Invite each attendee to write a private commitment")
    expect(parts.nth(4).get_by_label(label)).to_be_checked()
    expect(parts.nth(1).get_by_label(label)).to_be_hidden()
    parts.nth(1).get_by_label("Kind").select_option("closing")
    round_box = parts.nth(1).get_by_label(label)
    expect(round_box).to_be_visible()
    round_box.check()
    parts.nth(1).get_by_label("Kind").select_option("round")  # changed back: no invitation
    expect(round_box).to_be_hidden()
    editor.get_by_role("button", name="Save format").click()
    expect(editor).to_be_hidden()
    with organiser(demo) as api:
        saved = api.get(f"/api/groups/{gid}/formats").json()[0]["segments"]
    assert [s["invite_commitment"] for s in saved] == [False, False, False, False, True]
