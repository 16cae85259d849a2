"""Real `hearth serve` processes on free ports."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests import wsclient
from tests.conftest import _truncate_postgres
from tests.services import free_port

HEARTH = str(Path(sys.executable).parent / "hearth")


@dataclass
class Server:
    """One running `hearth serve`, its environment and its captured log."""

    port: int
    env: dict[str, str]
    log_path: Path
    args: list[str] = field(default_factory=list)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [HEARTH, "serve", "--port", str(self.port), *self.args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hearth serve exited:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"hearth serve did not start:\n{self.log()}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def hearth(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [HEARTH, *args], input=stdin, env=self.env, capture_output=True, text=True, timeout=60
        )


# The database the servers of the current test module use: "" for SQLite.
DATABASE = {"url": ""}


@pytest.fixture(
    scope="module",
    autouse=True,
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def service_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every service test runs once on SQLite and once on PostgreSQL."""
    url = "" if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))
    if url:
        asyncio.run(_truncate_postgres(url))  # each module starts from an empty database
    DATABASE["url"] = url
    yield url
    DATABASE["url"] = ""


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.update({"HEARTH_DATA_DIR": str(data_dir), "HEARTH_LOG_LEVEL": "info"})
    if DATABASE["url"]:
        env["HEARTH_DATABASE_URL"] = DATABASE["url"]
    env.update(extra)
    return env


OPEN_CLIENTS: list[httpx.Client] = []


@pytest.fixture(autouse=True)
def _close_http_clients() -> Iterator[None]:
    """HTTP clients the room helpers open are closed after each test."""
    yield
    while OPEN_CLIENTS:
        OPEN_CLIENTS.pop().close()


@pytest.fixture(autouse=True)
async def _close_web_sockets() -> AsyncIterator[None]:
    """WebSockets a test left open (it failed half-way, say) are closed after it."""
    yield
    while wsclient.OPEN:
        client = wsclient.OPEN.pop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.close(), 5)
        client.ws.transport.abort()  # one that never read its close frame


@pytest.fixture(scope="module")
def organiser(server: Server) -> Iterator[httpx.Client]:
    """One signed-in organiser per module, for the module's own `server`."""
    from tests.service.rooms import organiser_client

    client = organiser_client(server)
    yield client
    client.close()


@contextlib.contextmanager
def running_server(tmp: Path, **env: str) -> Iterator[Server]:
    """A `hearth serve` on a free port, its data and log under `tmp`, stopped afterwards."""
    server = Server(free_port(), server_env(tmp / "data", **env), tmp / "server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def hearth_server(tmp_path: Path) -> Iterator[Server]:
    with running_server(tmp_path) as server:
        yield server
