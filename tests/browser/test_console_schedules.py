"""Schedules people keep, from the console: every two weeks, and the 2nd Monday or the
last Friday of the month, in the group's zone across a change of the clocks."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.api_steps import new_group, organiser
from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import sign_in

pytestmark = pytest.mark.browser
LONDON = ZoneInfo("Europe/London")
VIEWPORTS = {"laptop": (1280, 860), "phone": (390, 844)}


def _local_starts(demo: Demo, gid: str) -> list[datetime]:
    with organiser(demo) as api:
        meetings = api.get(f"/api/groups/{gid}/meetings").json()
    return sorted(datetime.fromisoformat(m["starts_at"]).astimezone(LONDON) for m in meetings)


def _schedule(page: object, starts: str, repeat: str, count: int) -> None:
    form = page.locator("#meeting-form")  # type: ignore[attr-defined]
    form.get_by_label("Starts").fill(starts)
    form.get_by_label("Time zone").select_option("Europe/London")
    form.get_by_label("Repeats").select_option(label=repeat)
    form.get_by_label("Number of meetings").fill(str(count))
    form.get_by_role("button", name="Schedule").click()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_monthly_and_fortnightly_series_from_the_console(
    demo: Demo, people: People, shot: Shot, viewport: str
) -> None:
    with organiser(demo) as api:
        gid = new_group(api, name="Second Monday circle", timezone="Europe/London")
    width, height = VIEWPORTS[viewport]
    page = people.page(width=width, height=height)
    sign_in(page, demo.url, *demo.organiser)
    page.get_by_role("button", name="Second Monday circle").click()
    expect(page.locator("#detail-name")).to_have_text("Second Monday circle")

    # 8 February 2027 is the second Monday; the clocks go forward on 28 March.
    form = page.locator("#meeting-form")
    form.get_by_label("Starts").fill("2027-02-08T19:00")
    form.get_by_label("Repeats").select_option(label="Every month, on the same weekday")
    expect(form.locator("#m-repeat-note")).to_have_text("On the 2nd Monday of each month")
    shot(page, f"console-monthly-{viewport}", main=True)
    _schedule(page, "2027-02-08T19:00", "Every month, on the same weekday", 4)
    expect(page.locator("#console-status")).to_contain_text("4 meetings scheduled")
    starts = _local_starts(demo, gid)
    assert [s.date() for s in starts] == [
        date(2027, 2, 8), date(2027, 3, 8), date(2027, 4, 12), date(2027, 5, 10)
    ]  # fmt: skip
    assert {s.strftime("%H:%M") for s in starts} == {"19:00"}
    assert {s.utcoffset().total_seconds() for s in starts} == {0, 3600}  # type: ignore[union-attr]

    # The last Friday, chosen from 29 January 2027 (a fifth Friday is the month's last).
    _schedule(page, "2027-01-29T18:30", "Every month, on the same weekday", 3)
    expect(page.locator("#console-status")).to_contain_text("3 meetings scheduled")
    fridays = [s.date() for s in _local_starts(demo, gid) if s.weekday() == 4]
    assert fridays == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26)]

    _schedule(page, "2027-03-16T20:00", "Every two weeks", 3)
    expect(page.locator("#console-status")).to_contain_text("3 meetings scheduled")
    tuesdays = [s for s in _local_starts(demo, gid) if s.weekday() == 1]
    assert [s.date() for s in tuesdays] == [date(2027, 3, 16), date(2027, 3, 30), date(2027, 4, 13)]
    assert {s.strftime("%H:%M") for s in tuesdays} == {"20:00"}
