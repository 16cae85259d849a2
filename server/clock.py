"""The server's one wall clock, so that timers, admission and live rooms agree on "now".

The room log stamps every entry with its own clock (`LogEntry.at_ms`); this is only
for decisions made outside the log: when a timer is due, whether a room is open.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def utc_now() -> datetime:
    """The same clock as an aware datetime: database times are stamped and compared with it."""
    return datetime.now(UTC)
