"""Each connection's command rate: a sliding window, refused over it, closed far over it."""

from __future__ import annotations

from collections import deque

from server.stalls import StallWatch

FLOOD_FACTOR = 5  # this many times the limit in one window closes the connection (4429)


class RateLimit:
    """A sliding window: over the limit, refuse; far over it, the caller closes.

    Just after this process was stopped, the count is divided by what the client could
    have sent meanwhile (server/stalls.py): frames queued while we slept are not a flood.
    """

    __slots__ = ("limit", "stalls", "times", "window")

    def __init__(self, limit: int, window: float, stalls: StallWatch | None = None) -> None:
        self.limit = limit
        self.window = window
        self.stalls = stalls
        self.times: deque[float] | None = None  # made at the first command: idle ones hold none

    def hit(self, now: float) -> float:
        times = self.times
        if times is None:
            times = self.times = deque()
        while times and now - times[0] > self.window:
            times.popleft()
        times.append(now)
        if self.stalls is None:
            return len(times)
        return len(times) / self.stalls.allowance(now, self.window)
