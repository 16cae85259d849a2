"""Languages by name, in the reader's language: "pt-BR" reads "Brazilian Portuguese"
in English and "البرتغالية البرازيلية" in Arabic (Babel's CLDR tables), and dates and
times as the interface language writes them."""

from __future__ import annotations

from datetime import datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

# The interface languages as CLDR locales: Hearth's English is British ("organiser").
UI_LOCALES = {"en": "en_GB", "ar": "ar"}


def _locale(ui: str) -> Locale:
    return Locale.parse(UI_LOCALES.get(ui, "en_GB"))


def language_name(code: str, ui: str) -> str:
    """The name of the language `code` (BCP 47, any case) in the interface language
    `ui`; the code itself when CLDR does not know it."""
    parts = code.strip().replace("_", "-").split("-")
    if not parts[0].isalpha():
        return code
    subtags = (p.upper() if len(p) == 2 else p.title() for p in parts[1:])
    tag = "_".join([parts[0].lower(), *subtags])
    reader = _locale(ui)
    if name := reader.languages.get(tag):
        return str(name)
    try:
        return str(Locale.parse(tag).get_display_name(reader) or code)
    except (ValueError, UnknownLocaleError):
        return str(reader.languages.get(parts[0].lower(), code))


def when(starts_at: datetime, ends_at: datetime, ui: str) -> str:
    """ "Tuesday 16 March 2027, 19:00–20:00" for two aware local times."""
    locale = _locale(ui)
    day = format_date(starts_at.date(), format="full", locale=locale)
    start = format_time(starts_at, format="short", locale=locale)
    end = format_time(ends_at, format="short", locale=locale)
    return f"{day}, {start}–{end}"


def og_locale(ui: str) -> str:
    """OpenGraph's language_TERRITORY form of an interface language."""
    return {"en": "en_GB", "ar": "ar_AR"}.get(ui, "en_GB")
