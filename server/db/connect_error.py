"""One line for an operator whose database cannot be reached, instead of a traceback.

The driver's exception sits somewhere in a chain (SQLAlchemy wraps asyncpg's, which
wraps the socket's); the line names the setting, the host and port (never the
password in the URL) and the reason in plain words.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

# SQLite's words for a file it cannot open or write; any other error is a bug, not a setting.
_SQLITE_CANNOT_OPEN = ("unable to open", "readonly database", "disk I/O error", "not a database")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _where(url: str) -> str:
    try:
        parts = make_url(url)
    except ArgumentError:
        return "the configured address"
    return f"{parts.host or 'localhost'}:{parts.port or 5432}"


def _postgres_reason(exc: BaseException) -> str | None:
    name = type(exc).__name__
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if name in {"InvalidPasswordError", "InvalidAuthorizationSpecificationError"}:
        return "the server refused the user name or password"
    if name == "InvalidCatalogNameError":
        return "the database does not exist"
    if name in {"CannotConnectNowError", "TooManyConnectionsError"}:
        return "the server is not accepting connections"
    if isinstance(exc, OSError):
        return (exc.strerror or str(exc) or name).lower()
    return None


def explain(exc: BaseException, url: str, setting: str) -> str | None:
    """The operator's line for a failure to open the database at `url` (named by the
    setting `setting`), or None when `exc` is not one (a bug: it keeps its traceback)."""
    if url.startswith("sqlite"):
        for cause in _chain(exc):
            opening = isinstance(cause, sqlite3.DatabaseError) and any(
                words in str(cause) for words in _SQLITE_CANNOT_OPEN
            )
            if opening or isinstance(cause, OSError):
                return f"{setting}: cannot open the SQLite database ({cause})"
        return None
    for cause in _chain(exc):
        reason = _postgres_reason(cause)
        if reason is not None:
            return f"{setting}: cannot connect to PostgreSQL at {_where(url)} ({reason})"
    return None
