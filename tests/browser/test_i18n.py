"""The Arabic interface: right to left, mirrored, remembered across pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import join, message, say

pytestmark = pytest.mark.browser


def test_arabic_interface_renders_right_to_left(demo: Demo, people: People, shot: Shot) -> None:
    """Switching to Arabic sets <html lang="ar" dir="rtl">, the computed direction is rtl,
    the header mirrors, and the choice carries to the meeting room; shares keep dir=auto."""
    page = people.page(width=375, height=812)
    page.goto(f"{demo.url}/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.locator("#lang").select_option("ar")

    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(page.locator("h1")).to_have_text("ابحث عن مجموعة دعم")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    brand = page.locator(".brand").bounding_box()
    assert brand is not None and brand["x"] > 375 / 2, "the brand sits on the right"
    shot(page, "arabic-catalogue", main=True)

    page.goto(demo.meeting_url)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("label[for=pseudonym]")).to_have_text("الاسم الذي ستظهر به في هذا اللقاء")
    page.locator("#pseudonym").fill("نسيم هادئ")
    shot(page, "arabic-join")
    join(page, demo.meeting_url, "نسيم هادئ")
    expect(page.locator("#you-name")).to_have_text("نسيم هادئ")
    expect(page.locator("#you-name")).to_have_attribute("dir", "auto")
    say(page, "مرحبًا بالجميع، يسعدني أن أكون هنا")
    share = message(page, "مرحبًا بالجميع")
    expect(share.locator(".msg-text")).to_have_attribute("dir", "auto")
    expect(share.locator(".msg-author")).to_have_attribute("dir", "auto")
    say(page, "An English line keeps its own direction")
    english = message(page, "An English line").locator(".msg-text")
    assert english.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert share.locator(".msg-text").evaluate("el => getComputedStyle(el).direction") == "rtl"
    shot(page, "arabic-room", main=True)

    page.locator("#lang").select_option("en")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page.locator("#hand")).to_have_text("Raise hand")
