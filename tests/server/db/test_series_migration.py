"""Revision 0009 (series, meetings.updated_at) on both databases: the series already in
meetings get their rule, in their first meeting's zone; every meeting's updated_at is
its created_at; down to 0008 and up again leaves the meetings as they were."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from server.config import Settings
from server.db.engine import create_engine
from server.db.migrate import upgrade
from tests.server.db.migration_steps import downgrade, empty_schema
from tests.server.db.test_audit_migration import _add

MADE = datetime(2027, 1, 5, 12, 0)


def _seed(conn: Connection) -> None:
    _add(conn, "users", id=1)
    _add(conn, "groups", id="g1", owner_id=1)
    for mid, series, start, zone in (
        ("m1", "s1", datetime(2027, 3, 2, 19), "Europe/Lisbon"),
        ("m2", "s1", datetime(2027, 3, 9, 19), "Europe/London"),
        ("m3", None, datetime(2027, 3, 3, 19), "UTC"),
    ):
        _add(
            conn, "meetings", id=mid, group_id="g1", series_id=series, starts_at=start,
            ends_at=start, timezone=zone, created_at=MADE,
        )  # fmt: skip


def _rows(conn: Connection, query: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(text(query))]


async def test_0009_gives_series_their_rule_and_meetings_their_updated_at(
    tmp_path: Path, database: str
) -> None:
    settings = Settings(data_dir=tmp_path / "m", database_url=database, secret_key="x")
    engine = create_engine(settings)
    try:
        await empty_schema(engine, database)
        await upgrade(engine, "0008")
        async with engine.begin() as conn:
            await conn.run_sync(_seed)
        await upgrade(engine)
        async with engine.connect() as conn:
            series = await conn.run_sync(_rows, "SELECT id, group_id, timezone FROM series")
            assert series == [("s1", "g1", "Europe/Lisbon")]
            (rule,) = await conn.run_sync(_rows, "SELECT rule FROM series")
            assert "weekly" in str(rule[0]) and "interval" in str(rule[0])
            stamps = await conn.run_sync(_rows, "SELECT updated_at FROM meetings")
            assert {str(s[0])[:16] for s in stamps} == {"2027-01-05 12:00"}
        async with engine.begin() as conn:
            await conn.run_sync(downgrade, "0008")
        async with engine.connect() as conn:
            ids = await conn.run_sync(_rows, "SELECT id FROM meetings ORDER BY id")
            assert ids == [("m1",), ("m2",), ("m3",)]
    finally:
        await upgrade(engine)  # the PostgreSQL fixture database is left at head for others
        await engine.dispose()
