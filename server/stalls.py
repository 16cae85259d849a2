"""Noticing that this process did not run for a while (SIGSTOP, a paused VM, heavy swap).

While a process is stopped its clients keep talking: their frames wait in the kernel
and arrive all at once on waking. Counted against the rate limit as they are read,
a client that sent one message a second looks like a flood. A timer that should fire
every `tick` seconds and fires late says how long the process was away; for one rate
window after that, each client may spend what it could have sent while we slept.

asyncio runs due timers before the tasks that I/O wakes in the same turn of the loop,
so the stall is known before the first frame queued during it is counted.
"""

from __future__ import annotations

import asyncio
import time

TICK_SECONDS = 0.25
MIN_STALL_SECONDS = 1.0
MAX_WINDOWS_FORGIVEN = 24  # a two-minute stall at the default 5 s window


class StallWatch:
    def __init__(self, tick_seconds: float = TICK_SECONDS) -> None:
        self.tick_seconds = tick_seconds
        self.stalled_for = 0.0
        self.woke_at: float | None = None
        self._last = time.monotonic()
        self._handle: asyncio.TimerHandle | None = None

    def start(self) -> None:
        self._last = time.monotonic()
        self._handle = asyncio.get_running_loop().call_later(self.tick_seconds, self._tick)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _tick(self) -> None:
        now = time.monotonic()
        late = now - self._last - self.tick_seconds
        if late >= MIN_STALL_SECONDS:
            self.stalled_for, self.woke_at = late, now
        self._last = now
        self._handle = asyncio.get_running_loop().call_later(self.tick_seconds, self._tick)

    def allowance(self, now: float, window: float) -> float:
        """How many windows' worth of commands a client may spend now (1 when awake)."""
        if self.woke_at is None or now - self.woke_at > window:
            return 1.0
        return 1.0 + min(self.stalled_for / window, MAX_WINDOWS_FORGIVEN)
