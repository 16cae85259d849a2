"""`hearth user add|list|passwd` as an operator runs them: real processes, on SQLite and
on PostgreSQL, passwords from a pipe and from a terminal (a pty)."""

from __future__ import annotations

import os
import secrets
import select
import subprocess
import time
from pathlib import Path

import httpx

from tests.service.conftest import HEARTH, Server, running_server


def _name() -> str:
    return f"op{secrets.token_hex(3)}"


def _sign_in(server: Server, name: str, password: str) -> int:
    r = httpx.post(
        f"{server.url}/api/auth/login", json={"username": name, "password": password}, timeout=10
    )
    return r.status_code


def on_a_terminal(server: Server, args: list[str], answers: list[bytes]) -> tuple[int, str]:
    """Runs `hearth *args` on a new pty, typing each answer at each prompt it shows."""
    fd, tty = os.openpty()
    proc = subprocess.Popen(
        [HEARTH, *args], stdin=tty, stdout=tty, stderr=tty, env=server.env, start_new_session=True
    )
    os.close(tty)
    output = b""
    pending = list(answers)
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
                prompts = output.count(b"Password: ") + output.count(b"Again: ")
                while len(answers) - len(pending) < prompts and pending:
                    os.write(fd, pending.pop(0))  # one answer per prompt, once it shows
        code = proc.wait(10)
    finally:
        os.close(fd)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return code, output.decode(errors="replace")


def test_add_list_and_passwd(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        name = _name()
        added = server.hearth(
            "user", "add", name, "--role", "facilitator", stdin="first passphrase\n"
        )
        assert added.returncode == 0, added.stderr

        listed = server.hearth("user", "list")
        assert listed.returncode == 0, listed.stderr
        rows = [line.split() for line in listed.stdout.splitlines()]
        assert rows[0] == ["NAME", "ROLE"]
        assert [name, "facilitator"] in rows
        assert "argon2" not in listed.stdout and "$" not in listed.stdout  # no hashes

        assert _sign_in(server, name, "first passphrase") == 200
        changed = server.hearth("user", "passwd", name.upper(), stdin="second passphrase\n")
        assert changed.returncode == 0, changed.stderr
        assert _sign_in(server, name, "second passphrase") == 200
        assert _sign_in(server, name, "first passphrase") == 401

        short = server.hearth("user", "passwd", name, stdin="short\n")
        assert short.returncode == 1 and "8 to 1024" in short.stderr
        assert _sign_in(server, name, "second passphrase") == 200

        unknown = server.hearth("user", "passwd", "nobody-here", stdin="a long passphrase\n")
        assert unknown.returncode == 1
        assert unknown.stderr.strip() == (
            "hearth: there is no user 'nobody-here' (see `hearth user list`)"
        )


def test_no_password_on_stdin_creates_nothing(tmp_path: Path) -> None:
    server = Server(0, _env(tmp_path), tmp_path / "unused.log")
    name = _name()
    # Ctrl-D on a pipe: stdin ends before any line.
    result = server.hearth("user", "add", name, "--role", "organiser", stdin="")
    assert result.returncode == 1
    assert result.stderr.strip() == "hearth: no password given"
    assert "Traceback" not in result.stderr
    assert name not in server.hearth("user", "list").stdout


def test_the_password_is_asked_twice_on_a_terminal(tmp_path: Path) -> None:
    server = Server(0, _env(tmp_path), tmp_path / "unused.log")
    name = _name()
    code, out = on_a_terminal(
        server, ["user", "add", name, "--role", "organiser"], [b"tty passphrase\n"] * 2
    )
    assert code == 0, out
    assert "tty passphrase" not in out and "echoed" not in out  # not echoed
    assert f"created organiser {name}" in out

    code, out = on_a_terminal(
        server, ["user", "passwd", name], [b"one passphrase\n", b"another passphrase\n"]
    )
    assert code == 1 and "the passwords do not match" in out, out

    other = _name()
    code, out = on_a_terminal(server, ["user", "add", other, "--role", "organiser"], [b"\x04"])
    assert code == 1, out
    assert "hearth: no password given" in out and "Traceback" not in out
    assert other not in server.hearth("user", "list").stdout


def _env(tmp_path: Path) -> dict[str, str]:
    from tests.service.conftest import server_env

    return server_env(tmp_path / "data")
