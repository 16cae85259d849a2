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


TEXT_EDGES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const text = range.getBoundingClientRect();
  const box = el.getBoundingClientRect();
  return {left: text.left - box.left, right: box.right - text.right};
}"""


def test_switching_language_mid_meeting_re_renders_earlier_lines(
    demo: Demo, people: People
) -> None:
    """The lines the room wrote before a language change ("Blue Lake joined") are
    written again in the new language, and back; an English title on the Arabic page
    lines up with the page's start (the right), not its own."""
    ash = people.page()
    join(ash, demo.meeting_url, "Ash Tree")
    lake = people.page()
    join(lake, demo.meeting_url, "Blue Lake")
    line = ash.locator("#messages li.system", has_text="Blue Lake")
    expect(line.first).to_contain_text("Blue Lake joined")
    say(ash, "Hello everyone")
    ash.locator("#lang").select_option("ar")
    expect(ash.locator("html")).to_have_attribute("dir", "rtl")
    expect(line.first).to_contain_text("انضم Blue Lake")
    expect(message(ash, "Hello everyone").locator(".msg-more")).to_contain_text("تفاعل")
    ash.locator("#lang").select_option("en")
    expect(line.first).to_contain_text("Blue Lake joined")

    page = people.page()
    page.goto(f"{demo.meeting_url}?lang=ar")
    title = page.locator("#join-title")
    expect(title).not_to_be_empty()
    edges = title.evaluate(TEXT_EDGES)
    assert edges["right"] < 2 < edges["left"], f"the title sits on the right: {edges}"
