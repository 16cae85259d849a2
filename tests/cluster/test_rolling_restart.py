"""A rolling restart under a live meeting: each of three workers in turn gets SIGTERM,
drains (every WebSocket closed with 1012), exits and starts again on its port, while
one attendee posts numbered messages every 50 ms.

Everyone whose worker goes resumes on another live one, as a client behind a load
balancer would. Afterwards every acknowledged message reached everyone once and in
order, everyone is still the same participant, and nobody was seen to leave.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import signal
from dataclasses import dataclass, field
from typing import Any

import pytest
import websockets

from tests.cluster.cluster import Cluster, MakeCluster, facilitator, join, resume_token, ws_url
from tests.service.conftest import Server
from tests.service.rooms import Meeting, create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

RESTARTING = 1012


@dataclass
class Person:
    """One participant across all the connections it has had."""

    client: Client
    server: Server
    meeting: Meeting
    pseudonym: str
    me: str = ""
    token: str = ""
    seqs: list[int] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)
    closes: list[int | None] = field(default_factory=list)
    welcomes: list[dict[str, Any]] = field(default_factory=list)
    left: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        assert self.client.welcome is not None
        self.me, self.token = self.client.me, resume_token(self.client)
        self._take(self.client.frames)

    def _take(self, frames: list[dict[str, Any]]) -> None:
        for frame in frames:
            if frame["type"] == "ack":
                self.acks[frame["id"]] = frame
            elif frame["type"] == "welcome":
                self.welcomes.append(frame)
            elif "seq" in frame:
                self.seqs.append(frame["seq"])
                if frame["type"] == "left":
                    self.left.append(frame)
                if frame["type"] == "message" and frame["text"].startswith("n"):
                    self.numbers.append(int(frame["text"][1:]))

    @property
    def last_seq(self) -> int:
        seqs: list[int] = [*self.seqs, *(w["seq"] for w in self.welcomes)]
        return max(seqs)


class Restarts:
    """Which workers are up, and the way back in for those whose worker went."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.down: set[int] = set()
        self._turn = itertools.count()

    def live(self) -> Server:
        up = [s for s in self.cluster.servers if s.port not in self.down]
        return up[next(self._turn) % len(up)]

    async def resume(self, person: Person) -> None:
        for _ in range(50):
            server = self.live()
            try:
                client = await Client.connect(ws_url(server, person.meeting), person.pseudonym)
                reply = await client.hello(
                    resume={"token": person.token, "last_seq": person.last_seq}
                )
            except (OSError, websockets.ConnectionClosed, websockets.InvalidStatus):
                await asyncio.sleep(0.1)  # that one is going down too: another
                continue
            assert reply["type"] == "welcome" and reply["resumed"], reply
            person.client, person.server = client, server
            person._take(client.frames)
            return
        raise AssertionError(f"{person.pseudonym} found no worker to resume on")

    async def follow(self, person: Person, stop: asyncio.Event) -> None:
        """Reads until `stop`; on a close, resumes elsewhere."""
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(person.client.ws.recv(), 0.5)
            except TimeoutError:
                continue
            except websockets.ConnectionClosed:
                person.closes.append(person.client.ws.close_code)
                await self.resume(person)
                continue
            person._take([person.client.keep(raw)])


async def speak(speaker: Person, stop: asyncio.Event, acked: list[int]) -> None:
    """Posts n1, n2, … every 50 ms; a message whose ack was lost to a restart is not
    sent again (it may or may not have been appended), the next number follows."""
    for n in itertools.count(1):
        if stop.is_set():
            return
        with contextlib.suppress(websockets.ConnectionClosed):
            await speaker.client.send({"type": "say", "id": f"m{n}", "text": f"n{n}"})
        for _ in range(40):
            if f"m{n}" in speaker.acks:
                acked.append(n)
                break
            await asyncio.sleep(0.025)
        await asyncio.sleep(0.05)


async def test_a_rolling_restart_loses_and_duplicates_nothing(make_cluster: MakeCluster) -> None:
    cluster = make_cluster(workers=3, HEARTH_RESUME_GRACE_SECONDS="30")
    servers = cluster.servers
    meeting = create_meeting(cluster.a, crosstalk=True)
    restarts = Restarts(cluster)
    host = await facilitator(servers[0], meeting)
    people = [Person(host, servers[0], meeting, "Host")]
    for i in range(6):
        pseudonym = f"Person {i}"
        server = servers[(i + 1) % 3]
        people.append(
            Person(await join(server, meeting, pseudonym=pseudonym), server, meeting, pseudonym)
        )
    speaker = people[1]
    stop = asyncio.Event()
    acked: list[int] = []
    readers = [asyncio.create_task(restarts.follow(p, stop)) for p in people]
    talk = asyncio.create_task(speak(speaker, stop, acked))
    try:
        await asyncio.sleep(1)
        for server in servers:
            before = len(acked)
            restarts.down.add(server.port)
            await asyncio.to_thread(server.stop)
            # Ended by its own SIGTERM after the drain, not killed when it hung.
            assert server.proc is not None and server.proc.returncode == -signal.SIGTERM
            await asyncio.to_thread(server.start, 60.0)
            restarts.down.discard(server.port)
            await asyncio.sleep(1)
            assert len(acked) > before, "the meeting went on during the restart"
        await asyncio.sleep(1)
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        stop.set()
        await asyncio.gather(talk, *readers, return_exceptions=True)
    for reader in readers:
        reader.result()  # a failed resume fails the test
    with contextlib.suppress(Exception):
        await asyncio.gather(*(p.client.close() for p in people))

    logs = cluster.logs()
    for bad in ("Traceback", " ERROR ", "timeout graceful shutdown exceeded"):
        assert bad not in logs, logs
    assert len(acked) > 50
    every = set(acked)
    for p in people:
        assert p.closes and set(p.closes) == {RESTARTING}, (p.pseudonym, p.closes)
        assert p.seqs == sorted(set(p.seqs)), f"{p.pseudonym}: seqs repeat or go back"
        assert len(p.numbers) == len(set(p.numbers)), f"{p.pseudonym}: a message twice"
        assert p.numbers == sorted(p.numbers), f"{p.pseudonym}: messages out of order"
        assert every <= set(p.numbers), (p.pseudonym, sorted(every - set(p.numbers)))
        first = p.welcomes[0]["you"]
        for welcome in p.welcomes:
            assert (
                welcome["you"]["id"] == p.me and welcome["you"]["pseudonym"] == first["pseudonym"]
            )
        assert not p.left, (p.pseudonym, p.left)
