"""Text that may give away who someone is: an e-mail address, a phone number, a link.

One set of rules for pseudonyms (rooms/names.py, refused) and for messages (the
browser asks before sending; a group may refuse links from attendees), mirrored in
static/js/identifying.js; tests/rooms/test_identifying.py runs both on one table.

A name is short, so any seven digits in it count, and a dot before "com" may be
spaced out. Free text is looser, or it would flag "sober 1000 days since 2019" and
"I said no. Me too": a phone number is seven digits (or digit words) in one run with
only spaces, dashes, dots, parentheses or "+" between them, and a dotted link needs
a letter or digit right before the dot ("example.org"), unless it is spelled out
("example dot org", "www example com").
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Kind = Literal["email", "phone", "url"]

_TLDS = "com|org|net|io|co|uk|me|info|app|dev|de|fr|ly|gg|tv|xyz"
_MAILERS = "gmail|googlemail|hotmail|yahoo|outlook|icloud|proton(?:mail)?|aol|gmx|yandex"
_EMAIL = re.compile(
    r"\S@\S|\S\s*(?:\(at\)|\[at\])\s*\S|\b\w+\s+at\s+\w+\s+dot\s+\w+\b"
    rf"|\b(?:at|@)\s*(?:{_MAILERS})\b"
    r"|\b(?:gmail|googlemail|hotmail|yahoo|outlook|icloud|protonmail)\s*(?:dot|\.)?\s*com\b",
    re.IGNORECASE,
)
_URL = re.compile(
    rf"\b(?:https?|ftp)\s*:|\bwww\s*\.|\bwww\s+\w|\w\.(?:{_TLDS})\b"
    rf"|\w\s*\.\s*(?:com|org)\b|\bdot\s+(?:{_TLDS})\b",
    re.IGNORECASE,
)
# Every web address the rules above find has one of these: a cheap first look.
_MAYBE_URL = re.compile(r"[.:．]|www|dot", re.IGNORECASE)
# A name may space out any dot: "sam . co . uk".
_NAME_URL = re.compile(rf"\.\s*(?:{_TLDS})\b", re.IGNORECASE)
# Digits spelled out, in the two languages Hearth names people in ("oh" is left out: it
# is a word, and "0" written as the letter O is one of the misses in rooms/names.py).
NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "double", "triple", "صفر", "واحد", "اثنين", "اثنان", "ثلاثة", "ثلاثه", "اربعة",
    "أربعة", "خمسة", "خمسه", "ستة", "سته", "سبعة", "سبعه", "ثمانية", "ثمانيه", "تسعة",
    "تسعه",
)  # fmt: skip
_WORDS = frozenset(NUMBER_WORDS)
PHONE_DIGITS = 7
_DIGIT_OR_WORD = r"(?:\d|\b(?:" + "|".join(NUMBER_WORDS) + r")\b)"
_PHONE_RUN = re.compile(rf"{_DIGIT_OR_WORD}(?:[\s\-.()+]{{0,3}}{_DIGIT_OR_WORD})*", re.IGNORECASE)
_DATE = re.compile(r"\d{1,4}[-.]\d{1,2}[-.]\d{1,4}")


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text)  # fullwidth "＠", styled letters


def _count(run: str) -> int:
    """Digits in a run, a spelled one counting once ("triple" twice: three of the next)."""
    words = (w for w in re.split(r"[\s\-.()+]+", run.casefold()) if w in _WORDS)
    return sum(ch.isdigit() for ch in run) + sum(2 if w == "triple" else 1 for w in words)


def _phone(plain: str) -> bool:
    for match in _PHONE_RUN.finditer(plain):
        run = match.group()
        if _count(run) >= PHONE_DIGITS and not _DATE.fullmatch(run):
            return True
    return False


def has_link(text: str) -> bool:
    """Whether free text holds a web address, written out or spelled out."""
    plain = _plain(text)
    return _MAYBE_URL.search(plain) is not None and _URL.search(plain) is not None


def looks_identifying(text: str) -> Kind | None:
    """What in a message may identify its author or someone else, or None."""
    plain = _plain(text)
    if _EMAIL.search(plain):
        return "email"
    if _MAYBE_URL.search(plain) and _URL.search(plain):
        return "url"
    if _phone(plain):
        return "phone"
    return None


def name_kind(name: str) -> Kind | None:
    """The same for a pseudonym, more strictly: any "@", any seven digits, any dot."""
    plain = _plain(name)
    if "@" in plain or _EMAIL.search(plain):
        return "email"
    if _URL.search(plain) or _NAME_URL.search(plain):
        return "url"
    words = re.split(r"[\s\-_.]+", plain.casefold())
    spelled = sum(2 if w == "triple" else 1 for w in words if w in _WORDS)
    if sum(ch.isdigit() for ch in plain) + spelled >= PHONE_DIGITS:
        return "phone"
    return None
