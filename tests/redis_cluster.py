"""A private Redis Cluster: six redis-server processes (three primaries, three replicas).

A test can find the primary that owns a room's slot, kill it (its replica takes
over after the node timeout) and start it again (it comes back as a replica).
"""

from __future__ import annotations

import contextlib
import random
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.services import unavailable, which

NODE_TIMEOUT_MS = 1000
NODES = 6


def _free_cluster_port() -> int:
    """A free port whose cluster bus port (+10000) is free too; Redis needs both <= 65535."""
    while True:
        port = random.randint(20000, 55535)
        try:
            for candidate in (port, port + 10000):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port


def _call(port: int, *args: str, timeout: float = 5) -> str:
    """One redis-cli command against one node; '' when the node does not answer."""
    try:
        out = subprocess.run(
            ["redis-cli", "-p", str(port), *args],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return ""
    return out.stdout.decode()


class RedisCluster:
    def __init__(self, workdir: Path) -> None:
        self.binary = which("redis-server")
        if self.binary is None or which("redis-cli") is None:
            unavailable("redis-server and redis-cli")
        self.workdir = workdir
        self.ports = [_free_cluster_port() for _ in range(NODES)]
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        workdir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        """Seed nodes for HEARTH_REDIS_URL: the first of them is enough, all is safer."""
        return ",".join(f"redis://127.0.0.1:{p}/0" for p in self.ports[:3])

    def start(self) -> None:
        for port in self.ports:
            self.start_node(port)
        out = subprocess.run(
            ["redis-cli", "--cluster", "create", *(f"127.0.0.1:{p}" for p in self.ports),
             "--cluster-replicas", "1", "--cluster-yes"],
            capture_output=True, timeout=30, check=False,
        )  # fmt: skip
        if out.returncode != 0:
            raise RuntimeError(f"redis-cli --cluster create failed: {out.stdout.decode()}")
        self.wait_ok()

    def start_node(self, port: int) -> None:
        assert self.binary is not None
        self.procs[port] = subprocess.Popen(
            [
                self.binary, "--port", str(port), "--bind", "127.0.0.1",
                "--cluster-enabled", "yes", "--cluster-config-file", f"nodes-{port}.conf",
                "--cluster-node-timeout", str(NODE_TIMEOUT_MS),
                "--cluster-replica-validity-factor", "0",
                "--cluster-require-full-coverage", "no",
                "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
                "--logfile", str(self.workdir / f"redis-{port}.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=0.2) as s,
            ):
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on {port} did not start")

    def wait_ok(self, within: float = 20) -> None:
        """Until every running node says cluster_state:ok and every replica has synced."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            ports = self.running_ports()
            if all("cluster_state:ok" in _call(p, "cluster", "info") for p in ports) and all(
                "role:master" in info or "master_link_status:up" in info
                for info in (_call(p, "info", "replication") for p in ports)
            ):
                return
            time.sleep(0.1)
        raise RuntimeError("redis cluster did not reach cluster_state:ok")

    def running_ports(self) -> list[int]:
        return [p for p, proc in self.procs.items() if proc.poll() is None]

    def primary_of(self, room: str) -> int:
        """The port of the primary that owns the slot of the room's keys."""
        port = self.running_ports()[0]
        slot = int(_call(port, "cluster", "keyslot", f"hearth:{{{room}}}:seq").strip())
        for line in _call(port, "cluster", "nodes").splitlines():
            fields = line.split()
            if "master" not in fields[2] or "fail" in fields[2]:
                continue
            for span in fields[8:]:
                low, _, high = span.partition("-")
                if low.isdigit() and int(low) <= slot <= int(high or low):
                    return int(fields[1].split(":")[1].split("@")[0])
        raise RuntimeError(f"no primary owns slot {slot}")

    def call(self, port: int, *args: str) -> str:
        """One command on one node (redis-cli), e.g. to fake what a failover lost."""
        return _call(port, *args)

    def primaries(self) -> list[int]:
        return [p for p in self.running_ports() if "role:master" in _call(p, "info", "replication")]

    def flush(self) -> None:
        """Empties every shard, so that tests sharing the cluster start from nothing."""
        for port in self.primaries():
            _call(port, "flushall")

    def kill(self, port: int) -> None:
        proc = self.procs[port]
        proc.send_signal(signal.SIGKILL)
        proc.wait(5)

    def wait_failover(self, room: str, old: int, within: float = 20) -> int:
        """Until another node owns the room's slot and the cluster is whole again."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            with contextlib.suppress(RuntimeError):
                new = self.primary_of(room)
                if new != old:
                    self.wait_ok(max(1.0, deadline - time.monotonic()))
                    return new
            time.sleep(0.1)
        raise RuntimeError("no replica took over")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(5)
