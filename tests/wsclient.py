"""A small protocol client for tests: a real WebSocket, every frame kept in order."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from tests.services import TIMEOUT

_ids = itertools.count(1)

# Every client connected and not yet closed, so a fixture can close what a failed test left.
OPEN: set[Client] = set()


class Client:
    """One participant. `frames` holds everything received; `events` only room events."""

    def __init__(self, ws: ClientConnection, name: str = "") -> None:
        self.ws = ws
        self.name = name
        self.frames: list[dict[str, Any]] = []
        self._cursor = 0
        self.welcome: dict[str, Any] | None = None

    @classmethod
    async def connect(cls, url: str, name: str = "", **kwargs: Any) -> Client:
        ws = await websockets.connect(url, open_timeout=TIMEOUT, max_size=2**20, **kwargs)
        client = cls(ws, name)
        OPEN.add(client)
        return client

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

    async def send(self, frame: dict[str, Any] | str | bytes) -> None:
        await self.ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    async def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        frame: dict[str, Any] = json.loads(raw)
        self.frames.append(frame)
        if frame["type"] == "welcome":
            self.welcome = frame
        return frame

    async def wait_for(self, type_: str, timeout: float = TIMEOUT, **match: Any) -> dict[str, Any]:
        """The next unseen frame of this type (and fields), reading as needed."""
        async with asyncio.timeout(timeout):
            while True:
                while self._cursor < len(self.frames):
                    frame = self.frames[self._cursor]
                    self._cursor += 1
                    if frame["type"] == type_ and all(frame.get(k) == v for k, v in match.items()):
                        return frame
                await self.recv(timeout)

    async def hello(self, **fields: Any) -> dict[str, Any]:
        await self.send({"type": "hello", **fields})
        async with asyncio.timeout(TIMEOUT):
            while True:
                frame = await self.recv()
                if frame["type"] in {"welcome", "waiting", "error"}:
                    self._cursor = len(self.frames)
                    return frame

    async def command(self, type_: str, **fields: Any) -> dict[str, Any]:
        """Sends a command and returns its ack or error (events before it are kept)."""
        request_id = f"r{next(_ids)}"
        await self.send({"type": type_, "id": request_id, **fields})
        async with asyncio.timeout(TIMEOUT):
            index = len(self.frames)
            while True:
                while index < len(self.frames):
                    frame = self.frames[index]
                    index += 1
                    if frame.get("id") == request_id and frame["type"] in {
                        "ack",
                        "error",
                        "pong",
                        "stats",
                    }:
                        return frame
                await self.recv()

    async def drain(self, quiet: float = 0.2) -> None:
        """Reads until nothing arrives for `quiet` seconds."""
        try:
            while True:
                await self.recv(quiet)
        except TimeoutError:
            pass

    async def closed(self, timeout: float = TIMEOUT) -> int | None:
        """Reads until the server closes; returns the close code."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    await self.recv(timeout)
        except websockets.ConnectionClosed:
            pass
        return self.ws.close_code

    async def close(self) -> None:
        OPEN.discard(self)
        await self.ws.close()
