"""Logging set-up: plain lines on stderr, with any address that slips in redacted."""

from __future__ import annotations

import logging
import re
from typing import Any

# IPv4, and IPv6 written with "::" or with at least four groups (not a clock time).
_IP = re.compile(
    r"(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?(?![\w.])"
    r"|(?<![\w:])(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}(?![\w:])"
    r"|(?<![\w:])(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?::"
    r"(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?(?![\w:])"
)


def redact(text: str) -> str:
    return _IP.sub("[addr]", text)


class QuietBadClients(logging.Filter):
    """A client's invalid UTF-8 is its own problem: one line, not a traceback per frame."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, UnicodeDecodeError):
            record.msg, record.args = "a client sent invalid UTF-8; its connection was closed", ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


class RedactingFormatter(logging.Formatter):
    """uvicorn names clients by address in its own lines; we never keep one."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


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
        "filters": {"quiet_bad_clients": {"()": QuietBadClients}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
                "filters": ["quiet_bad_clients"],
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
