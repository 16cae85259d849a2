"""Logging set-up: plain lines on stderr that name no client and cannot be forged.

Two guards, both on the one handler every logger writes through:

- ClientAddressFilter runs before anything is formatted. uvicorn hands its own
  loggers the client as an argument ("[accepted]" lines get "::1:51234", trace lines
  a "127.0.0.1:51234 - " prefix); the filter replaces every argument that is an
  address, or an address with a port, before it can reach a line. It needs no
  regex: an argument is an address if `ipaddress` says so.
- RedactingFormatter then replaces any address still in the finished text (one an
  exception message carried, say) and escapes control characters, so that a path
  holding "\\r\\n" or an escape sequence stays on its own line and cannot pass for a
  record of its own.

The one address kept is the server's own, in uvicorn's "Uvicorn running on" line:
it is the operator's setting, not a person's.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any

CLIENT = "[client]"
REDACTED = "[addr]"
# Where uvicorn (0.55) hands a logger the client address as the first argument:
# '%s - "WebSocket %s" [accepted]' (and 403, and any status), and its access log.
# The number is where the path is, whose query string is dropped too.
_CLIENT_FIRST = (('%s - "WebSocket %s"', 1), ('%s - "%s %s HTTP/%s"', 2))
_OWN_ADDRESS = "Uvicorn running on "

# A word of letters, digits, dots, colons, brackets and zone ids: every written form
# of an address (with or without a port) is one, and `ipaddress` decides the rest.
_TOKEN = re.compile(r"[\w.:\[\]%]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def is_address(text: str) -> bool:
    """Whether text is an IP address, perhaps bracketed, zoned or followed by a port.

    Covers "127.0.0.1:5555", "[::1]:5555", "::1:55555" (as uvicorn writes it),
    "::ffff:127.0.0.1" and "fe80::1%eth0".
    """
    s = text.strip().removesuffix("-").strip()
    if not re.fullmatch(r"[\w.:\[\]%]+", s):
        return False
    if s.startswith("["):
        end = s.find("]")
        if end < 0 or (s[end + 1 :] and not re.fullmatch(r":\d+", s[end + 1 :])):
            return False
        s = s[1:end]
    if not s or not any(c.isdigit() for c in s) or (":" not in s and "." not in s):
        return False
    host, _, port = s.rpartition(":")
    for candidate in (s, host) if port.isdigit() else (s,):
        try:
            ipaddress.ip_address(candidate.split("%", 1)[0])
        except ValueError:
            continue
        return True
    return False


def _redact_token(match: re.Match[str]) -> str:
    token = match.group()
    core = token.rstrip(".")  # the end of a sentence
    if is_address(core):
        return REDACTED + token[len(core) :]
    return REDACTED if is_address(token) else token


def redact(text: str) -> str:
    """Text with every IP address in it (with its port, if any) replaced by [addr]."""
    return _TOKEN.sub(_redact_token, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """Control, line-separator and bidi characters written as \\xNN or \\uNNNN."""
    return _CONTROL.sub(_escape, text)


def _scrub(value: object) -> object:
    if isinstance(value, str) and is_address(value):
        return CLIENT
    if (
        isinstance(value, tuple)
        and len(value) in {2, 4}  # (host, port), or IPv6's (host, port, flow, scope)
        and isinstance(value[0], str)
        and is_address(value[0])
    ):
        return CLIENT
    return value


class ClientAddressFilter(logging.Filter):
    """Replaces every client address among a record's arguments before it is formatted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str) or not record.args:
            return True
        if record.msg.startswith(_OWN_ADDRESS) and record.name.startswith("uvicorn"):
            record.own_address = True  # the server's own bind address: kept
            return True
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        scrubbed = [_scrub(a) for a in args]
        for prefix, path_at in _CLIENT_FIRST:
            if record.msg.startswith(prefix) and len(scrubbed) > path_at:
                scrubbed[0] = CLIENT  # whatever uvicorn called the client (a proxy's name)
                if isinstance(path := scrubbed[path_at], str):
                    scrubbed[path_at] = path.split("?", 1)[0]  # a query may hold anything
        record.args = tuple(scrubbed)
        return True


class QuietBadClients(logging.Filter):
    """A client's invalid UTF-8 is its own problem: one line, not a traceback per frame."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, UnicodeDecodeError):
            record.msg, record.args = "a client sent invalid UTF-8; its connection was closed", ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def _continuation(text: str) -> str:
    """A traceback's lines, each indented and escaped: none can pass for a record."""
    return "\n".join("  " + escape_controls(line) for line in text.split("\n"))


class RedactingFormatter(logging.Formatter):
    """One record, one line (plus an indented traceback), with no address in it."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        return _continuation(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _continuation(super().formatStack(stack_info))

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text if getattr(record, "own_address", False) else redact(text)


def log_config(level: str) -> dict[str, Any]:
    """A dictConfig for uvicorn and our loggers; uvicorn's access log is off (ours has no IPs)."""
    upper = level.upper()
    # uvicorn's WebSocket layer logs every frame at DEBUG, message text included:
    # its loggers never go below INFO, whatever HEARTH_LOG_LEVEL says.
    server_level = "INFO" if upper == "DEBUG" else upper
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {
                "()": RedactingFormatter,
                "fmt": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            }
        },
        "filters": {
            "quiet_bad_clients": {"()": QuietBadClients},
            "no_client_address": {"()": ClientAddressFilter},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
                "filters": ["quiet_bad_clients", "no_client_address"],
            }
        },
        "loggers": {
            "hearth": {"handlers": ["stderr"], "level": upper, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": server_level, "propagate": False},
            "uvicorn.error": {"level": server_level},
            "websockets": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }
