"""The README's promises, checked against a real `hearth serve` process."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import httpx
import icalendar

from tests.service.conftest import HEARTH, Server

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_block(marker: str) -> str:
    text = README.read_text()
    match = re.search(rf"<!-- {marker} -->\n```sh\n(.*?)```", text, re.S)
    assert match, f"README has no block after <!-- {marker} -->"
    return match.group(1)


def test_walkthrough_runs_as_written(hearth_server: Server, tmp_path: Path) -> None:
    """Each step of the README's curl walkthrough succeeds and prints what it promises."""
    work = tmp_path / "work"
    (work / ".venv" / "bin").mkdir(parents=True)
    (work / ".venv" / "bin" / "hearth").symlink_to(HEARTH)
    env = {**hearth_server.env, "HEARTH": hearth_server.url}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", readme_block("walkthrough")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "created organiser olive"
    assert '"username":"olive"' in lines[1]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T19:00", lines[2]), lines[2]
    assert lines[3] == "True"  # invite-only in the catalogue
    assert lines[4] == "10"  # ten weekly meetings in the calendar
    assert re.fullmatch(rf"{re.escape(hearth_server.url)}/g/\w+#invite=[\w-]+", lines[5]), lines[5]

    catalogue = httpx.get(f"{hearth_server.url}/api/catalogue", params={"q": "carers"}).json()
    group_id = catalogue[0]["id"]
    ics = httpx.get(f"{hearth_server.url}/groups/{group_id}/calendar.ics")
    events = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert {e.decoded("dtstart").hour for e in events} == {19}


def test_the_run_command_is_the_one_we_start() -> None:
    """The README's run command ends in `hearth serve`, which the fixture above starts."""
    text = README.read_text()
    assert ".venv/bin/hearth serve\n" in text
    assert os.access(HEARTH, os.X_OK)


def test_demo_prints_a_meeting_that_is_open(tmp_path: Path) -> None:
    """`hearth serve --demo` prints an attendee link to a meeting whose room is open now."""
    from tests.service.conftest import server_env
    from tests.services import free_port

    server = Server(free_port(), server_env(tmp_path / "d"), tmp_path / "demo.log", ["--demo"])
    server.start()
    try:
        out = server.log()
        link = re.search(r"Attendee link:\s+(\S+)/m/(\w+)", out)
        assert link, out
        public = httpx.get(f"{server.url}/api/meetings/{link.group(2)}/public").json()
        assert public["status"] == "open"
        assert public["invite_required"] is False
        user = re.search(r"user (demo-facilitator)\s+password (\S+)", out)
        assert user
        r = httpx.post(
            f"{server.url}/api/auth/login",
            json={"username": user.group(1), "password": user.group(2)},
        )
        assert r.status_code == 200
    finally:
        server.stop()
