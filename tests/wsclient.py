"""A small protocol client for tests: a real WebSocket, every frame kept in order."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from tests.frame_log import FrameLog
from tests.services import TIMEOUT

_ids = itertools.count(1)

# Every client connected and not yet closed, so a fixture can close what a failed test left.
OPEN: set[Client] = set()


class Client(FrameLog):
    """One participant on a real WebSocket."""

    def __init__(self, ws: ClientConnection, name: str = "") -> None:
        super().__init__()
        self.ws = ws
        self.name = name

    @classmethod
    async def connect(cls, url: str, name: str = "", **kwargs: Any) -> Client:
        ws = await websockets.connect(url, open_timeout=TIMEOUT, max_size=2**20, **kwargs)
        client = cls(ws, name)
        OPEN.add(client)
        return client

    async def send(self, frame: dict[str, Any] | str | bytes) -> None:
        await self.ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    async def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        return self.keep(await asyncio.wait_for(self.ws.recv(), timeout))

    async def wait_for(self, type_: str, timeout: float = TIMEOUT, **match: Any) -> dict[str, Any]:
        """The next unseen frame of this type (and fields), reading as needed."""
        async with asyncio.timeout(timeout):
            while (frame := self.next_unseen(type_, match)) is None:
                await self.recv(timeout)
            return frame

    async def hello(self, **fields: Any) -> dict[str, Any]:
        await self.send({"type": "hello", **fields})
        async with asyncio.timeout(TIMEOUT):
            while not self.hello_reply(frame := await self.recv()):
                pass
            return frame

    async def command(self, type_: str, **fields: Any) -> dict[str, Any]:
        """Sends a command and returns its ack or error (events before it are kept)."""
        request_id = f"r{next(_ids)}"
        await self.send({"type": type_, "id": request_id, **fields})
        start = len(self.frames)
        async with asyncio.timeout(TIMEOUT):
            while (reply := self.reply_to(request_id, start)) is None:
                await self.recv()
            return reply

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
