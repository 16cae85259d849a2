"""The checks text, links and time zones pass on their way in, for every API module.

Text fields are trimmed before their lengths are checked, and refuse control
characters (single-line fields any, multi-line ones all but newline and tab).
Each check returns the cleaned value or raises a 400 naming the field.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from server.api.errors import invalid
from server.schedule import known_zone


def clean_text(
    value: str, field: str, *, min_len: int = 0, max_len: int, multiline: bool = False
) -> str:
    """Trimmed text of min_len..max_len characters, without control characters.

    PostgreSQL refuses NUL outright; a newline in a one-line field breaks layouts.
    Multi-line text keeps newlines and tabs, with Windows line ends made plain.
    """
    text = value.strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    allowed = "\n\t" if multiline else ""
    if any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in text):
        raise invalid({field: "Must not contain control characters."})
    if len(text) < min_len:
        raise invalid({field: "This field is required." if not text else "Too short."})
    if len(text) > max_len:
        raise invalid({field: f"At most {max_len} characters."})
    return text


def check_zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or a 400 on `timezone`."""
    zone = known_zone(name)
    if zone is None:
        raise invalid({"timezone": "Not a known IANA time zone, e.g. Europe/London."})
    return zone


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host, at most 2048 characters, or a 400 on `url`.

    Refuses user:password@ too: "https://samaritans.org@example.com" goes to
    example.com, and these links are shown to people in distress.
    """
    url = url.strip()
    if not url:
        raise invalid({"url": "This field is required."})
    if len(url) > 2048:
        raise invalid({"url": "At most 2048 characters."})
    if any(ord(c) <= 32 or 127 <= ord(c) <= 159 for c in url):
        raise invalid({"url": "A URL must not contain spaces or control characters."})
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise invalid({"url": "Not a valid URL."}) from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise invalid({"url": "Only http:// and https:// links with a host are allowed."})
    if "@" in parts.netloc:
        raise invalid({"url": "A link must not contain a user name or password."})
    return url
