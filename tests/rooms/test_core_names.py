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
