"""What people write in the room: messages, reactions, taking a message back, and the
group's guard on them (links from facilitators only, masked words).

Masking is done before a message is kept or sent anywhere, so the room, its events
and the room log hold only the masked text: the shell masks a `say` before it is
appended (Replica.submission) and the reducer masks again, which finds nothing more.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rooms import config, identifying, names
from rooms import protocol as p
from rooms.entry import Ctx, Refused, config_of, message_of
from rooms.state import MAX_MESSAGES, Message, Participant

MASK = "•••"
LINKS_REFUSED = "Only facilitators may post links in this group."
# A word, with its combining marks ("café" decomposed, Arabic vowel signs).
_WORD = re.compile(r"(?:\w|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])+")


def fold(word: str) -> str:
    """What a word is masked by: case, look-alike letters (TR39 skeleton of the upper
    case, where "i", "l", "1" and "ı" meet), fullwidth or styled letters and marks
    ignored, so "IDIOT", "ıdıot", "1diot" and Cyrillic "іdіот" are all the same."""
    if word.isascii():
        return word.translate(_ASCII)  # the same, letter by letter, without a cache
    return _fold(word)


@lru_cache(maxsize=16384)
def _fold(word: str) -> str:
    shape = names.key(names.skeleton(unicodedata.normalize("NFKC", word).upper()))
    return "".join(ch for ch in shape if not unicodedata.category(ch).startswith("M"))


_ASCII = str.maketrans({chr(c): _fold(chr(c)) for c in range(128) if chr(c).isalnum() or c == 95})


@dataclass(frozen=True, slots=True)
class WordList:
    """A group's masked words, folded once per room: single words, and phrases by
    their first word (the rest of each, longest first)."""

    words: frozenset[str]
    phrases: dict[str, tuple[tuple[str, ...], ...]]
    starts: frozenset[str]  # what a match starts with: a word, or a phrase's first


@lru_cache(maxsize=256)
def word_list(entries: tuple[str, ...]) -> WordList:
    words: set[str] = set()
    phrases: dict[str, list[tuple[str, ...]]] = {}
    for entry in entries:
        keys = tuple(fold(w) for w in _WORD.findall(entry))
        if len(keys) == 1:
            words.add(keys[0])
        elif keys:
            phrases.setdefault(keys[0], []).append(keys[1:])
    ordered = {k: tuple(sorted(v, key=len, reverse=True)) for k, v in phrases.items()}
    return WordList(frozenset(words), ordered, frozenset(words) | frozenset(ordered))


def mask(text: str, entries: tuple[str, ...]) -> tuple[str, int]:
    """`text` with every listed word or phrase (whole words only) replaced by MASK,
    and how many were."""
    if not entries:
        return text, 0
    listed = word_list(entries)
    # Most messages match nothing: find that out in a few C calls, without match objects
    # (ASCII text folds letter by letter, so it folds whole before it is split).
    keys = (
        _WORD.findall(text.translate(_ASCII)) if text.isascii() else map(fold, _WORD.findall(text))
    )
    if listed.starts.isdisjoint(keys):
        return text, 0
    found = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    out: list[str] = []
    done, count, i = 0, 0, 0
    while i < len(found):
        start, _, key = found[i]
        span = 1 if key in listed.words else 0
        for rest in listed.phrases.get(key, ()):
            if tuple(f[2] for f in found[i + 1 : i + 1 + len(rest)]) == rest:
                span = 1 + len(rest)
                break
        if span:
            out.append(text[done:start])
            out.append(MASK)
            done = found[i + span - 1][1]
            count += 1
            i += span
        else:
            i += 1
    if not count:
        return text, 0
    out.append(text[done:])
    return "".join(out), count


def refuses_link(config: config.RoomConfig, person: Participant, text: str) -> bool:
    return (
        config.links_from_facilitators_only
        and person.role != "facilitator"
        and identifying.has_link(text)
    )


def say(ctx: Ctx, person: Participant, command: p.Say) -> p.Ok:
    room = ctx.room
    config = config_of(room)
    facilitator = person.role == "facilitator"
    if person.muted:
        raise Refused("muted", "You are muted.")
    holder = room.floor.participant_id if room.floor else None
    if (
        holder is not None
        and holder != person.id
        and not room.settings.crosstalk
        and not facilitator
    ):
        raise Refused("not_your_turn", "Someone is sharing; crosstalk is off.")
    slow = room.settings.slow_mode_seconds * 1000
    last = person.last_said_ms
    if slow and not facilitator and last is not None and ctx.at < last + slow:
        raise Refused("slow_mode", f"Slow mode: one message every {slow // 1000} seconds.")
    if config.links_from_facilitators_only and refuses_link(config, person, command.text):
        raise Refused("links_not_allowed", LINKS_REFUSED)
    text, masked = (
        mask(command.text, config.masked_words) if config.masked_words else (command.text, 0)
    )
    person.last_said_ms = ctx.at
    room.counter_messages += 1
    share = holder == person.id
    message = Message(
        f"m{room.counter_messages}", person.id, person.pseudonym, text, share,
        room.event_seq + 1, ctx.at, masked=masked + command.masked,
    )  # fmt: skip
    room.messages[message.id] = message
    if len(room.messages) > MAX_MESSAGES:
        del room.messages[next(iter(room.messages))]
    ctx.emit(
        "message",
        {
            "message_id": message.id,
            "participant_id": person.id,
            "pseudonym": person.pseudonym,
            "text": message.text,
            "share": share,
            "masked": message.masked,
        },
    )
    return p.Ok()


def react(ctx: Ctx, person: Participant, command: p.React) -> p.Ok:
    message = message_of(ctx.room, command.message_id)
    voters = message.reactions.setdefault(command.emoji, set())
    # A toggle: the same emoji again from the same person takes the reaction back.
    if person.id in voters:
        voters.discard(person.id)
    else:
        voters.add(person.id)
    ctx.emit(
        "reaction",
        {"message_id": message.id, "emoji": command.emoji, "count": len(voters)},
    )
    return p.Ok()


def retract(ctx: Ctx, person: Participant, command: p.Retract) -> p.Ok:
    """The author takes a message back; unlike a facilitator's delete, not audited."""
    message = message_of(ctx.room, command.message_id)
    if message.participant_id != person.id:
        raise Refused("not_allowed", "You can only take back your own messages.")
    withdraw(ctx, message, person.id, retracted=True)
    return p.Ok()


def withdraw(ctx: Ctx, message: Message, by: str, *, retracted: bool) -> None:
    """Takes a message's text out of the room, and its event out of what a resume
    replays: nobody who reconnects, and no late joiner, gets it again. A report alert
    keeps the text: the facilitators had it already."""
    message.deleted = True
    message.text = ""
    body = {"message_id": message.id, "by": by, "retracted": retracted}
    ctx.emit("message_deleted", body)
    ctx.forget(message.seq)
