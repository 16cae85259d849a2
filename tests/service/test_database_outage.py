"""The database goes away under a running server: clear refusals, no 500s, and back again."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from server.db.migrate import upgrade
from tests.conftest import _asyncpg_url
from tests.service.conftest import DATABASE, Server, running_server
from tests.service.rooms import create_meeting, organiser_client
from tests.services import POSTGRES_ADMIN_URL, unavailable
from tests.wsclient import Client

pytestmark = [pytest.mark.service, pytest.mark.postgres]


async def _admin(*statements: str) -> None:
    engine = create_async_engine(_asyncpg_url(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for sql in statements:
                await conn.execute(text(sql))
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def service_database() -> Iterator[str]:
    """A database of this module's own, so cutting it off harms no other test."""
    name = f"hearth_outage_{secrets.token_hex(4)}"
    url = _asyncpg_url(POSTGRES_ADMIN_URL, name)

    async def create() -> None:
        await _admin(f'CREATE DATABASE "{name}"')
        engine = create_async_engine(url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    try:
        asyncio.run(create())
    except Exception as exc:  # pragma: no cover - depends on the machine
        unavailable(f"PostgreSQL at {POSTGRES_ADMIN_URL} ({type(exc).__name__}: {exc})")
    DATABASE["url"] = url
    yield name
    DATABASE["url"] = ""
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def server(service_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("outage")) as srv:
        yield srv


async def cut_off(name: str) -> None:
    await _admin(
        f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
    )


async def restore(name: str) -> None:
    await _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


async def test_a_vanished_database_is_503_and_a_clear_close_then_service_resumes(
    server: Server, service_database: str
) -> None:
    organiser = organiser_client(server)
    meeting = create_meeting(server, organiser)
    before = len(server.log())
    await cut_off(service_database)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=20) as http:
            listed = await http.get("/api/catalogue")
            assert listed.status_code == 503, listed.text
            assert listed.json()["error"]["code"] == "unavailable"
            ready = await http.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"].startswith("unavailable")
            assert (await http.get("/healthz")).status_code == 200
        client = await Client.connect(meeting.ws_url)
        reply = await client.hello(pseudonym="Patient")
        assert reply["type"] == "error" and reply["code"] == "unavailable", reply
        assert await client.closed() == 1013
    finally:
        await restore(service_database)
    added = server.log()[before:]
    assert "Traceback" not in added and " 500 " not in added, added[-3000:]
    back = await Client.connect(meeting.ws_url)
    assert (await back.hello(pseudonym="Patient"))["type"] == "welcome"
    assert organiser.get("/api/catalogue").status_code == 200
    organiser.close()


async def test_a_room_already_open_here_goes_on_admitting_attendees_without_the_database(
    server: Server, service_database: str
) -> None:
    """What admission keeps of an open room (docs/operations.md, "Joins at meeting
    start") lets attendees of an open group in while the database is away; what must
    be exact (an invite's use) cannot be decided, and says so."""
    organiser = organiser_client(server)
    meeting = create_meeting(server, organiser)
    closed = create_meeting(server, organiser, visibility="closed")
    code = organiser.post(f"/api/groups/{closed.group_id}/invites", json={}).json()["code"]
    early = [await meeting.join("early"), await closed.join("invited", invite=code)]
    await cut_off(service_database)
    try:
        late = await Client.connect(meeting.ws_url)
        assert (await late.hello(pseudonym="Late"))["type"] == "welcome"
        early.append(late)
        refused = await Client.connect(closed.ws_url)
        reply = await refused.hello(pseudonym="Also Late", invite=code)
        assert reply["type"] == "error" and reply["code"] == "unavailable", reply
        assert await refused.closed() == 1013
    finally:
        await restore(service_database)
        for client in early:
            await client.close()
        organiser.close()
