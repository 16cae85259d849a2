"""The interface's words on the server: the same tables the browser uses.

static/js/strings/{lang}.js holds one `"key": "value",` per line (tests/static checks
that every locale has the same keys), so a page rendered here says exactly what the
same page says once its scripts run, in the same languages, without a second copy.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

LANGUAGES: dict[str, tuple[str, str]] = {"en": ("English", "ltr"), "ar": ("العربية", "rtl")}
_ENTRY = re.compile(r'^\s*("[\w.]+")\s*:\s*(".*")\s*,?\s*$')
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def strings(static_dir: Path, lang: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in (static_dir / "js" / "strings" / f"{lang}.js").read_text().splitlines():
        if match := _ENTRY.match(line):
            table[json.loads(match.group(1))] = json.loads(match.group(2))
    return table


def translator(static_dir: Path, lang: str) -> Translate:
    return Translate(strings(static_dir, lang), strings(static_dir, "en"))


class Translate:
    """t("catalogue.zone", zone="UTC"): the current language's string, else English's,
    else the key (a missing key shows, rather than a blank)."""

    def __init__(self, table: dict[str, str], fallback: dict[str, str]) -> None:
        self.table, self.fallback = table, fallback

    def __call__(self, key: str, **params: object) -> str:
        text = self.table.get(key) or self.fallback.get(key) or key
        return _PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), m.group(0))), text)
