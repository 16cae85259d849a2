"""Pseudonyms: generated names are friendly and unique; requested names protect people."""

from __future__ import annotations

import unicodedata

import pytest

from rooms import names
from rooms import protocol as p
from tests.rooms.test_core_support import Meeting

# Generated names ------------------------------------------------------------------


def test_twenty_people_without_a_name_all_get_different_english_names() -> None:
    meeting = Meeting.open(capacity=50)
    pids = [meeting.join(seed=7) for _ in range(20)]  # the same seed every time
    given = [meeting.pseudonym(pid) for pid in pids]
    assert len({g.casefold() for g in given}) == 20
    base = given[0]
    assert all(g.isascii() for g in given)
    assert given[1] == f"{base} 2"
    assert given[2] == f"{base} 3"
    for name in given:
        assert names.problem(name) is None


def test_an_arabic_meeting_gives_arabic_names_unique_too() -> None:
    meeting = Meeting.open(language="ar-EG", capacity=50)
    pids = [meeting.join(seed=3) for _ in range(5)] + [meeting.join() for _ in range(10)]
    given = [meeting.pseudonym(pid) for pid in pids]
    assert len({g.casefold() for g in given}) == len(given)
    for name in given:
        assert any(unicodedata.bidirectional(ch) == "AL" for ch in name), name
        assert names.problem(name) is None


def test_generated_name_avoids_a_name_someone_requested() -> None:
    taken = {names.generate(0, "en", set())}
    meeting = Meeting.open()
    meeting.join(pseudonym=next(iter(taken)).upper())  # "QUIET HERON"-style, other case
    pid = meeting.join(seed=0)
    assert meeting.pseudonym(pid).casefold() != next(iter(taken)).casefold()


def test_generate_is_deterministic() -> None:
    assert names.generate(42, "en", set()) == names.generate(42, "en", set())
    assert names.generate(42, "ar", set()) == names.generate(42, "ar", set())
    assert names.generate(42, "en", set()) != names.generate(43, "en", set())


def test_blank_requested_name_gets_a_generated_one() -> None:
    meeting = Meeting.open()
    pid = meeting.join(pseudonym="   ")
    assert meeting.pseudonym(pid).strip() != ""


# Requested names ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Jo",
        "Quiet Heron",
        "Amber Fox 2",
        "mary-ann_b.",
        "مريم",
        "نور الهدى",
        "Zoë",
        "Łukasz",
        "x" * 32,
        "Year 2024",
    ],
)
def test_reasonable_names_are_accepted(name: str) -> None:
    meeting = Meeting.open()
    pid = meeting.join(pseudonym=name)
    assert meeting.pseudonym(pid) == name


def test_requested_name_is_trimmed_and_spaces_collapsed() -> None:
    meeting = Meeting.open()
    pid = meeting.join(pseudonym="  Quiet    Heron  ")
    assert meeting.pseudonym(pid) == "Quiet Heron"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("J", "too short"),
        ("x" * 33, "too long"),
        ("Ann!", "symbol"),
        ("Ann <3", "symbol"),
        ("Ann\u200dBee", "invisible joiner"),
        ("....", "no letter"),
        ("1234", "no letter"),
        ("ann@example.org", "e-mail"),
        ("ann at example.com", "e-mail written out"),
        ("ann.smith.gmail.com", "e-mail without the at"),
        ("0791 123 4567", "phone"),
        ("call 555 1234 x", "phone"),
        ("٠٧٩١١٢٣٤٥٦٧ سارة", "phone in Arabic-Indic digits"),
        ("www.example", "url"),
        ("example.org", "url"),
        ("heron . net", "url with spaces"),
        ("quiet.heron.io", "url"),
    ],
)
def test_requested_names_that_break_the_rules_are_refused(name: str, why: str) -> None:
    meeting = Meeting.open()
    outcome = meeting.join_outcome(pseudonym=name)
    assert isinstance(outcome, p.Err), why
    assert outcome.code == "pseudonym_invalid"
    assert meeting.room.participants == {}
    assert meeting.events == []


def test_duplicate_name_is_refused_case_insensitively() -> None:
    meeting = Meeting.open()
    meeting.join(pseudonym="Quiet Heron")
    for attempt in ("quiet heron", "QUIET HERON", " Quiet  Heron "):
        outcome = meeting.join_outcome(pseudonym=attempt)
        assert isinstance(outcome, p.Err)
        assert outcome.code == "pseudonym_taken"


def test_a_facilitator_cannot_take_an_attendees_name_either() -> None:
    meeting = Meeting.open()
    meeting.join(pseudonym="Sam")
    outcome = meeting.join_outcome("facilitator", "sam")
    assert isinstance(outcome, p.Err)
    assert outcome.code == "pseudonym_taken"


def test_a_generated_name_blocks_the_same_requested_name() -> None:
    meeting = Meeting.open()
    pid = meeting.join()
    outcome = meeting.join_outcome(pseudonym=meeting.pseudonym(pid).lower())
    assert isinstance(outcome, p.Err)
    assert outcome.code == "pseudonym_taken"


def test_name_of_someone_waiting_in_the_lobby_is_taken() -> None:
    meeting = Meeting.open(lobby=True)
    meeting.join(pseudonym="Robin")
    outcome = meeting.join_outcome(pseudonym="robin")
    assert isinstance(outcome, p.Err)
    assert outcome.code == "pseudonym_taken"


def test_name_is_free_again_after_its_owner_left() -> None:
    meeting = Meeting.open()
    pid = meeting.join(pseudonym="Robin")
    meeting.ok(pid, p.Leave())
    assert meeting.pseudonym(meeting.join(pseudonym="Robin")) == "Robin"


def test_spelled_out_email_address_is_refused() -> None:
    assert names.problem("jane dot doe at gmail dot com") is not None


# Look-alikes, invisible characters and role names ---------------------------------


@pytest.mark.parametrize(
    "attempt",
    [
        "\u0405\u0430m",  # Cyrillic DZE and a
        "\uff33\uff41\uff4d",  # fullwidth
        "\U0001d412\U0001d41a\U0001d426",  # mathematical bold
        "SAM",
        "Sarn",  # "rn" reads as "m"
    ],
)
def test_a_name_that_looks_like_one_taken_is_taken(attempt: str) -> None:
    meeting = Meeting.open()
    meeting.join(pseudonym="Sam")
    before = list(meeting.events)
    outcome = meeting.join_outcome(pseudonym=attempt)
    assert isinstance(outcome, p.Err)
    assert outcome.code == "pseudonym_taken"
    assert meeting.events == before


def test_look_alike_arabic_letters_are_the_same_name() -> None:
    """Farsi yeh (U+06CC) and Arabic yeh (U+064A) draw the same."""
    meeting = Meeting.open(language="ar")
    meeting.join(pseudonym="مريم")
    outcome = meeting.join_outcome(pseudonym="مریم")
    assert isinstance(outcome, p.Err)
    assert outcome.code == "pseudonym_taken"


def test_a_generated_name_skips_a_look_alike_of_one_requested() -> None:
    base = names.generate(0, "en", set())
    look_alike = base.replace("e", "\u0435")  # Cyrillic e
    assert look_alike != base
    assert names.generate(0, "en", {look_alike}) == f"{base} 2"


@pytest.mark.parametrize(
    "name",
    [
        "Sam\u3164",  # Hangul filler
        "\u3164\u3164",
        "Sa\u115fm",
        "Sam\uffa0",
        "S\u034fam",  # combining grapheme joiner
        "Sam\ufe0f",  # variation selector
        "S\u200bam",  # zero-width space
        "Sam\u2060",  # word joiner
        "Sam\u202e",  # right-to-left override
        "Sam\u2066x",  # bidi isolate
        "Sam\U000e0041",  # tag
        "Sa\u180em",  # Mongolian vowel separator
        "Z" + "\u0301" * 8,  # a letter buried in marks
    ],
)
def test_invisible_and_filler_characters_are_refused(name: str) -> None:
    meeting = Meeting.open()
    outcome = meeting.join_outcome(pseudonym=name)
    assert isinstance(outcome, p.Err), repr(name)
    assert outcome.code == "pseudonym_invalid"
    assert meeting.events == []


@pytest.mark.parametrize(
    "name",
    [
        "Facilitator",
        "facilitator",
        "F a c i l i t a t o r",
        "FaciIitator",  # capital I for l
        "\uff26\uff41\uff43\uff49\uff4c\uff49\uff54\uff41\uff54\uff4f\uff52",
        "M0derator",
        "Moderator Sam",
        "FacilitatorSam",
        "Host",
        "HOST 2",
        "Admin",
        "\u0410dmin",  # Cyrillic A
        "Organiser",
        "ميسر",
        "ميسّر",
        "مـيسر",  # tatweel
        "المشرف",
        "مشرف",
        "مضيف",
        "مدير",
        "مدیر",  # Farsi yeh
    ],
)
def test_attendees_cannot_take_a_role_name(name: str) -> None:
    meeting = Meeting.open()
    outcome = meeting.join_outcome(pseudonym=name)
    assert isinstance(outcome, p.Err), name
    assert outcome.code == "pseudonym_invalid"
    assert meeting.events == []


@pytest.mark.parametrize("name", ["Ghost", "Hostess", "Sam", "Modesty", "Admiral", "مريم"])
def test_names_merely_near_a_role_are_fine(name: str) -> None:
    assert not names.reserved(name)


def test_a_facilitator_may_be_called_facilitator() -> None:
    meeting = Meeting.open()
    pid = meeting.join("facilitator", "Facilitator")
    assert meeting.pseudonym(pid) == "Facilitator"


@pytest.mark.parametrize(
    "name",
    [
        "Sam 0 7 7 0 0 9 0 0 1 2 3",
        "sam at gmail dot com",
        "sam at gmail",
        "sam gmail.com",
        "sam hotmail dot com",
        "heron dot org",
        "nine one one two two three four",
        "Sam double 7 triple 5 one 2",
        "سارة خمسة خمسة خمسة واحد اثنين ثلاثة",
        "Sam \uff10\uff17\uff17\uff10\uff10\uff19\uff10",  # fullwidth digits
    ],
)
def test_spaced_and_spelled_out_contact_details_are_refused(name: str) -> None:
    assert names.problem(names.normalise(name)) is not None, name


def test_five_five_five_one_two_three_four_is_refused() -> None:
    """Too long to be a name anyway, like most spelled-out numbers."""
    assert names.problem("five five five one two three four") is not None


@pytest.mark.parametrize("name", ["One Two", "Seven Oaks", "Nine Lives", "Sam at Home"])
def test_a_few_number_words_are_fine(name: str) -> None:
    assert names.problem(name) is None
