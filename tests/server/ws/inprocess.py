"""Rooms in process: the app under Starlette's TestClient, the memory room log, SQLite.

Only the public surface is used: `create_app(Settings)`, the HTTP API, the WebSocket
protocol, and `add_user` for the first account (as tests/server/api do). The TestClient runs
the app, its lifespan and every WebSocket session on one event loop in a portal thread;
the tests themselves are plain synchronous functions that block on that loop, always
with a timeout.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio
from starlette.testclient import TestClient, WebSocketTestSession

from server.app import create_app
from server.config import Settings
from tests.frame_log import FrameLog
from tests.services import TIMEOUT

_ids = itertools.count(1)


class Closed(Exception):
    """The server closed this WebSocket; `code` is its close code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class ServerSessionCrashed(Exception):
    """The app's task for this WebSocket ended with an exception (shown at teardown)."""


async def _next_message(session: WebSocketTestSession, timeout: float) -> dict[str, Any]:
    # TestClient's own receive() blocks for ever; this is the same read, with a deadline.
    with anyio.fail_after(timeout):
        message: dict[str, Any] = dict(await session._send_rx.receive())
        return message


class Client(FrameLog):
    """One participant on an in-process WebSocket: the helpers of tests/wsclient.py, blocking."""

    def __init__(self, session: WebSocketTestSession, name: str = "") -> None:
        super().__init__()
        self.session = session
        self.name = name
        self.close_code: int | None = None  # once the server closed
        self.gone = False  # once this side closed or dropped
        self.crashed = False  # once a read found the server's session task dead

    def send(self, frame: dict[str, Any] | str | bytes) -> None:
        if isinstance(frame, bytes):
            self.session.send_bytes(frame)
        else:
            self.session.send_text(frame if isinstance(frame, str) else json.dumps(frame))

    def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next frame; TimeoutError if none comes in time, Closed once the server closed."""
        if self.close_code is not None:
            raise Closed(self.close_code)
        try:
            message = self.session.portal.call(_next_message, self.session, timeout)
        except anyio.ClosedResourceError:
            self.crashed = True  # its frames are gone with it
            raise ServerSessionCrashed(self.name) from None
        if message["type"] == "websocket.close":
            self.close_code = int(message.get("code", 1000))
            raise Closed(self.close_code)
        assert message["type"] == "websocket.send", message
        raw = message.get("text")
        return self.keep(raw if raw is not None else message["bytes"])

    def wait_for(self, type_: str, timeout: float = TIMEOUT, **match: Any) -> dict[str, Any]:
        """The next unseen frame of this type (and fields), reading as needed."""
        deadline = time.monotonic() + timeout
        while (frame := self.next_unseen(type_, match)) is None:
            self.recv(_left(deadline))
        return frame

    def hello(self, **fields: Any) -> dict[str, Any]:
        self.send({"type": "hello", **fields})
        deadline = time.monotonic() + TIMEOUT
        while not self.hello_reply(frame := self.recv(_left(deadline))):
            pass
        return frame

    def command(self, type_: str, **fields: Any) -> dict[str, Any]:
        """Sends a command and returns its ack or error (events before it are kept)."""
        request_id = f"r{next(_ids)}"
        self.send({"type": type_, "id": request_id, **fields})
        deadline = time.monotonic() + TIMEOUT
        start = len(self.frames)
        while (reply := self.reply_to(request_id, start)) is None:
            self.recv(_left(deadline))
        return reply

    def drain(self, quiet: float = 0.2) -> None:
        """Reads until nothing arrives for `quiet` seconds (or the server closes)."""
        with contextlib.suppress(TimeoutError, Closed):
            while True:
                self.recv(quiet)

    def closed(self, timeout: float = TIMEOUT) -> int | None:
        """Reads until the server closes; returns the close code."""
        deadline = time.monotonic() + timeout
        with contextlib.suppress(Closed):
            while True:
                self.recv(_left(deadline))
        return self.close_code

    def close(self, code: int = 1000) -> None:
        """This side goes away: the server sees a disconnect with this code."""
        if not self.gone:
            self.gone = True
            self.session.close(code)

    def drop(self) -> None:
        """The network goes away, no close frame: what a server sees as 1006."""
        self.close(1006)


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


@dataclass
class Meeting:
    """One meeting of a new group on the in-process server, and its organiser."""

    hearth: InProcessHearth
    id: str
    group_id: str

    @property
    def organiser(self) -> TestClient:
        return self.hearth.http

    @property
    def ws_path(self) -> str:
        return f"/ws/meetings/{self.id}"

    def facilitator_token(self) -> str:
        r = self.organiser.post(f"/api/meetings/{self.id}/facilitator-token")
        assert r.status_code == 200, r.text
        token: str = r.json()["token"]
        return token

    def invite(self, **body: Any) -> str:
        r = self.organiser.post(f"/api/groups/{self.group_id}/invites", json=body)
        assert r.status_code == 201, r.text
        code: str = r.json()["code"]
        return code

    def connect(self, name: str = "") -> Client:
        return self.hearth.connect(self.ws_path, name)

    def join(self, name: str = "", **hello: Any) -> Client:
        client = self.connect(name)
        reply = client.hello(**hello)
        assert reply["type"] in {"welcome", "waiting"}, reply
        return client

    def facilitator(self, pseudonym: str = "Host") -> Client:
        return self.join("host", pseudonym=pseudonym, facilitator_token=self.facilitator_token())


@dataclass
class InProcessHearth:
    """The app under a TestClient that is signed in as one organiser."""

    http: TestClient
    clients: list[Client] = field(default_factory=list)

    def connect(self, path: str, name: str = "") -> Client:
        session = self.http.websocket_connect(path)
        session.__enter__()
        client = Client(session, name)
        self.clients.append(client)
        return client

    def create_meeting(
        self,
        starts_in: timedelta = timedelta(minutes=-1),
        duration_minutes: int = 60,
        **group: Any,
    ) -> Meeting:
        """A group (options as in POST /api/groups) with one meeting, by default open now."""
        body = {"name": "Test circle", "timezone": "UTC", **group}
        g = self.http.post("/api/groups", json=body)
        assert g.status_code == 201, g.text
        start = (datetime.now(UTC) + starts_in).strftime("%Y-%m-%dT%H:%M")
        m = self.http.post(
            f"/api/groups/{g.json()['id']}/meetings",
            json={"starts_at": start, "timezone": "UTC", "duration_minutes": duration_minutes},
        )
        assert m.status_code == 201, m.text
        return Meeting(self, m.json()[0]["id"], g.json()["id"])

    def close_clients(self) -> None:
        """Ends every WebSocket session: the server sees a disconnect, then the session's
        task on the portal is cancelled and awaited (an exception in it is raised here)."""
        errors: list[BaseException] = []
        while self.clients:
            client = self.clients.pop()
            client.gone = True  # __exit__ sends its own disconnect
            try:
                client.session.__exit__(None, None, None)
            except BaseException as exc:  # every session is ended before reporting
                if not client.crashed:  # a crash the test already failed on is not repeated
                    errors.append(exc)
        if errors:
            raise errors[0]


async def _add_organiser(app: Any, username: str, password: str) -> None:
    from server.api.auth import add_user

    async with app.state.ctx.session() as session:
        await add_user(session, username, password, "organiser")


@contextlib.contextmanager
def running_hearth(data_dir: Path, **settings: Any) -> Iterator[InProcessHearth]:
    """The app on SQLite in `data_dir` (unless `database_url` is given) and the memory room
    log, its lifespan running, with one organiser signed in on the returned TestClient."""
    app = create_app(
        Settings(data_dir=data_dir, secret_key="test-secret-" + secrets.token_hex(8), **settings)
    )
    with TestClient(app) as http:
        hearth = InProcessHearth(http)
        try:
            name, password = f"org{secrets.token_hex(3)}", "long passphrase"
            assert http.portal is not None  # the lifespan's event loop, in its thread
            http.portal.call(_add_organiser, app, name, password)
            r = http.post("/api/auth/login", json={"username": name, "password": password})
            assert r.status_code == 200, r.text
            yield hearth
        finally:
            hearth.close_clients()
