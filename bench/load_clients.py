"""The client side of bench/load.py: one process's share of the rooms.

Each load process owns whole rooms, so a room's speaker and its receivers read the same
message counter; several processes share core 1 when one cannot sink the frames. Frames
are not parsed as JSON: the message number, send time and event seq are cut out of the
raw text, so the load costs far less per frame than the server it measures.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import websockets
from load_sink import Sink
from websockets.asyncio.client import ClientConnection

TEXT = '"text":"n='
SEQ = re.compile(r'"seq":(\d+)')
ERROR = re.compile(r'"code":"(\w+)"')
MESSAGE = re.compile(r'"message":"([^"]{0,60})')
RETRY = {"unavailable", "rate_limited"}  # the refusals a client meets again later
JOIN_ATTEMPTS = 30


@dataclass
class Room:
    index: int
    urls: list[str]  # one per member: the worker it connects to
    members: list[Member] = field(default_factory=list)
    next_n: int = 0
    refused: int = 0  # says answered with an error in this phase: nobody gets them


@dataclass
class Member:
    """One participant: what it received in the current phase."""

    ws: ClientConnection
    room: Room
    sink: Sink | None = None
    first_n: int = 0  # messages numbered below this belong to an earlier phase
    seen: set[int] = field(default_factory=set)
    last_by_speaker: dict[int, int] = field(default_factory=dict)
    last_n: int = -1
    last_seq: int = -1
    dup: int = 0
    reorder_speaker: int = 0  # a speaker's messages out of the order it sent them
    reorder_seq: int = 0  # an event seq not above the one before it
    swaps_n: int = 0  # a lower room number after a higher one (two speakers raced)

    def reset(self, first_n: int) -> None:
        self.first_n, self.seen, self.last_by_speaker, self.last_n = first_n, set(), {}, -1
        self.dup = self.reorder_speaker = self.reorder_seq = self.swaps_n = 0


class Load:
    def __init__(self, rooms: list[Room]) -> None:
        self.rooms = rooms
        self.latencies: list[float] = []
        self.closes: dict[str, int] = {}
        self.last_recv = 0.0

    async def _join_one(self, room: Room, i: int, sem: asyncio.Semaphore) -> Member:
        """Connects and says hello; a refusal that says "try again" is retried, as the
        browser would, and counted."""
        for _attempt in range(JOIN_ATTEMPTS):
            async with sem:
                try:
                    ws = await websockets.connect(
                        room.urls[i], compression=None, max_size=2**20, open_timeout=120,
                        ping_interval=None, close_timeout=2,
                    )  # fmt: skip
                except (OSError, websockets.InvalidHandshake) as exc:
                    status = getattr(getattr(exc, "response", None), "status_code", None)
                    self._count(f"connect {status or type(exc).__name__}")
                else:
                    await ws.send(f'{{"type":"hello","pseudonym":"Member {i}"}}')
                    while True:
                        raw = await ws.recv()
                        assert isinstance(raw, str)
                        if '"type":"welcome"' in raw:
                            return Member(ws, room)
                        if '"type":"error"' in raw or '"type":"waiting"' in raw:
                            e = ERROR.search(raw)
                            code = e.group(1) if e else raw[:60]
                            if code not in RETRY:
                                raise RuntimeError(f"join refused: {raw[:300]}")
                            self._count(f"hello {code}")
                            await ws.close()
                            break
            await asyncio.sleep(0.2 + random.random())
        raise RuntimeError(f"no welcome after {JOIN_ATTEMPTS} attempts")

    async def join(self, at: float, concurrency: int) -> dict[str, Any]:
        """Every client connects and says hello at once (up to `concurrency` in flight)."""
        await asyncio.sleep(max(0.0, at - time.time()))
        sem = asyncio.Semaphore(concurrency)
        self.closes = {}
        cpu0 = _cpu()
        first = time.time()
        tasks = [
            [asyncio.create_task(self._join_one(room, i, sem)) for i in range(len(room.urls))]
            for room in self.rooms
        ]
        for room, room_tasks in zip(self.rooms, tasks, strict=True):
            room.members = list(await asyncio.gather(*room_tasks))
        last = time.time()
        cpu = _cpu() - cpu0
        for room in self.rooms:
            for m in room.members:
                m.sink = Sink(m.ws, self._reader(m), self._count_close)
        clients = sum(len(r.urls) for r in self.rooms)
        return {
            "first": first, "last": last, "clients": clients, "load_cpu": cpu,
            "retries": dict(self.closes),
        }  # fmt: skip

    def _reader(self, m: Member) -> Callable[[str], None]:
        lat = self.latencies

        def on_text(raw: str) -> None:
            i = raw.find(TEXT)
            if i < 0:
                if '"type":"error"' in raw:
                    e, said = ERROR.search(raw), MESSAGE.search(raw)
                    self._count(f"error {e and e.group(1)}: {said and said.group(1)}")
                    m.room.refused += 1
                return
            now = time.time()
            i += len(TEXT)
            j = raw.find(" t=", i)
            n = int(raw[i:j])
            if n < m.first_n:
                return
            lat.append(now - float(raw[j + 3 : raw.find('"', j)]))
            self.last_recv = now
            if n in m.seen:
                m.dup += 1
            else:
                m.seen.add(n)
            if n < m.last_n:
                m.swaps_n += 1
            else:
                m.last_n = n
            speaker = n % len(m.room.members)
            if n < m.last_by_speaker.get(speaker, -1):
                m.reorder_speaker += 1
            else:
                m.last_by_speaker[speaker] = n
            s = SEQ.search(raw)
            if s is not None:
                seq = int(s.group(1))
                if seq <= m.last_seq:
                    m.reorder_seq += 1
                else:
                    m.last_seq = seq

        return on_text

    def _count_close(self, code: int) -> None:
        self._count(f"close {code}")

    def _count(self, what: str) -> None:
        self.closes[what] = self.closes.get(what, 0) + 1

    async def _speak(self, room: Room, start: float, count: int, rate: float) -> None:
        for k in range(count):
            await asyncio.sleep(max(0.0, start + k / rate - time.time()))
            speaker = room.members[room.next_n % len(room.members)].sink
            assert speaker is not None
            speaker.send(f'{{"type":"say","text":"n={room.next_n} t={time.time():.6f}"}}')
            room.next_n += 1

    async def fanout(
        self, start: float, seconds: float, rate: float, stagger: float, grace: float
    ) -> dict[str, Any]:
        """Each room sends `rate` messages a second for `seconds`, from each member in turn."""
        self.latencies.clear()  # in place: the readers hold this list
        self.closes = {}
        for room in self.rooms:
            room.refused = 0
            for m in room.members:
                m.reset(room.next_n)
        firsts = {room.index: room.next_n for room in self.rooms}
        count = max(1, round(seconds * rate))
        cpu0 = _cpu()
        await asyncio.gather(
            *(self._speak(r, start + r.index * stagger, count, rate) for r in self.rooms)
        )
        for _ in range(int(grace / 0.02)):  # what is still on its way, or lost
            if self._distinct() >= self._expected(count):
                break
            await asyncio.sleep(0.02)
        expected = self._expected(count)
        cpu1 = _cpu()
        members = [m for r in self.rooms for m in r.members]
        distinct = self._distinct()
        assert all(r.next_n - firsts[r.index] == count for r in self.rooms)
        return {
            "sent": count * len(self.rooms),
            "expected": expected,
            "delivered": distinct + sum(m.dup for m in members),
            "lost": expected - distinct,
            "dup": sum(m.dup for m in members),
            "refused": sum(r.refused for r in self.rooms),
            "reorder_speaker": sum(m.reorder_speaker for m in members),
            "reorder_seq": sum(m.reorder_seq for m in members),
            "swaps_n": sum(m.swaps_n for m in members),
            "latencies": self.latencies,
            "closes": dict(self.closes),
            "load_cpu": cpu1 - cpu0,
            "last_recv": self.last_recv,
        }

    def _expected(self, count: int) -> int:
        return sum((count - r.refused) * len(r.members) for r in self.rooms)

    def _distinct(self) -> int:
        return sum(len(m.seen) for r in self.rooms for m in r.members)

    async def close(self) -> None:
        for room in self.rooms:
            await asyncio.gather(
                *(m.sink.close() for m in room.members if m.sink), return_exceptions=True
            )


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


async def _serve(conn: Connection, rooms: list[Room]) -> None:
    load = Load(rooms)
    loop = asyncio.get_running_loop()
    while True:
        command, kwargs = await loop.run_in_executor(None, conn.recv)
        if command == "close":
            await load.close()
            conn.send(None)
            return
        try:
            conn.send(("ok", await getattr(load, command)(**kwargs)))
        except Exception as exc:  # reported to the parent, which fails loudly
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def run(conn: Connection, core: int, rooms: list[tuple[int, list[str]]]) -> None:
    """A load process's entry point: pinned to `core`, it answers the parent's commands."""
    import resource

    os.sched_setaffinity(0, {core})
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(_serve(conn, [Room(i, urls) for i, urls in rooms]))
