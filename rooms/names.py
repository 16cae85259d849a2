"""Pseudonyms: friendly generated names, and checks on requested ones.

A requested name must not give away who someone is: names that look like an
e-mail address, a phone number or a web address (rooms/identifying.py) are refused,
also spaced out ("0 7 7 0 0 9 …"), spelled out ("sam at gmail dot com", "five five five one two
three four", in English or Arabic digits' names) or in fullwidth letters. Still let
through: contact details split over several words an attendee writes later, numbers
with tens spelled out ("seventy seven"), digits disguised as letters ("O77OO"),
number words of other languages, fewer than seven digits (a postcode, a house
number), social handles without "@", and real names, which no check can tell apart.

A name must not pass for someone else's either: names are compared by `key` (NFKC,
then the Unicode TR39 confusable skeleton, ignoring case), names that draw nothing
are refused, and `reserved` names the roles that attendees may not claim.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from confusable_homoglyphs.confusables import (  # type: ignore[import-untyped]
    confusables_data,
)

from rooms import identifying

ENGLISH_ADJECTIVES = (
    "Quiet", "Amber", "Gentle", "Bright", "Calm", "Steady", "Kind", "Warm", "Blue", "Green",
    "Silver", "Golden", "Soft", "Brave", "Patient", "Hopeful", "Clear", "Still", "Early", "Morning",
    "Evening", "Autumn", "Spring", "Summer", "Winter", "Misty", "Sunny", "Rosy", "Open", "True",
)  # fmt: skip
ENGLISH_NOUNS = (
    "Heron", "Fox", "Wren", "Otter", "Willow", "River", "Maple", "Sparrow", "Badger", "Robin",
    "Cedar", "Harbor", "Meadow", "Finch", "Lark", "Pine", "Brook", "Hare", "Owl", "Dove",
    "Fern", "Birch", "Swan", "Stone", "Moss", "Comet", "Lantern", "Oak", "Reed", "Tide",
)  # fmt: skip
ARABIC_NOUNS = (
    "نسمة", "غيمة", "واحة", "نخلة", "حمامة", "نجمة", "نحلة", "شجرة", "زهرة", "فراشة",
    "موجة", "سنبلة", "غزالة", "لؤلؤة", "ياسمينة", "سحابة", "شمعة", "سوسنة", "ريشة", "وردة",
)  # fmt: skip
ARABIC_ADJECTIVES = (
    "هادئة", "لطيفة", "دافئة", "صافية", "مشرقة", "ساكنة", "رقيقة", "صبورة", "خضراء", "زرقاء",
    "فضية", "ذهبية", "طيبة", "حالمة", "باسمة", "ندية", "وديعة", "صادقة", "بهية", "آمنة",
)  # fmt: skip

MIN_LENGTH = 2
MAX_LENGTH = 32

# Characters that draw nothing (or nothing of their own) yet are letters or marks by
# category, so the letters-digits-marks rule alone lets them through: the Hangul
# fillers, the combining grapheme joiner, variation selectors, Khmer inherent vowels,
# Mongolian free variation selectors. Format characters (zero-width spaces and
# joiners, bidi controls, tags) are refused by category already.
_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
_MAX_MARKS = 4  # combining marks on one letter: Arabic needs two or three, "zalgo" dozens


def _prototypes() -> dict[str, str]:
    """TR39's confusable-to-prototype map, from confusable_homoglyphs' bundled copy of
    Unicode's confusables.txt.

    That copy lists each pair both ways (source to prototype and back), with the
    left-to-right marks of the file's comments around right-to-left text. A source maps
    to exactly one prototype; a key with several entries, or whose one entry has several,
    is a prototype. For an isolated pair either way round gives the same classes.
    """
    strip = str.maketrans("", "", "\u200e\u200f")
    links: dict[str, list[str]] = {}
    for key, entries in confusables_data.items():
        links.setdefault(key.translate(strip), []).extend(
            str(e["c"]).translate(strip) for e in entries
        )
    mapping: dict[str, str] = {}
    for key, entries in links.items():
        if len(key) != 1 or len(entries) != 1:
            continue
        target = entries[0]
        if len(target) > 1 or len(links.get(target, ())) > 1:
            mapping[key] = target
        elif target:
            mapping[max(key, target)] = min(key, target)
    for _ in range(3):  # a few multi-letter prototypes hold letters that map on
        mapping = {k: "".join(mapping.get(c, c) for c in v) for k, v in mapping.items()}
    return mapping


_PROTOTYPE = _prototypes()


def skeleton(text: str) -> str:
    """UTS #39 skeleton: NFD, each character to its prototype, NFD again."""
    nfd = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(_PROTOTYPE.get(ch, ch) for ch in nfd))


@lru_cache(maxsize=4096)
def key(name: str) -> str:
    """What two names are compared by: equal keys look alike.

    NFKC (fullwidth and styled letters to plain ones), case folding, then the confusable
    skeleton, so that "Sam", "SAM", "Ѕаm" (Cyrillic), "Ｓａｍ" and "Sarn" agree. Case
    folds first so that "QUIET" stays "quiet" rather than "qulet" ("I" looks like "l").
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(skeleton(folded).casefold().split())


def _bare(name: str) -> set[str]:
    """`name` as the word(s) it spells, without separators, combining marks or tatweel
    ("F a c i l i t a t o r", "ميسّر", "مـيسر"), once with case folded first and once
    with the skeleton first, so "FaciIitator" (capital I for l) counts too."""
    plain = unicodedata.normalize("NFKC", name.replace("\u0640", ""))
    forms = {key(plain), key(skeleton(plain))}
    return {
        "".join(ch for ch in f if ch not in " -_." and not unicodedata.category(ch).startswith("M"))
        for f in forms
    }


_ROLE_WORDS = (
    "facilitator", "facilitators", "moderator", "moderators", "mod", "host", "cohost",
    "admin", "administrator", "organiser", "organizer",
    "ميسر", "ميسرة", "مشرف", "مشرفة", "مضيف", "مضيفة", "مدير", "مديرة", "منسق", "منسقة",
    "مسؤول", "ادمن", "أدمن",
)  # fmt: skip
_RESERVED = frozenset().union(
    *(_bare(w) for w in _ROLE_WORDS), *(_bare("ال" + w) for w in _ROLE_WORDS if not w.isascii())
)
# Long enough that finding one inside a name is not an accident ("FacilitatorSam").
_RESERVED_INSIDE = tuple(r for r in _RESERVED if len(r) >= 7)


def reserved(name: str) -> bool:
    """Whether `name` claims a role ("Facilitator", "Host 2", "ميسّر", "M0derator"):
    refused for attendees, so nobody can pass for the people running the meeting."""
    for whole in _bare(name):
        if whole in _RESERVED or any(r in whole for r in _RESERVED_INSIDE):
            return True
    words = (w for w in re.split(r"[\s\-_.]+", name) if w)
    return any(_bare(word) & _RESERVED for word in words)


def generate(seed: int, language: str, taken: set[str]) -> str:
    """A friendly name from `seed`, unique among `taken` (by `key`: case, look-alikes)."""
    nouns: tuple[str, ...]
    adjectives: tuple[str, ...]
    if language.split("-")[0] == "ar":
        nouns, adjectives = ARABIC_NOUNS, ARABIC_ADJECTIVES
        base = f"{nouns[seed % len(nouns)]} {adjectives[(seed // len(nouns)) % len(adjectives)]}"
    else:
        nouns, adjectives = ENGLISH_NOUNS, ENGLISH_ADJECTIVES
        base = f"{adjectives[(seed // len(nouns)) % len(adjectives)]} {nouns[seed % len(nouns)]}"
    lowered = {key(t) for t in taken}
    name, n = base, 1
    while key(name) in lowered:
        n += 1
        name = f"{base} {n}"
    return name


def normalise(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split())


def problem(name: str) -> str | None:
    """Why a requested (normalised) name cannot be used, or None."""
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH:
        return f"A name has {MIN_LENGTH} to {MAX_LENGTH} characters."
    marks = 0
    for ch in name:
        cat = unicodedata.category(ch)
        if ch in _INVISIBLE or not (cat[0] in {"L", "M", "N"} or ch in " -_."):
            return "Use letters, digits, spaces, - _ and . only."
        marks = marks + 1 if cat[0] == "M" else 0
        if marks > _MAX_MARKS:
            return "Use letters, digits, spaces, - _ and . only."
    if not any(unicodedata.category(ch)[0] == "L" for ch in name):
        return "A name needs at least one letter."
    kind = identifying.name_kind(name)
    if kind == "email":
        return "That looks like an e-mail address; choose a name that does not identify you."
    if kind == "url":
        return "That looks like a web address; choose another name."
    if kind == "phone":
        return "That looks like a phone number; choose a name that does not identify you."
    return None
