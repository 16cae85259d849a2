"""A meeting in the catalogue offers its own calendar file, with a reminder."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People, Shot

pytestmark = pytest.mark.browser


def test_save_a_meeting_to_the_calendar_from_the_catalogue(
    demo: Demo, people: People, shot: Shot
) -> None:
    """The demo meeting's "Save to calendar" link names the meeting, and gives an .ics
    of that meeting, at its time, with a 15-minute reminder; the group's feed link stays."""
    page = people.page()
    page.goto(f"{demo.url}/")
    item = page.locator(".meeting-item", has=page.locator(f"a[href='/m/{demo.meeting_id}']"))
    expect(item).to_have_count(1)
    link = item.get_by_role("link", name="Save to calendar")
    expect(link).to_have_attribute("href", f"/meetings/{demo.meeting_id}/calendar.ics")
    label = link.get_attribute("aria-label") or ""
    assert label.startswith("Save to calendar: ") and "reminder 15 minutes before" in label
    file = page.request.get(f"{demo.url}/meetings/{demo.meeting_id}/calendar.ics")
    assert file.ok and file.headers["content-type"].startswith("text/calendar")
    text = file.text()
    assert f"UID:{demo.meeting_id}@" in text and "TRIGGER:-PT15M" in text
    assert "STATUS:CONFIRMED" in text
    expect(page.get_by_role("link", name="Add to calendar").first).to_be_visible()
    shot(page, "catalogue-save-to-calendar", main=True)
