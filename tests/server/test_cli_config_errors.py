"""Configuration mistakes, as an operator meets them: real `hearth` processes, one line
on stderr naming the setting, exit code 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import free_port

HEARTH = str(Path(sys.executable).parent / "hearth")


def hearth(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    base["HEARTH_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [HEARTH, *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line(result: subprocess.CompletedProcess[str], setting: str, *words: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"hearth: {setting}"), lines
    for word in words:
        assert word in lines[0], lines


@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["user", "list"]])
def test_postgresql_on_a_closed_port_is_one_line(tmp_path: Path, command: list[str]) -> None:
    port = free_port()
    url = f"postgresql://hearth:secret-pw@127.0.0.1:{port}/hearth"
    result = hearth(tmp_path, *command, HEARTH_DATABASE_URL=url)
    assert_one_line(result, "HEARTH_DATABASE_URL", f"127.0.0.1:{port}", "connection refused")
    assert "secret-pw" not in result.stderr


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("HEARTH_DATABASE_URL", "mysql://hearth@db.example/hearth", ("mysql://", "postgresql")),
        ("HEARTH_DATABASE_URL", "just-a-name", ("postgresql",)),
        ("HEARTH_REDIS_URL", "http://cache.example:6379", ("redis://", "http://")),
        ("HEARTH_LOG_LEVEL", "loud", ("'loud'",)),
        ("HEARTH_MAX_CONNECTIONS", "many", ("whole number",)),
        ("HEARTH_TRUSTED_PROXIES", "the proxy", ("not an IP address",)),
    ],
)
def test_an_unusable_value_is_one_line_naming_it(
    tmp_path: Path, setting: str, value: str, words: tuple[str, ...]
) -> None:
    for command in (["migrate"], ["serve"]):
        assert_one_line(hearth(tmp_path, *command, **{setting: value}), setting, *words)


def test_a_data_directory_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    for data_dir in (tmp_path / "file", tmp_path / "file" / "below"):
        result = hearth(tmp_path, "serve", HEARTH_DATA_DIR=str(data_dir))
        assert_one_line(result, "HEARTH_DATA_DIR", "not a directory")


def test_several_workers_without_redis_is_one_line(tmp_path: Path) -> None:
    assert_one_line(hearth(tmp_path, "serve", "--workers", "2"), "HEARTH_REDIS_URL", "--workers")


def test_serve_help_documents_every_option_with_its_default(tmp_path: Path) -> None:
    result = hearth(tmp_path, "serve", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for option, default in (("--host", "127.0.0.1"), ("--port", "8000"), ("--workers", "1")):
        assert option in text
        assert f"(default: {default})" in text
    assert "--demo" in text and "SIGTERM" in text


def test_version(tmp_path: Path) -> None:
    from importlib.metadata import version

    result = hearth(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"hearth {version('hearth')}"


def test_a_bad_port_is_refused_by_the_parser(tmp_path: Path) -> None:
    result = hearth(tmp_path, "serve", "--port", "99999")
    assert result.returncode == 2
    assert "--port" in result.stderr and "Traceback" not in result.stderr


def test_a_data_directory_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    # root may write anywhere on a disk, but not make directories in sysfs.
    target = Path("/sys/hearth-data") if os.geteuid() == 0 else locked
    result = hearth(tmp_path, "migrate", HEARTH_DATA_DIR=str(target))
    assert_one_line(result, "HEARTH_DATA_DIR", f"cannot use '{target}'")


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "hearth.sqlite3").write_text("a shopping list, not a database\n")
    result = hearth(tmp_path, "migrate")
    assert_one_line(result, "HEARTH_DATA_DIR", "cannot open the SQLite database", "not a database")
