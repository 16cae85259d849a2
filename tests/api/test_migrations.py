"""Migrations: they build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from server.config import Settings
from server.db.engine import create_engine
from server.db.migrate import current_revision, upgrade
from server.db.models import Base


def _diff(conn: Connection) -> list[object]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


async def test_migrations_match_the_models_and_can_run_twice(tmp_path: Path, database: str) -> None:
    settings = Settings(data_dir=tmp_path / "m", database_url=database, secret_key="x")
    engine = create_engine(settings)
    try:
        if database:  # the PostgreSQL fixture database is already migrated: start over
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(engine)
        await upgrade(engine)  # a second run (a restart, another worker) changes nothing
        assert await current_revision(engine) == "0001"
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
            tables = await conn.run_sync(_tables)
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
        assert not any("text" in c.name for t in Base.metadata.sorted_tables for c in t.columns)
    finally:
        await engine.dispose()
