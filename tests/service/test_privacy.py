"""What attendees write never reaches the database, files or logs; logs name no address."""

from __future__ import annotations

import re
import secrets
import sqlite3
from pathlib import Path

import pytest

from server.logs import redact
from tests.service.conftest import Server, server_env
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
    try:
        meeting = create_meeting(server)
        host = await meeting.facilitator()
        amber = await meeting.join("amber", pseudonym="Amber")
        heron = await meeting.join("heron", pseudonym="Heron")
        said = await amber.command("say", text=f"my secret is {marker}")
        assert said["type"] == "ack"
        message = await host.wait_for("message")
        await heron.command("report", message_id=message["message_id"], reason=f"reason {marker}")
        await heron.command("help", note=f"help {marker}")
        await host.wait_for("report")
        await host.command("delete", message_id=message["message_id"])
        await host.command("mute", participant_id=amber.me)
        await host.command("end")
        await host.wait_for("meeting_ended")
    finally:
        server.stop()

    needle = marker.encode()
    for path in data.rglob("*"):
        if path.is_file():
            assert needle not in path.read_bytes(), f"{path} holds message text"
    log = server.log()
    assert marker not in log
    assert "GET /api/meetings" in log or "POST /api/groups" in log  # the log did run
    assert not re.search(r"\b127\.0\.0\.1\b", log), "the log names a client address"

    db = sqlite3.connect(data / "hearth.sqlite3")
    rows = db.execute("SELECT action, actor, target FROM moderation_audit ORDER BY id").fetchall()
    ended = db.execute("SELECT ended_at FROM meetings").fetchone()
    db.close()
    assert ("delete", "Host", "Amber") in rows and ("mute", "Host", "Amber") in rows
    assert ("end", "Host", None) in rows
    assert ended[0] is not None  # ended early: the catalogue and joins know


def test_the_redacting_formatter_removes_addresses() -> None:
    line = "('127.0.0.1', 50312) - \"WebSocket /ws/meetings/x\" [accepted] from ::1 and 10.1.2.3:80"
    assert (
        redact(line)
        == "('[addr]', 50312) - \"WebSocket /ws/meetings/x\" [accepted] from [addr] and [addr]"
    )
