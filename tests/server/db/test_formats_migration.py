"""Revision 0005 (formats) goes down and up again on both databases without touching the
groups and meetings it adds a column to: on SQLite a table rebuild would cascade."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from server.config import Settings
from server.db.engine import create_engine
from server.db.migrate import upgrade
from tests.server.db.migration_steps import downgrade, empty_schema
from tests.server.db.test_audit_migration import _add


def _seed(conn: Connection) -> None:
    _add(conn, "users", id=1)
    _add(conn, "groups", id="g1", owner_id=1)
    _add(conn, "meetings", id="m1", group_id="g1")
    _add(conn, "invites", id="i1", group_id="g1", code_hash="h")


def _counts(conn: Connection) -> tuple[int, ...]:
    return tuple(
        conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
        for t in ("groups", "meetings", "invites")
    )


async def test_0005_goes_down_and_up_keeping_groups_and_meetings(
    tmp_path: Path, database: str
) -> None:
    """Down to 0006: no formats table, no format_id, every row still there; up again."""
    settings = Settings(data_dir=tmp_path / "m", database_url=database, secret_key="x")
    engine = create_engine(settings)
    try:
        await empty_schema(engine, database)
        await upgrade(engine, "0006")
        async with engine.begin() as conn:
            await conn.run_sync(_seed)
        await upgrade(engine)
        async with engine.begin() as conn:
            assert await conn.run_sync(_counts) == (1, 1, 1)
            await conn.run_sync(downgrade, "0006")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
            columns = {
                c["name"] for c in await conn.run_sync(lambda c: inspect(c).get_columns("groups"))
            }
            assert await conn.run_sync(_counts) == (1, 1, 1)
        assert "formats" not in tables and "format_id" not in columns
    finally:
        await upgrade(engine)  # the PostgreSQL fixture database is left at head for others
        await engine.dispose()
    engine = create_engine(settings)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_counts) == (1, 1, 1)
    finally:
        await engine.dispose()
