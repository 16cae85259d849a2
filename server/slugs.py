"""Readable slugs for public URLs: /groups/{id}/{slug}.

The id alone finds the group; the slug is for people reading the link and for search
engines, so it follows the name (a rename changes it, and old links redirect). It keeps
letters of every script, so an Arabic name reads as Arabic, not as an empty string.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

MAX_SLUG = 60


def slugify(name: str) -> str:
    """ "Grief & Loss — Evenings" -> "grief-loss-evenings"; "" when nothing readable is left."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    # Accents go (é -> e), but marks that are part of a script's letters stay
    # (Arabic and Devanagari vowel signs are combining marks too).
    kept = "".join(
        ch
        for ch in decomposed
        if not (unicodedata.combining(ch) and unicodedata.category(ch) == "Mn" and ch < "\u0370")
    )
    # A letter, digit or mark belongs to a word (Devanagari vowel signs are marks);
    # anything else (spaces, punctuation, symbols, emoji) separates words.
    spaced = "".join(
        ch if ch.isalnum() or unicodedata.category(ch).startswith("M") else " "
        for ch in unicodedata.normalize("NFC", kept)
    )
    return "-".join(spaced.split())[:MAX_SLUG].strip("-")


def group_path(group_id: str, name: str) -> str:
    """The canonical path of a listed group's page, percent-encoded."""
    slug = slugify(name)
    base = f"/groups/{quote(group_id, safe='')}"
    return f"{base}/{quote(slug, safe='')}" if slug else base
