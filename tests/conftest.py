"""Shared fixtures: an in-process app on SQLite and on PostgreSQL, and signed-in clients."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from server.app import create_app
from server.config import Settings
from server.context import AppContext
from server.db.migrate import upgrade
from server.db.models import Base
from tests.redis_cluster import RedisCluster
from tests.services import POSTGRES_ADMIN_URL, unavailable


def _asyncpg_url(url: str, database: str | None = None) -> str:
    base = "postgresql+asyncpg://" + url.split("://", 1)[1]
    if database is None:
        return base
    return base.rsplit("/", 1)[0] + "/" + database


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One private Redis Cluster (three primaries, three replicas) for the whole run.

    A test that kills a node must bring it back (start_node, wait_ok) before it ends.
    """
    cluster = RedisCluster(tmp_path_factory.mktemp("redis-cluster"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_url() -> Any:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    name = f"hearth_test_{secrets.token_hex(4)}"
    admin = _asyncpg_url(POSTGRES_ADMIN_URL)

    async def run(sql: str) -> None:
        engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.execute(text(sql))
        finally:
            await engine.dispose()

    async def create() -> None:
        await run(f'CREATE DATABASE "{name}"')
        engine = create_async_engine(_asyncpg_url(POSTGRES_ADMIN_URL, name))
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    try:
        asyncio.run(asyncio.wait_for(create(), 20))
    except Exception as exc:  # pragma: no cover - depends on the machine
        unavailable(f"PostgreSQL at {POSTGRES_ADMIN_URL} ({type(exc).__name__}: {exc})")
    yield _asyncpg_url(POSTGRES_ADMIN_URL, name)
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate_postgres(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database URL for one test: a new SQLite file, or the run's PostgreSQL emptied."""
    if request.param == "sqlite":
        return ""
    url: str = request.getfixturevalue("postgres_url")
    asyncio.run(_truncate_postgres(url))
    return url


@pytest.fixture
def settings(tmp_path: Path, database: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database,
        secret_key="test-secret-" + secrets.token_hex(8),
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Any]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def context(app: Any) -> AppContext:
    ctx: AppContext = app.state.ctx
    return ctx


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


MakeUser = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def make_user(app: Any, context: AppContext) -> AsyncIterator[MakeUser]:
    """Creates an account and returns a client signed in as it."""
    from server.api.auth import add_user

    clients: list[httpx.AsyncClient] = []

    async def make(
        username: str, role: str = "organiser", password: str = "correct horse"
    ) -> httpx.AsyncClient:
        async with context.session() as session:
            await add_user(session, username, password, role)
        c = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        clients.append(c)
        r = await c.post("/api/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return c

    yield make
    for c in clients:
        await c.aclose()


@pytest.fixture
async def organiser(make_user: MakeUser) -> httpx.AsyncClient:
    return await make_user("olive", "organiser")


@pytest.fixture
async def facilitator(make_user: MakeUser) -> httpx.AsyncClient:
    return await make_user("fern", "facilitator")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI (HEARTH_REQUIRE_SERVICES=1) a skipped test is a failure: nothing quietly not run."""
    from tests.services import REQUIRE

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if REQUIRE and skipped and reporter is not None:
        reporter.write_line(
            f"{len(skipped)} test(s) skipped with HEARTH_REQUIRE_SERVICES=1", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
