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

    def __init__(self, limit: int, window: float, stalls: StallWatch | None = None) -> None:
        self.limit = limit
        self.window = window
        self.stalls = stalls
        self.times: deque[float] = deque()

    def hit(self, now: float) -> float:
        while self.times and now - self.times[0] > self.window:
            self.times.popleft()
        self.times.append(now)
        if self.stalls is None:
            return len(self.times)
        return len(self.times) / self.stalls.allowance(now, self.window)
