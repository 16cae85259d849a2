"""Revision 0008 (meeting_stats) goes down and up again on both databases, leaving every
other table as it was; a meeting's figures go with the meeting, and with its group."""

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
    _add(conn, "meetings", id="m2", group_id="g1")


def _figures(conn: Connection) -> None:
    for meeting_id in ("m1", "m2"):
        _add(conn, "meeting_stats", meeting_id=meeting_id, group_id="g1", segments="[]")


def _count(conn: Connection, table: str) -> int:
    return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


async def test_0008_goes_down_and_up_and_its_rows_follow_their_meeting(
    tmp_path: Path, database: str
) -> None:
    """Down to 0007: no meeting_stats, the meetings still there; up again, a deleted
    meeting takes its row with it, a deleted group the rest."""
    settings = Settings(data_dir=tmp_path / "m", database_url=database, secret_key="x")
    engine = create_engine(settings)
    try:
        await empty_schema(engine, database)
        await upgrade(engine, "0007")
        async with engine.begin() as conn:
            await conn.run_sync(_seed)
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.run_sync(_figures)
            await conn.run_sync(downgrade, "0007")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
            assert await conn.run_sync(_count, "meetings") == 2
        assert "meeting_stats" not in tables
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.run_sync(_figures)
            await conn.execute(text("DELETE FROM meetings WHERE id = 'm1'"))
            assert await conn.run_sync(_count, "meeting_stats") == 1
            await conn.execute(text("DELETE FROM groups WHERE id = 'g1'"))
            assert await conn.run_sync(_count, "meeting_stats") == 0
    finally:
        await upgrade(engine)  # the PostgreSQL fixture database is left at head for others
        await engine.dispose()
