"""Stand-ins for asyncio.Queue and asyncio.Event sized for one WebSocket's protocol.

uvicorn gives every WebSocket an asyncio.Queue for frames received and an asyncio.Event
for "the socket takes writes": five deques between them, about 3 KiB, held for as long
as the connection stays open, though one task reads the queue and it is nearly always
empty. These keep a list, allocated when first needed, and futures only while someone
waits. They offer only what uvicorn's protocol calls.
"""

from __future__ import annotations

import asyncio
from typing import Any


class Inbox:
    """put_nowait / get / empty of an unbounded asyncio.Queue."""

    __slots__ = ("items", "waiters")

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.waiters: list[asyncio.Future[None]] | None = None

    def put_nowait(self, item: Any) -> None:
        self.items.append(item)
        _wake_one(self.waiters)

    def empty(self) -> bool:
        return not self.items

    def qsize(self) -> int:
        return len(self.items)

    async def get(self) -> Any:
        while not self.items:
            await _wait(self, "waiters")
        return self.items.pop(0)


class Flag:
    """set / clear / is_set / wait of an asyncio.Event."""

    __slots__ = ("value", "waiters")

    def __init__(self) -> None:
        self.value = False
        self.waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self.value

    def set(self) -> None:
        self.value = True
        waiters, self.waiters = self.waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self.value = False

    async def wait(self) -> bool:
        while not self.value:
            await _wait(self, "waiters")
        return True


async def _wait(owner: Inbox | Flag, attribute: str) -> None:
    waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    waiters = getattr(owner, attribute)
    if waiters is None:
        waiters = []
        setattr(owner, attribute, waiters)
    waiters.append(waiter)
    try:
        await waiter
    finally:
        waiters = getattr(owner, attribute)
        if waiters is not None and waiter in waiters:
            waiters.remove(waiter)
            if not waiters:
                setattr(owner, attribute, None)


def _wake_one(waiters: list[asyncio.Future[None]] | None) -> None:
    for waiter in waiters or ():
        if not waiter.done():
            waiter.set_result(None)
            return
