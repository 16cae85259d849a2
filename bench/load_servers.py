"""The servers bench/load.py measures: Hearth (one or two workers, memory log or a private
Redis) and the bare ceiling, pinned to their cores, with their CPU time and RSS read from
/proc for the whole process tree."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.redis_server import RedisServer
from tests.service.conftest import Server, server_env
from tests.service.rooms import create_meeting, organiser_client
from tests.services import free_port

SERVER_CORE, LOAD_CORE = 0, 1
TICK = os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def pinned(core: int) -> Iterator[None]:
    """Whatever this process starts meanwhile inherits `core`."""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {core})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes and all their descendants."""
    total = 0
    for pid in (p for root in pids for p in _tree(root)):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in (p for root in pids for p in _tree(root)):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


@dataclass
class Target:
    """Running servers and the rooms on them: for each room, one URL per client."""

    name: str
    pids: list[int]
    rooms: list[list[str]] = field(default_factory=list)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    hearths: list[Server] = field(default_factory=list)
    redis: RedisServer | None = None
    tmp: Path | None = None  # data, logs: removed when stopped unless HEARTH_BENCH_KEEP=1

    def check(self) -> None:
        for server in self.hearths:
            if server.proc is None or server.proc.poll() is not None:
                code = server.proc and server.proc.returncode
                raise SystemExit(f"bench: hearth serve died (exit {code}):\n{server.log()[-3000:]}")
        for proc in self.procs:
            if proc.poll() is not None:
                raise SystemExit(f"bench: {self.name} server died (exit {proc.returncode})")

    def stop(self) -> None:
        for server in self.hearths:
            server.stop()
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
        if self.redis is not None:
            self.redis.stop()
        if self.tmp is not None and os.environ.get("HEARTH_BENCH_KEEP") != "1":
            shutil.rmtree(self.tmp, ignore_errors=True)


def hearth(rooms: int, clients: int, workers: int = 1, redis: bool = False) -> Target:
    """`workers` `hearth serve` processes on core 0 (sharing one SQLite database and,
    with several, a private Redis on core 1), with `rooms` open meetings; each room's
    clients are dealt out over the workers in turn."""
    tmp = Path(tempfile.mkdtemp(prefix="hearth-load-"))
    total = rooms * clients + 100
    env = {
        "HEARTH_LOG_LEVEL": "warning",
        "HEARTH_MAX_CONNECTIONS": str(total),
        "HEARTH_MAX_CONNECTIONS_PER_ADDRESS": str(total),
        "HEARTH_JOINS_PER_ADDRESS_PER_MINUTE": "1000000",
        "HEARTH_MAX_SEATS_PER_ADDRESS": "100000",
        "HEARTH_RATE_LIMIT_COMMANDS": "10000",
        "HEARTH_HELLO_TIMEOUT_SECONDS": "120",
    }
    target = Target(f"hearth x{workers}", [], tmp=tmp)
    try:
        if redis or workers > 1:
            with pinned(LOAD_CORE):
                target.redis = RedisServer(tmp / "redis")
                target.redis.start()
            env["HEARTH_REDIS_URL"] = target.redis.url
        for _ in range(workers):
            server = Server(free_port(), server_env(tmp / "data", **env), tmp / "server.log")
            target.hearths.append(server)
            with pinned(SERVER_CORE):
                server.start(timeout=60)
            assert server.proc is not None
            target.pids.append(server.proc.pid)
        organiser = organiser_client(target.hearths[0])
        for _ in range(rooms):
            meeting = create_meeting(
                target.hearths[0], organiser, capacity=max(clients, 2), crosstalk=True
            )
            path = f"/ws/meetings/{meeting.id}"
            target.rooms.append(
                [f"{target.hearths[i % workers].ws_url}{path}" for i in range(clients)]
            )
        organiser.close()
    except BaseException:
        target.stop()
        raise
    return target


def bare(rooms: int, clients: int) -> Target:
    port = free_port()
    script = Path(__file__).with_name("bare_server.py")
    with pinned(SERVER_CORE):
        proc = subprocess.Popen([sys.executable, str(script), "--port", str(port)])
    target = Target("bare", [proc.pid], procs=[proc])
    deadline = time.monotonic() + 20
    while True:
        target.check()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                target.stop()
                raise SystemExit("bench: the bare server did not start") from None
            time.sleep(0.05)
    target.rooms = [[f"ws://127.0.0.1:{port}/room/{r}"] * clients for r in range(rooms)]
    return target
