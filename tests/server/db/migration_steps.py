"""Steps the migration tests share: an empty schema to start from, and a downgrade."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


async def empty_schema(engine: AsyncEngine, database: str) -> None:
    """PostgreSQL's fixture database is shared, so a test that migrates from the start
    empties it first (SQLite gets a new file per test)."""
    if database:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))


def downgrade(conn: Connection, revision: str) -> None:
    from alembic import command

    from server.db.migrate import alembic_config

    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    command.downgrade(cfg, revision)
