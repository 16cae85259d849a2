"""Attendees on plain WebSockets for the browser tests: a room of fifteen costs three or
four Chromium pages, not fifteen.

The bots live in one thread with its own event loop (Playwright's sync API owns the
test's thread). Each reads everything it is sent, so the server never takes it for a
slow reader, and when it is given the floor it shares one line and hands the floor on.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import websockets

from tests.services import TIMEOUT
from tests.wsclient import Client

T = TypeVar("T")
Frame = dict[str, Any]
Frames = list[Frame]
_ids = itertools.count(1)


class Crowd:
    """Bots in a meeting; `observer` (the first) keeps every event everyone sees."""

    def __init__(self, ws_url: str) -> None:
        self.ws_url = ws_url
        self.bots: list[Client] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._tasks: list[asyncio.Task[None]] = []

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float = TIMEOUT * 2) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    @property
    def observer(self) -> Client:
        return self.bots[0]

    def join(self, pseudonym: str, **hello: Any) -> Client:
        async def go() -> Client:
            client = await Client.connect(self.ws_url, pseudonym)
            reply = await client.hello(pseudonym=pseudonym, **hello)
            assert reply["type"] == "welcome", reply
            self._tasks.append(asyncio.ensure_future(self._serve(client)))
            return client

        bot = self._run(go())
        self.bots.append(bot)
        return bot

    async def _serve(self, client: Client) -> None:
        try:
            while True:
                frame = await client.recv(timeout=3600)
                if frame.get("type") == "floor_granted" and frame["participant_id"] == client.me:
                    await asyncio.sleep(0.05)
                    text = f"{client.name} shares a few words."
                    await client.send({"type": "say", "id": f"b{next(_ids)}", "text": text})
                    await client.send({"type": "yield", "id": f"b{next(_ids)}"})
        except (websockets.ConnectionClosed, TimeoutError, asyncio.CancelledError):
            return

    def send(self, bot: Client, frame: dict[str, Any]) -> None:
        self._run(bot.send({"id": f"b{next(_ids)}", **frame}))

    def frames(self, bot: Client | None = None) -> list[dict[str, Any]]:
        """A copy of what this bot (the observer by default) has been sent so far."""
        return list((bot or self.observer).frames)

    def wait(self, find: Callable[[list[dict[str, Any]]], T | None], timeout: float = TIMEOUT) -> T:
        """Polls the observer's frames until `find` returns something."""
        deadline = time.monotonic() + timeout
        while True:
            found = find(self.frames())
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"not seen within {timeout} s: {self.frames()[-5:]}")
            time.sleep(0.05)

    def participant_id(self, pseudonym: str) -> str:
        """The id the room gave `pseudonym`, from the observer's view."""

        def find(frames: list[dict[str, Any]]) -> str | None:
            welcome = self.observer.welcome or {}
            people = [*welcome.get("state", {}).get("participants", [])]
            people += [f["participant"] for f in frames if f.get("type") == "joined"]
            ids = [p["id"] for p in people if p["pseudonym"] == pseudonym]
            return ids[-1] if ids else None

        return self.wait(find)

    def close(self) -> None:
        async def stop() -> None:
            for task in self._tasks:
                task.cancel()
            for bot in self.bots:
                await bot.close()

        try:
            self._run(stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            self._loop.close()


def event(type_: str, participant_id: str | None = None) -> Callable[[Frames], Frame | None]:
    """A search for the first event of this type (about this participant)."""

    def find(frames: Frames) -> Frame | None:
        for frame in frames:
            if frame["type"] == type_ and participant_id in (None, frame.get("participant_id")):
                return frame
        return None

    return find
