"""The group's guard on messages, in the core: links from facilitators only, masked
words, and authors taking their messages back."""

from __future__ import annotations

import random
import string

import msgspec
import pytest

from rooms import config as room_config
from rooms import messages, views
from rooms import protocol as p
from rooms.reducer import Forget
from tests.rooms.test_core_support import Meeting

WORDS = ("idiot", "Acme Clinic", "dumb", "كلب")


def room(**overrides: object) -> tuple[Meeting, str, str, str]:
    meeting = Meeting.open(**overrides)
    host = meeting.facilitator()
    ann = meeting.join(pseudonym="Ann")
    bea = meeting.join(pseudonym="Bea")
    return meeting, host, ann, bea


# Links --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["see example.org", "www example com", "https://x.test"])
def test_an_attendees_link_is_refused_when_links_are_for_facilitators(text: str) -> None:
    meeting, _, ann, _ = room(links_from_facilitators_only=True)
    assert meeting.refused(ann, p.Say(text=text)) == "links_not_allowed"
    assert meeting.room.messages == {}
    assert meeting.room.participants[ann].last_said_ms is None  # no slow-mode wait for it


def test_a_facilitator_may_post_a_link_and_an_attendee_plain_text() -> None:
    meeting, host, ann, _ = room(links_from_facilitators_only=True)
    assert meeting.last("joined")
    meeting.say(host, "our leaflet: example.org/leaflet")
    meeting.say(ann, "thank you, I have been sober 1000 days since 2019")
    assert [m.text for m in meeting.room.messages.values()] == [
        "our leaflet: example.org/leaflet",
        "thank you, I have been sober 1000 days since 2019",
    ]


def test_an_attendee_may_whisper_a_link_to_the_facilitators() -> None:
    meeting, _, ann, _ = room(links_from_facilitators_only=True)
    meeting.ok(ann, p.Whisper(text="the site I meant: example.org"))
    assert meeting.last("whisper").body["text"] == "the site I meant: example.org"


def test_without_the_setting_anyone_may_post_a_link() -> None:
    meeting, _, ann, _ = room()
    meeting.say(ann, "see example.org")
    assert meeting.last("message").body["text"] == "see example.org"


# Masking ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "shown", "count"),
    [
        ("you idiot", "you •••", 1),
        ("IDIOT! Idiot.", "•••! •••.", 2),
        ("ıdıot and іdіот and 1diot", "••• and ••• and •••", 3),  # dotless i, Cyrillic, one
        ("ｉｄｉｏｔ", "•••", 1),
        ("idiotic idiots", "idiotic idiots", 0),  # whole words only
        ("I went to acme   CLINIC today", "I went to ••• today", 1),
        ("acme is a shop; the clinic is near", "acme is a shop; the clinic is near", 0),
        ("يا كلب", "يا •••", 1),
        ("dumbbell", "dumbbell", 0),
    ],
)
def test_listed_words_are_masked_for_everyone(said: str, shown: str, count: int) -> None:
    meeting, _, ann, _ = room(masked_words=WORDS)
    mid = meeting.say(ann, said)
    body = meeting.last("message").body
    assert (body["text"], body["masked"]) == (shown, count)
    assert meeting.room.messages[mid].text == shown


def test_the_original_of_a_masked_word_is_nowhere_in_the_room() -> None:
    meeting, host, ann, bea = room(masked_words=WORDS, late_joiners_see_history=True)
    mid = meeting.say(ann, "Bea you IDIOT")
    meeting.ok(bea, p.Report(message_id=mid, reason="rude"))
    late = meeting.join(pseudonym="Cal")
    seen = repr((meeting.room, meeting.events, views.recent_messages(meeting.room)))
    assert "IDIOT" not in seen and "•••" in seen
    assert all(meeting.sees(x, meeting.last("message")) for x in (host, ann, bea, late))


def test_a_message_without_listed_words_is_untouched() -> None:
    meeting, _, ann, _ = room(masked_words=WORDS)
    meeting.say(ann, "a quiet week, thank you")
    body = meeting.last("message").body
    assert (body["text"], body["masked"]) == ("a quiet week, thank you", 0)


def test_the_word_list_is_folded_once_per_list() -> None:
    """Per room, not per message: the same tuple gives the same precomputed list."""
    first = messages.word_list(WORDS)
    assert messages.word_list(tuple(WORDS)) is first
    fold = messages.fold
    assert fold("idiot") in first.words
    assert first.phrases == {fold("acme"): ((fold("clinic"),),)}


def test_a_count_masked_before_the_log_is_kept() -> None:
    """The shell masks before appending; the message still says how many it masked."""
    meeting, _, ann, _ = room(masked_words=WORDS)
    meeting.ok(ann, p.Say(text="you •••", masked=1))
    assert meeting.last("message").body["masked"] == 1


# Taking back --------------------------------------------------------------------------


def test_an_author_takes_back_their_message_for_everyone() -> None:
    meeting, host, ann, bea = room()
    mid = meeting.say(ann, "I should not have said that")
    before = meeting.seq
    meeting.ok(ann, p.Retract(message_id=mid))
    (event,) = meeting.since(before)
    assert (event.type, event.body) == (
        "message_deleted",
        {"message_id": mid, "by": ann, "retracted": True},
    )
    assert all(meeting.sees(x, event) for x in (host, ann, bea))
    assert meeting.room.messages[mid].text == ""
    assert "should not" not in repr(meeting.room)
    assert meeting.refused(bea, p.React(message_id=mid, emoji="❤️")) == "no_such_message"


def test_a_facilitator_takes_back_their_own_message_too() -> None:
    meeting, host, _, _ = room()
    mid = meeting.say(host, "wrong link, sorry")
    meeting.ok(host, p.Retract(message_id=mid))
    assert meeting.last("message_deleted").body["retracted"] is True


def test_nobody_takes_back_someone_elses_message() -> None:
    meeting, host, ann, bea = room()
    mid = meeting.say(ann, "mine")
    assert meeting.refused(bea, p.Retract(message_id=mid)) == "not_allowed"
    assert meeting.refused(host, p.Retract(message_id=mid)) == "not_allowed"
    assert meeting.room.messages[mid].text == "mine"


def test_an_unknown_or_gone_message_cannot_be_taken_back() -> None:
    meeting, host, ann, _ = room()
    assert meeting.refused(ann, p.Retract(message_id="m99")) == "no_such_message"
    mid = meeting.say(ann, "once")
    meeting.ok(ann, p.Retract(message_id=mid))
    assert meeting.refused(ann, p.Retract(message_id=mid)) == "no_such_message"
    other = meeting.say(ann, "deleted by the host")
    meeting.ok(host, p.Delete(message_id=other))
    assert meeting.refused(ann, p.Retract(message_id=other)) == "no_such_message"


def test_a_resume_after_a_retraction_does_not_replay_the_text() -> None:
    """The shell drops what the core forgets from its history: what a resume replays."""
    meeting, _, ann, bea = room()
    mid = meeting.say(ann, "a very personal detail")
    said = meeting.last("message").seq
    meeting.ok(ann, p.Retract(message_id=mid))
    forgotten = {e.seq for e in meeting.effects if isinstance(e, Forget)}
    assert forgotten == {said}
    history = [e for e in meeting.events if e.seq not in forgotten]
    replay = [e for e in history if views.can_replay(meeting.room, e, bea)]
    assert [e.type for e in replay] == ["message_deleted"]
    assert "personal" not in repr(replay)


def test_a_report_keeps_the_text_of_a_message_taken_back_for_facilitators() -> None:
    meeting, _, ann, bea = room()
    mid = meeting.say(ann, "something hurtful")
    meeting.ok(bea, p.Report(message_id=mid, reason="hurtful"))
    meeting.ok(ann, p.Retract(message_id=mid))
    (alert,) = meeting.room.alerts.values()
    assert alert.text == "something hurtful"


def test_the_room_config_decodes_without_the_guard_fields() -> None:
    """A log written before the guard (no such fields) still opens its room."""
    config = msgspec.json.decode(
        msgspec.json.encode(
            {k: v for k, v in msgspec.structs.asdict(Meeting.open().room.config).items()  # type: ignore[arg-type]
             if k not in {"links_from_facilitators_only", "masked_words"}}
        ),
        type=room_config.RoomConfig,
    )  # fmt: skip
    assert config.masked_words == () and config.links_from_facilitators_only is False


def test_ascii_words_fold_letter_by_letter_as_they_would_whole() -> None:
    """The fast path for ASCII text folds each letter alone; it must agree with the
    whole-word fold, or a listed word would slip through it."""
    rng = random.Random(12)
    alphabet = string.ascii_letters + string.digits + "_"
    for _ in range(3000):
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        assert messages.fold(word) == messages._fold(word), word
    text = "Hello IDIOT, 1diot and ldlot: all the same"
    assert messages.mask(text, ("idiot",)) == ("Hello •••, ••• and •••: all the same", 3)
