"""Pseudonyms: friendly generated names, and checks on requested ones.

A requested name must not give away who someone is: names that look like an
e-mail address, a phone number or a web address are refused.
"""

from __future__ import annotations

import re
import unicodedata

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
    "نسمة", "غيمة", "واحة", "نخلة", "حمامة", "نجمة", "قمر", "شجرة", "زهرة", "فراشة",
    "موجة", "سنبلة", "غزالة", "لؤلؤة", "ياسمينة", "سحابة", "شمعة", "جدول", "ريشة", "وردة",
)  # fmt: skip
ARABIC_ADJECTIVES = (
    "هادئة", "لطيفة", "دافئة", "صافية", "مشرقة", "ساكنة", "رقيقة", "صبورة", "خضراء", "زرقاء",
    "فضية", "ذهبية", "طيبة", "حالمة", "باسمة", "ندية", "وديعة", "صادقة", "بهية", "آمنة",
)  # fmt: skip

MIN_LENGTH = 2
MAX_LENGTH = 32
_EMAIL = re.compile(
    r"\S+@\S+|\S+\s*(\(at\)|\[at\])\s*\S+|\b\w+\s+at\s+\w+\s+dot\s+\w+\b", re.IGNORECASE
)
_URL = re.compile(
    r"(https?|ftp)\s*:|www\s*\.|\.\s*(com|org|net|io|co|uk|me|info|app|dev|de|fr|ly|gg|tv)\b",
    re.IGNORECASE,
)


def generate(seed: int, language: str, taken: set[str]) -> str:
    """A friendly name from `seed`, unique among `taken` (case-insensitively)."""
    nouns: tuple[str, ...]
    adjectives: tuple[str, ...]
    if language.split("-")[0] == "ar":
        nouns, adjectives = ARABIC_NOUNS, ARABIC_ADJECTIVES
        base = f"{nouns[seed % len(nouns)]} {adjectives[(seed // len(nouns)) % len(adjectives)]}"
    else:
        nouns, adjectives = ENGLISH_NOUNS, ENGLISH_ADJECTIVES
        base = f"{adjectives[(seed // len(nouns)) % len(adjectives)]} {nouns[seed % len(nouns)]}"
    lowered = {t.casefold() for t in taken}
    name, n = base, 1
    while name.casefold() in lowered:
        n += 1
        name = f"{base} {n}"
    return name


def normalise(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split())


def problem(name: str) -> str | None:
    """Why a requested (normalised) name cannot be used, or None."""
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH:
        return f"A name has {MIN_LENGTH} to {MAX_LENGTH} characters."
    for ch in name:
        cat = unicodedata.category(ch)
        if not (cat[0] in {"L", "M", "N"} or ch in " -_."):
            return "Use letters, digits, spaces, - _ and . only."
    if not any(unicodedata.category(ch)[0] == "L" for ch in name):
        return "A name needs at least one letter."
    if _EMAIL.search(name) or "@" in name:
        return "That looks like an e-mail address; choose a name that does not identify you."
    if _URL.search(name):
        return "That looks like a web address; choose another name."
    if sum(ch.isdigit() for ch in name) >= 7:
        return "That looks like a phone number; choose a name that does not identify you."
    return None
