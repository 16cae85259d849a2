"""Group languages: BCP 47 tags in one spelling, shown by name in the reader's language.

Tags are compared in their canonical case (`pt-br`, `PT-BR` and `pt-BR` are one tag,
RFC 5646 section 2.1.1), so a group stored as `pt-BR` is found by any spelling; the
catalogue once lowercased only the query and found nothing. Names come from Babel's
CLDR data, so "pt-BR" reads "Portuguese (Brazil)" in English and in Arabic script
in Arabic, without a table of our own to keep up.
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale, UnknownLocaleError

# language[-script][-region](-variant)*: the subtags people pick a group language with.
# Extensions and private use are left out: no one chooses a group by them.
_TAG = re.compile(
    r"^(?P<language>[a-z]{2,3})(?:-(?P<script>[a-z]{4}))?(?:-(?P<region>[a-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)$",
    re.IGNORECASE,
)
MAX_TAG = 35


def normalise(tag: str) -> str | None:
    """The tag in its canonical case (`pt-br` -> `pt-BR`, `zh-hant` -> `zh-Hant`), or
    None when it is not a well-formed language tag."""
    match = _TAG.match(tag.strip()) if len(tag) <= MAX_TAG else None
    if match is None:
        return None
    parts = [match["language"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    parts += [v.lower() for v in match["variants"].split("-") if v]
    return "-".join(parts)


@cache
def display_name(tag: str, reader: str) -> str:
    """`tag`'s name in the reader's language; its language alone if the region or
    script is unknown to CLDR; the tag itself if even that is."""
    canonical = normalise(tag) or tag
    for candidate in (canonical, canonical.split("-")[0]):
        try:
            name = Locale.parse(candidate, sep="-").get_display_name(reader)
        except (UnknownLocaleError, ValueError):
            continue
        if name:
            return name
    return canonical
