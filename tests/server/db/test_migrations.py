"""Migrations: they build exactly the schema the models describe, on both databases,
and nothing a meeting says reaches any column of any table they build."""

from __future__ import annotations

import asyncio
import secrets
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection
from starlette.testclient import TestClient, WebSocketTestSession

from server.api.auth import add_user
from server.app import create_app
from server.config import Settings
from server.db.engine import create_engine
from server.db.migrate import alembic_config, current_revision, upgrade
from server.db.models import AuditEntry, Base, MeetingStats

# Revision 0005 adds these on SQLite as inline `REFERENCES ... ON DELETE SET NULL` (SQLite
# adds a foreign key only with its column, and rebuilding groups would cascade), whose name
# and ON DELETE SQLAlchemy's SQLite reflection does not read; _inline_fks checks them instead.
INLINE_FKS = {("groups", "format_id"), ("meetings", "format_id")}


def _reflection_gap(diff: Any) -> bool:
    kind, fk = diff[0], diff[1] if len(diff) > 1 else None
    if kind not in {"add_fk", "remove_fk"} or fk is None:
        return False
    return {(fk.table.name, c.name) for c in fk.columns} <= INLINE_FKS


def _diff(conn: Connection) -> list[object]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    found = list(compare_metadata(context, Base.metadata))
    if conn.dialect.name == "sqlite":
        found = [d for d in found if not _reflection_gap(d)]
    return found


def _inline_fks(conn: Connection) -> set[tuple[str, str, str, str]]:
    """(table, column, referred table, on delete) of the inline foreign keys, as SQLite has them."""
    out = set()
    for table, column in INLINE_FKS:
        for row in conn.execute(text(f'PRAGMA foreign_key_list("{table}")')):
            if row[3] == column:
                out.add((table, column, row[2], row[6]))
    return out


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
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert head is not None and await current_revision(engine) == head
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
            if not database:
                assert await conn.run_sync(_inline_fks) == {
                    ("groups", "format_id", "formats", "SET NULL"),
                    ("meetings", "format_id", "formats", "SET NULL"),
                }
            tables = await conn.run_sync(_tables)
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
    finally:
        await engine.dispose()


# Privacy: what attendees write never reaches the database ---------------------------


def _holds(value: object, needle: str) -> bool:
    if isinstance(value, bytes | bytearray | memoryview):
        return needle.encode() in bytes(value)
    return needle in str(value)


async def _every_value(settings: Settings) -> list[tuple[str, str, object]]:
    """(table, column, value) for every column of every row of every table the database
    has: the tables are read from the database itself, not from the models."""
    engine = create_engine(settings)
    try:
        async with engine.connect() as conn:
            out: list[tuple[str, str, object]] = []
            for table in await conn.run_sync(lambda c: inspect(c).get_table_names()):
                rows = await conn.execute(text(f'SELECT * FROM "{table}"'))
                out += [(table, col, val) for row in rows.mappings() for col, val in row.items()]
            return out
    finally:
        await engine.dispose()


AuditRow = tuple[str, str | None, int | None, str | None, int | None]


def _audit_rows(client: TestClient, meeting_id: str) -> list[AuditRow]:
    async def read() -> list[AuditRow]:
        async with client.app.state.ctx.session() as session:  # type: ignore[attr-defined]
            rows = await session.execute(
                select(
                    AuditEntry.action,
                    AuditEntry.actor_role,
                    AuditEntry.actor_ordinal,
                    AuditEntry.target_role,
                    AuditEntry.target_ordinal,
                )
                .where(AuditEntry.meeting_id == meeting_id)
                .order_by(AuditEntry.id)
            )
            return [tuple(row) for row in rows]

    assert client.portal is not None
    return client.portal.call(read)


def _figures(client: TestClient, meeting_id: str) -> list[tuple[int, int, int, int]]:
    async def read() -> list[tuple[int, int, int, int]]:
        async with client.app.state.ctx.session() as session:  # type: ignore[attr-defined]
            rows = await session.execute(
                select(
                    MeetingStats.peak_present,
                    MeetingStats.attended,
                    MeetingStats.shares,
                    MeetingStats.polls,
                ).where(MeetingStats.meeting_id == meeting_id)
            )
            return [(a, b, c, d) for a, b, c, d in rows]

    assert client.portal is not None
    return client.portal.call(read)


def _reply(ws: WebSocketTestSession, type_: str, **match: object) -> dict[str, Any]:
    """The next frame of this type and fields, skipping others."""
    while True:
        frame: dict[str, Any] = ws.receive_json()
        if frame["type"] == type_ and all(frame.get(k) == v for k, v in match.items()):
            return frame


@pytest.mark.timeout(30)
def test_nothing_a_meeting_says_reaches_any_column_of_any_table(
    tmp_path: Path, database: str
) -> None:
    """A meeting where people say, report, ask for help, whisper, vote in a poll and are
    moderated: no row of any table holds any of it, under any column name, nor does any
    file of the data dir; nor any pseudonym (the audit names roles and ordinals), nor the
    poll's question or options, nor who chose what (the figures are counts only).

    A control string the API does store (the group's description) must be found by the
    same scans, so a scan that reads nothing fails too."""
    settings = Settings(
        data_dir=tmp_path / "data", database_url=database, secret_key=secrets.token_hex(8)
    )
    said, reason, note, whispered, asked, option = (
        f"{kind}{secrets.token_hex(8)}"
        for kind in ("said", "why", "help", "whisper", "question", "option")
    )
    control = f"control{secrets.token_hex(8)}"
    amber_name, heron_name = (
        name + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10))
        for name in ("Amber", "Heron")
    )
    markers = [said, reason, note, whispered, asked, option, amber_name, heron_name]
    with TestClient(create_app(settings)) as client:

        async def add() -> None:
            async with client.app.state.ctx.session() as session:  # type: ignore[attr-defined]
                await add_user(session, "olive", "correct horse", "organiser")

        assert client.portal is not None
        client.portal.call(add)
        login = {"username": "olive", "password": "correct horse"}
        assert client.post("/api/auth/login", json=login).status_code == 200
        group = client.post(
            "/api/groups", json={"name": "Circle", "timezone": "UTC", "description": control}
        ).json()
        start = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
        meeting_id = client.post(
            f"/api/groups/{group['id']}/meetings",
            json={"starts_at": start, "timezone": "UTC", "duration_minutes": 60},
        ).json()[0]["id"]
        token = client.post(f"/api/meetings/{meeting_id}/facilitator-token").json()["token"]
        url = f"/ws/meetings/{meeting_id}"
        with (
            client.websocket_connect(url) as host,
            client.websocket_connect(url) as amber,
            client.websocket_connect(url) as heron,
        ):
            host.send_json({"type": "hello", "pseudonym": "Host", "facilitator_token": token})
            _reply(host, "welcome")
            amber.send_json({"type": "hello", "pseudonym": amber_name})
            amber_id = _reply(amber, "welcome")["you"]["id"]
            heron.send_json({"type": "hello", "pseudonym": heron_name})
            _reply(heron, "welcome")
            amber.send_json({"type": "say", "id": "s1", "text": f"my secret is {said}"})
            assert _reply(amber, "ack", id="s1")["seq"]
            message = _reply(host, "message", participant_id=amber_id)
            assert message["text"] == f"my secret is {said}"
            heron.send_json(
                {"type": "report", "id": "r1", "message_id": message["message_id"],
                 "reason": f"reason {reason}"}
            )  # fmt: skip
            heron.send_json({"type": "help", "id": "h1", "note": f"help {note}"})
            assert _reply(host, "alert")["alert"]["note"] == f"reason {reason}"
            assert _reply(host, "alert")["alert"]["note"] == f"help {note}"
            heron.send_json({"type": "whisper", "id": "w1", "text": f"psst {whispered}"})
            assert _reply(heron, "ack", id="w1")
            host.send_json(
                {"type": "poll_start", "id": "p1", "question": f"ask {asked}",
                 "options": [f"pick {option}", "other"]}
            )  # fmt: skip
            poll_id = _reply(amber, "poll")["poll_id"]
            for voter, choice in ((amber, 0), (heron, 1)):
                voter.send_json({"type": "vote", "id": "v1", "poll_id": poll_id, "option": choice})
                assert _reply(voter, "ack", id="v1")
            host.send_json({"type": "poll_close", "id": "p2", "poll_id": poll_id})
            assert _reply(host, "ack", id="p2")
            for frame in (
                {"type": "delete", "message_id": message["message_id"]},
                {"type": "mute", "participant_id": amber_id},
                {"type": "end"},
            ):
                host.send_json({**frame, "id": f"m{frame['type']}"})
                assert _reply(host, "ack", id=f"m{frame['type']}")
            _reply(heron, "meeting_ended")
        # The audit rows are written after the acks, each by a task of its own (so in
        # any order): the moderation did reach the database, roles and the order of
        # joining (the host first, Amber second), no names and no words.
        deadline = time.monotonic() + 10
        while len(rows := _audit_rows(client, meeting_id)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sorted(rows, key=repr) == sorted(
            [
                ("delete", "facilitator", 1, "attendee", 2),
                ("mute", "facilitator", 1, "attendee", 2),
                ("end", "facilitator", 1, None, None),
            ],
            key=repr,
        )
        # The meeting's figures are there too, and they are counts: the host, Amber and
        # Heron in at once, one poll, no share.
        while not (figures := _figures(client, meeting_id)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert figures == [(3, 3, 0, 1)]

    values = asyncio.run(_every_value(settings))
    tables = {table for table, _, _ in values}
    assert {"groups", "meetings", "meeting_stats", "moderation_audit", "users"} <= tables
    assert any(_holds(v, control) for _, _, v in values), "the row scan found no control"
    for marker in markers:
        found = [(t, c) for t, c, v in values if _holds(v, marker)]
        assert not found, f"{marker!r} stored in {found}"
    if not database:  # SQLite: the database file and its journal, byte for byte
        files = [p for p in settings.data_dir.rglob("*") if p.is_file()]
        assert any(control.encode() in p.read_bytes() for p in files), files
        for path in files:
            for marker in markers:
                assert marker.encode() not in path.read_bytes(), f"{path} holds {marker!r}"
