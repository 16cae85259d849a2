"""An anonymous check-in in Chromium: a facilitator starts the 1-5 "arriving" scale,
an attendee answers with the keyboard, another by pointer, the facilitator closes it
and everyone sees the counts; nobody's page ever shows who chose what."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Demo, People, Shot
from tests.browser.steps import join, sign_in
from tests.browser.test_keyboard import tab_to

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_an_attendee_votes_and_everyone_sees_only_the_counts(
    demo: Demo, people: People, shot: Shot, size: dict[str, int]
) -> None:
    kind = "laptop" if size is LAPTOP else "phone"
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**size)
    join(ash, demo.meeting_url, "Ash Tree")
    birch = people.page(**size)
    join(birch, demo.meeting_url, "Birch Leaf")
    expect(host.locator("#participant-count")).to_have_text("3")

    host.get_by_role("button", name="Start a poll").click()
    expect(host.locator("#poll-dialog")).to_be_visible()
    expect(host.get_by_label("Option 2", exact=True)).to_be_visible()
    if size is LAPTOP:
        shot(host, "poll-dialog", main=True)
    host.get_by_role("button", name="How are you arriving today? (1–5)").click()
    expect(host.locator("#poll-dialog")).to_be_hidden()
    panel = host.locator("#facilitator-panel")
    expect(panel.get_by_role("button", name="Close poll")).to_be_visible()  # one at a time

    card = ash.locator("#poll-card")
    group = card.get_by_role("group", name="How are you arriving today?")
    expect(group).to_be_visible()
    expect(card).to_contain_text("Your answer is anonymous")
    expect(ash.locator("#poll-status")).to_have_text("New poll: How are you arriving today?")
    expect(card.get_by_role("button", name="Close poll")).to_have_count(0)

    tab_to(ash, '#poll-card button[data-option="3"]')
    ash.keyboard.press("Enter")
    chosen = group.get_by_role("button", name="4 · Good")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    expect(chosen).to_be_focused()
    expect(card).to_contain_text("Your answer: 4 · Good")
    shot(ash, f"poll-open-{kind}", main=True, full_page=size is LAPTOP)

    birch.locator("#poll-card").get_by_role("button", name="2 · Not so good").click()
    expect(birch.locator("#poll-card")).to_contain_text("Your answer: 2 · Not so good")
    # Ash's choice is Ash's alone: the others' cards mark nothing of it.
    expect(host.locator('#poll-card [aria-pressed="true"]')).to_have_count(0)
    expect(birch.locator('#poll-card [aria-pressed="true"]')).to_have_text("2 · Not so good")

    host.locator("#poll-card").get_by_role("button", name="Close poll").click()
    for page in (host, ash, birch):
        results = page.locator("#poll-card .poll-results")
        expect(results).to_contain_text("1 of 2 chose 4 · Good")
        expect(results).to_contain_text("1 of 2 chose 2 · Not so good")
        expect(results).to_contain_text("0 of 2 chose 1 · Struggling")
        expect(results).to_contain_text("2 answers")
    expect(birch.locator("#poll-status")).to_have_text("Poll results: How are you arriving today?")
    expect(panel.get_by_role("button", name="Start a poll")).to_be_visible()
    shot(birch, f"poll-results-{kind}", main=True, full_page=size is LAPTOP)

    # Nothing on any page links a choice to a person.
    for page in (host, ash, birch):
        text = page.locator("#poll-card").inner_text()
        assert "Ash Tree" not in text and "Birch Leaf" not in text
        expect(page.locator("#messages")).not_to_contain_text("Good")
    birch.locator("#poll-card").get_by_role("button", name="Hide results").click()
    expect(birch.locator("#poll-card")).to_be_hidden()


def test_a_reloaded_voter_sees_their_choice_and_results_can_stay_with_facilitators(
    demo: Demo, people: People
) -> None:
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    ash = people.page(**LAPTOP)
    join(ash, demo.meeting_url, "Ash Tree")

    host.get_by_role("button", name="Start a poll").click()
    host.get_by_label("Question").fill("Shall we take a break at half time?")
    host.get_by_label("Option 1", exact=True).fill("Yes")
    host.get_by_label("Option 2", exact=True).fill("No")
    host.get_by_role("button", name="Add an option").click()
    host.get_by_label("Option 3", exact=True).fill("Either is fine")
    host.get_by_label("Facilitators only").check()
    host.get_by_role("button", name="Start the poll").click()

    card = ash.locator("#poll-card")
    card.get_by_role("button", name="Either is fine").click()
    expect(card).to_contain_text("Your answer: Either is fine")
    ash.reload()
    expect(ash.locator("#conn-status")).to_have_attribute("data-status", "in")
    chosen = ash.locator("#poll-card").get_by_role("button", name="Either is fine")
    expect(chosen).to_have_attribute("aria-pressed", "true")

    host.locator("#facilitator-panel").get_by_role("button", name="Close poll").click()
    results = host.locator("#poll-card .poll-results")
    expect(results).to_contain_text("1 of 1 chose Either is fine")
    expect(results).to_contain_text("Only facilitators see these results.")
    closed = ash.locator("#poll-card")
    expect(closed).to_contain_text("The facilitators have the results.")
    expect(closed.locator(".poll-result")).to_have_count(0)
    expect(closed.get_by_role("button")).to_have_count(1)  # only "Hide results"


def test_the_check_in_reads_in_the_attendees_language(
    demo: Demo, people: People, shot: Shot
) -> None:
    """The scale carries no words: an Arabic page asks in Arabic, with Arabic labels and
    digits, whatever the facilitator's language."""
    host = people.page(**LAPTOP)
    sign_in(host, demo.url, *demo.facilitator)
    join(host, demo.meeting_url, "Host Rowan", facilitator=True)
    nasim = people.page(**PHONE)
    nasim.goto(f"{demo.url}/")
    nasim.locator("#lang").select_option("ar")
    join(nasim, demo.meeting_url, "نسيم هادئ")

    host.get_by_role("button", name="Start a poll").click()
    host.get_by_role("button", name="How are you arriving today? (1–5)").click()
    group = nasim.locator("#poll-card").get_by_role("group", name="كيف تشعر وأنت تنضم إلينا اليوم؟")
    expect(group).to_be_visible()
    # Digits as the browser's Arabic formats them (Arabic-Indic or Latin, by its ICU).
    five, one = (nasim.evaluate(f"new Intl.NumberFormat('ar').format({n})") for n in (5, 1))
    group.get_by_role("button", name=f"{five} · بخير جدًا").click()
    expect(nasim.locator("#poll-card")).to_contain_text(f"إجابتك: {five} · بخير جدًا")
    shot(nasim, "poll-open-arabic", full_page=False)
    host.locator("#poll-card").get_by_role("button", name="Close poll").click()
    expect(host.locator("#poll-card .poll-results")).to_contain_text("1 of 1 chose 5 · Really good")
    expect(nasim.locator("#poll-card .poll-results")).to_contain_text(
        f"{one} من {one} اختاروا {five} · بخير جدًا"
    )
