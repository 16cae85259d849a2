"""What a test client has received, and the searches over it: shared by the real-socket
client (tests/wsclient.py, async) and the in-process one (tests/server/ws, blocking),
which differ only in how they read the next frame."""

from __future__ import annotations

import json
from typing import Any

REPLY_TYPES = frozenset({"ack", "error", "pong", "stats"})
HELLO_REPLIES = frozenset({"welcome", "waiting", "error"})


class FrameLog:
    """`frames` holds everything received, in order; `events` only room events."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self._cursor = 0
        self.welcome: dict[str, Any] | None = None

    @property
    def events(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if "seq" in f and f["type"] not in {"ack", "welcome"}]

    @property
    def me(self) -> str:
        assert self.welcome is not None
        pid: str = self.welcome["you"]["id"]
        return pid

    @property
    def last_seq(self) -> int:
        seqs = [f["seq"] for f in self.events]
        if self.welcome is not None:
            seqs.append(self.welcome["seq"])
        return max(seqs, default=0)

    def keep(self, raw: str | bytes) -> dict[str, Any]:
        frame: dict[str, Any] = json.loads(raw)
        self.frames.append(frame)
        if frame["type"] == "welcome":
            self.welcome = frame
        return frame

    def next_unseen(self, type_: str, match: dict[str, Any]) -> dict[str, Any] | None:
        """The next frame past the cursor of this type (and fields), moving the cursor."""
        while self._cursor < len(self.frames):
            frame = self.frames[self._cursor]
            self._cursor += 1
            if frame["type"] == type_ and all(frame.get(k) == v for k, v in match.items()):
                return frame
        return None

    def hello_reply(self, frame: dict[str, Any]) -> bool:
        """Whether this frame answers a hello; if so, what came before it counts as seen."""
        if frame["type"] in HELLO_REPLIES:
            self._cursor = len(self.frames)
            return True
        return False

    def reply_to(self, request_id: str, start: int) -> dict[str, Any] | None:
        """The command's ack or error among the frames received since `start`."""
        for frame in self.frames[start:]:
            if frame.get("id") == request_id and frame["type"] in REPLY_TYPES:
                return frame
        return None
