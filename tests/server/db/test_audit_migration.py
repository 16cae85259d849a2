"""Revision 0002 takes the pseudonyms out of an existing moderation audit, on both
databases, and keeps what an organiser needs (the action and its time)."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    inspect,
    text,
)
from sqlalchemy.engine import Connection

from server.config import Settings
from server.db.engine import create_engine
from server.db.migrate import upgrade


def _filler(column: Any) -> object:
    """A value of the column's type, for the columns a row must have."""
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, DateTime):
        return datetime(2026, 1, 1, 12, 0)
    if isinstance(kind, JSON):
        return []
    if isinstance(kind, String | Text):
        return "x"
    raise AssertionError(f"no filler for {kind!r}")


def _add(conn: Connection, table_name: str, **values: object) -> None:
    """One row of a table as the database has it now, every required column filled."""
    table = Table(table_name, MetaData(), autoload_with=conn)
    row = {
        c.name: _filler(c)
        for c in table.columns
        if not c.nullable
        and c.server_default is None
        and c.name not in values
        and not (c.primary_key and isinstance(c.type, Integer))  # the database numbers it
    }
    conn.execute(insert(table).values(**row, **values))


def _seed(conn: Connection, pseudonyms: tuple[str, str]) -> None:
    _add(conn, "users", id=1)
    _add(conn, "groups", id="g1", owner_id=1)
    _add(conn, "meetings", id="m1", group_id="g1")
    actor, target = pseudonyms
    _add(conn, "moderation_audit", meeting_id="m1", action="mute", actor=actor, target=target)
    _add(conn, "moderation_audit", meeting_id="m1", action="end", actor=actor, target=None)


def _dump(conn: Connection) -> str:
    tables = inspect(conn).get_table_names()
    return "".join(str(conn.execute(text(f'SELECT * FROM "{t}"')).fetchall()) for t in tables)


async def test_upgrading_drops_the_pseudonyms_of_an_existing_audit(
    tmp_path: Path, database: str
) -> None:
    """An audit written at 0001 with two pseudonyms: after the upgrade no table holds either,
    the rows keep their action and time, and their roles and ordinals are unknown."""
    settings = Settings(data_dir=tmp_path / "m", database_url=database, secret_key="x")
    engine = create_engine(settings)
    names = (f"Amber{secrets.token_hex(6)}", f"Heron{secrets.token_hex(6)}")
    try:
        if database:  # the PostgreSQL fixture database is already migrated: start over
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(engine, "0001")
        async with engine.begin() as conn:
            await conn.run_sync(_seed, names)
            before = await conn.run_sync(_dump)
        assert all(name in before for name in names)  # the names were there
        await upgrade(engine)
        async with engine.connect() as conn:
            dump = await conn.run_sync(_dump)
            columns = {c["name"] for c in await conn.run_sync(
                lambda c: inspect(c).get_columns("moderation_audit")
            )}  # fmt: skip
            rows = await conn.execute(
                text(
                    "SELECT action, actor_role, actor_ordinal, target_role, target_ordinal, at"
                    " FROM moderation_audit ORDER BY id"
                )
            )
            audit = [tuple(r) for r in rows]
        assert not any(name in dump for name in names), "a pseudonym survived the upgrade"
        assert {"actor", "target"}.isdisjoint(columns), columns
        assert [(a, r1, o1, r2, o2) for a, r1, o1, r2, o2, _ in audit] == [
            ("mute", None, None, None, None),
            ("end", None, None, None, None),
        ]
        assert all(at is not None for *_, at in audit)
    finally:
        await engine.dispose()


async def test_downgrading_0002_gives_back_the_0001_table_without_names(
    tmp_path: Path, database: str
) -> None:
    """The way back restores the columns (empty: the names are gone for good)."""
    settings = Settings(data_dir=tmp_path / "m", database_url=database, secret_key="x")
    engine = create_engine(settings)
    try:
        if database:
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(engine, "0002")

        def down(conn: Connection) -> None:
            from alembic import command

            from server.db.migrate import alembic_config

            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")

        async with engine.begin() as conn:
            await conn.run_sync(down)
            columns = {
                c["name"]
                for c in await conn.run_sync(lambda c: inspect(c).get_columns("moderation_audit"))
            }
        assert columns == {"id", "meeting_id", "action", "actor", "target", "at"}
    finally:
        await upgrade(engine)  # the PostgreSQL fixture database is left at head for others
        await engine.dispose()
