"""What attendees write (messages, reports, help notes, whispers) never reaches the
database, files or logs; logs name no address; nor does the device value a browser
sends (a keep-out keeps only a keyed hash of it), nor what an attendee wrote where the
group's masked words were (the organiser's list is stored, as the organiser spelled it)."""

from __future__ import annotations

import asyncio
import re
import secrets
import sqlite3
import time
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from server.logs import redact
from tests.devices import device
from tests.service.conftest import DATABASE, Server, server_env
from tests.service.rooms import create_meeting
from tests.services import free_port

pytestmark = pytest.mark.service


async def test_a_meeting_leaves_no_trace_of_what_was_said(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = Server(
        free_port(), server_env(data, HEARTH_LOG_LEVEL="debug"), tmp_path / "server.log"
    )
    server.start()
    marker = f"marker{secrets.token_hex(8)}"
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = [n + "".join(secrets.choice(letters) for _ in range(10)) for n in ("Amber", "Heron")]
    devices: list[str] = []
    listed = "".join(secrets.choice(letters) for _ in range(12))
    written = listed.upper()  # how the attendee spelled it: masked, so kept nowhere
    try:
        meeting = create_meeting(server, masked_words=[listed])
        devices = [device(secrets.token_bytes(32), meeting.group_id) for _ in range(2)]
        host = await meeting.facilitator()
        amber = await meeting.join("amber", pseudonym=names[0], device=devices[0])
        shade = await meeting.join("shade", device=devices[1])
        assert (await host.command("remove", participant_id=shade.me))["type"] == "ack"
        await kept_out(meeting.organiser, meeting.group_id)
        heron = await meeting.join("heron", pseudonym=names[1])
        said = await amber.command("say", text=f"my secret is {marker}")
        assert said["type"] == "ack"
        message = await host.wait_for("message")
        assert (await amber.command("say", text=f"you {written}"))["type"] == "ack"
        assert (await host.wait_for("message", text="you •••"))["masked"] == 1
        await heron.command("report", message_id=message["message_id"], reason=f"reason {marker}")
        await heron.command("help", note=f"help {marker}")
        # The shared alert (its note), its claim and resolution, and both ways of the
        # private line leave nothing behind either.
        assert (await host.wait_for("alert"))["alert"]["kind"] == "report"
        help_alert = await host.wait_for("alert")
        assert help_alert["alert"]["note"] == f"help {marker}"
        await host.command("claim_alert", alert_id=help_alert["alert"]["id"])
        whispered = await heron.command("whisper", text=f"whisper {marker}")
        assert whispered["type"] == "ack"
        answer = await host.command("whisper", to=heron.me, text=f"answer {marker}")
        assert answer["type"] == "ack"
        await heron.wait_for("whisper", to=heron.me)
        await host.command("resolve_alert", alert_id=help_alert["alert"]["id"])
        await host.command("delete", message_id=message["message_id"])
        await host.command("mute", participant_id=amber.me)
        await host.command("end")
        await host.wait_for("meeting_ended")
    finally:
        server.stop()

    # No words, no pseudonym (the audit has ordinals), no device value (keep-outs hash it).
    for needle in (marker, *names, *devices, written):
        for path in data.rglob("*"):
            if path.is_file():
                assert needle.encode() not in path.read_bytes(), f"{path} holds {needle!r}"
    log = server.log()
    assert marker not in log and written not in log
    assert not any(value in log for value in devices)
    assert "GET /api/meetings" in log or "POST /api/groups" in log  # the log did run
    # The one address kept is the server's own, in uvicorn's startup line (finding 2).
    others = [line for line in log.splitlines() if "Uvicorn running on" not in line]
    assert not re.search(r"\b127\.0\.0\.1\b", "\n".join(others)), "the log names a client"

    dump, rows, ended = await database_contents(data, meeting.id)
    assert marker not in dump and not any(name in dump for name in (*names, *devices))
    assert written not in dump and listed in dump  # the organiser's word, not the attendee's
    # The host joined first, Amber second: roles and ordinals, no names.
    assert ("delete", "facilitator", 1, "attendee", 2) in rows
    assert ("mute", "facilitator", 1, "attendee", 2) in rows
    assert ("end", "facilitator", 1, None, None) in rows
    assert ended is not None  # ended early: the catalogue and joins know


async def kept_out(organiser: Any, group_id: str) -> None:
    """Once the removal's keep-out is written (beside the room, by the worker)."""
    deadline = time.monotonic() + 5
    while organiser.get(f"/api/groups/{group_id}/keep-outs").json()["active"] != 1:
        assert time.monotonic() < deadline, "no keep-out was recorded"
        await asyncio.sleep(0.05)


async def database_contents(data: Path, meeting_id: str) -> tuple[str, list[Any], Any]:
    """Every row of every table as text, the audit rows, and the meeting's ended_at."""
    audit = (
        "SELECT action, actor_role, actor_ordinal, target_role, target_ordinal"
        " FROM moderation_audit WHERE meeting_id = '%s' ORDER BY id"
    )
    ended = "SELECT ended_at FROM meetings WHERE id = '%s'"
    if not DATABASE["url"]:
        db = sqlite3.connect(data / "hearth.sqlite3")
        try:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            dump = "".join(str(db.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables)
            rows = db.execute(audit % meeting_id).fetchall()
            return dump, rows, db.execute(ended % meeting_id).fetchone()[0]
        finally:
            db.close()
    conn = await asyncpg.connect(DATABASE["url"].replace("postgresql+asyncpg", "postgresql"))
    try:
        tables = [
            r[0]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        dump = "".join([str(await conn.fetch(f'SELECT * FROM "{t}"')) for t in tables])
        rows = [tuple(r) for r in await conn.fetch(audit % meeting_id)]
        return dump, rows, await conn.fetchval(ended % meeting_id)
    finally:
        await conn.close()


def test_the_redacting_formatter_removes_addresses() -> None:
    line = "('127.0.0.1', 50312) - \"WebSocket /ws/meetings/x\" [accepted] from ::1 and 10.1.2.3:80"
    assert (
        redact(line)
        == "('[addr]', 50312) - \"WebSocket /ws/meetings/x\" [accepted] from [addr] and [addr]"
    )
