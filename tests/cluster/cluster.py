"""A cluster of real `hearth serve` processes: one private Redis, one PostgreSQL database.

Each process stands for a separate machine: its own port and data directory, the
same HEARTH_REDIS_URL, HEARTH_SECRET_KEY and HEARTH_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.redis_server import RedisServer
from tests.service.conftest import Server
from tests.service.rooms import Meeting
from tests.services import free_port
from tests.wsclient import Client

GRACE_SECONDS = 3
RETENTION_SECONDS = 30

# Events only facilitators (or one participant) see; everything else is seen by all.
PRIVATE_EVENTS = {
    "knock", "admitted", "denied", "alert", "alert_updated", "whisper",
}  # fmt: skip


def cluster_env(
    data_dir: Path, redis_url: str, database_url: str, secret: str, **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.update(
        {
            "HEARTH_DATA_DIR": str(data_dir),
            "HEARTH_LOG_LEVEL": "info",
            "HEARTH_SECRET_KEY": secret,
            "HEARTH_DATABASE_URL": database_url,
            "HEARTH_RESUME_GRACE_SECONDS": str(GRACE_SECONDS),
            "HEARTH_ROOM_RETENTION_SECONDS": str(RETENTION_SECONDS),
            "HEARTH_RATE_LIMIT_COMMANDS": "1000",
        }
    )
    if redis_url:
        env["HEARTH_REDIS_URL"] = redis_url
    env.update(extra)
    return env


@dataclass
class Cluster:
    redis: RedisServer
    servers: list[Server]
    workdir: Path
    stopped: set[int] = field(default_factory=set)

    @property
    def a(self) -> Server:
        return self.servers[0]

    @property
    def b(self) -> Server:
        return self.servers[1]

    @property
    def c(self) -> Server:
        return self.servers[2]

    def logs(self) -> str:
        parts = [
            f"===== {chr(ord('A') + i)} (port {s.port}) =====\n{s.log()[-6000:]}"
            for i, s in enumerate(self.servers)
        ]
        return "\n".join(parts)

    def pause(self, server: Server) -> None:
        assert server.proc is not None
        os.kill(server.proc.pid, signal.SIGSTOP)
        self.stopped.add(server.proc.pid)

    def resume(self, server: Server) -> None:
        assert server.proc is not None
        os.kill(server.proc.pid, signal.SIGCONT)
        self.stopped.discard(server.proc.pid)

    def shutdown(self) -> None:
        for pid in list(self.stopped):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self.stopped.clear()
        with ThreadPoolExecutor(len(self.servers)) as pool:
            list(pool.map(lambda s: s.stop(), self.servers))
        self.redis.stop()


def start_servers(servers: Iterable[Server]) -> None:
    servers = list(servers)
    with ThreadPoolExecutor(len(servers)) as pool:
        for future in [pool.submit(s.start, 60.0) for s in servers]:
            future.result()


def start_cluster(
    workdir: Path,
    database_url: str,
    workers: int = 3,
    redis_args: tuple[str, ...] = (),
    redis_url: str = "",
    **env: str,
) -> Cluster:
    """Workers on a private Redis, or on `redis_url` (then `cluster.redis` is never started)."""
    redis = RedisServer(workdir / "redis", redis_args)
    if not redis_url:
        redis.start()
    secret = "cluster-secret-" + secrets.token_hex(16)
    servers = []
    for i in range(workers):
        name = chr(ord("a") + i)
        data = workdir / f"data-{name}"
        servers.append(
            Server(
                free_port(),
                cluster_env(data, redis_url or redis.url, database_url, secret, **env),
                workdir / f"server-{name}.log",
            )
        )
    cluster = Cluster(redis, servers, workdir)
    try:
        # One first, so that the migrations do not race each other.
        servers[0].start(60.0)
        start_servers(servers[1:])
    except BaseException:
        cluster.shutdown()
        raise
    return cluster


MakeCluster = Callable[..., Cluster]


@contextlib.contextmanager
def workers_on_one_port(
    workdir: Path, database_url: str, secret: str, workers: int = 2
) -> Iterator[Server]:
    """One `hearth serve --workers N` on a private Redis, stopped (with it) afterwards."""
    redis = RedisServer(workdir / "redis")
    redis.start()
    env = cluster_env(workdir / "data", redis.url, database_url, secret)
    server = Server(free_port(), env, workdir / "server.log", ["--workers", str(workers)])
    try:
        server.start(60.0)
        yield server
    finally:
        server.stop()
        redis.stop()


# Participants ----------------------------------------------------------------


def ws_url(server: Server, meeting: Meeting) -> str:
    return f"{server.ws_url}/ws/meetings/{meeting.id}"


async def join(server: Server, meeting: Meeting, name: str = "", **hello: Any) -> Client:
    """A participant joining `meeting` through `server`; welcome or waiting expected."""
    client = await Client.connect(ws_url(server, meeting), name or hello.get("pseudonym", ""))
    reply = await client.hello(**hello)
    assert reply["type"] in {"welcome", "waiting"}, reply
    return client


async def facilitator(server: Server, meeting: Meeting, pseudonym: str = "Host") -> Client:
    return await join(
        server, meeting, "host", pseudonym=pseudonym, facilitator_token=meeting.facilitator_token()
    )


def resume_token(client: Client) -> str:
    assert client.welcome is not None
    token: str = client.welcome["resume_token"]
    return token


def public(client: Client, after: int = 0, upto: int | None = None) -> list[tuple[int, str]]:
    """(seq, type) of the events visible to everyone that this client received."""
    return [
        (e["seq"], e["type"])
        for e in client.events
        if e["type"] not in PRIVATE_EVENTS
        and e["seq"] > after
        and (upto is None or e["seq"] <= upto)
    ]


def public_events(client: Client, after: int = 0, upto: int | None = None) -> list[dict[str, Any]]:
    """The events visible to everyone, whole: the same bytes went out from every worker."""
    return [
        e
        for e in client.events
        if e["type"] not in PRIVATE_EVENTS
        and e["seq"] > after
        and (upto is None or e["seq"] <= upto)
    ]


def assert_strictly_increasing(client: Client) -> None:
    seqs = [e["seq"] for e in client.events]
    assert seqs == sorted(set(seqs)), f"{client.name}: seqs not strictly increasing: {seqs}"


async def settle(*clients: Client, quiet: float = 0.3) -> None:
    await asyncio.gather(*(c.drain(quiet) for c in clients))


async def close_all(*clients: Client) -> None:
    """Closes politely, or drops the connection when the close handshake hangs."""

    async def one(c: Client) -> None:
        try:
            await asyncio.wait_for(c.close(), 3)
        except Exception:
            c.ws.transport.abort()

    await asyncio.gather(*(one(c) for c in clients))
    await asyncio.sleep(0.05)  # let aborted transports release their sockets
