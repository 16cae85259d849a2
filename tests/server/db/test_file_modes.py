"""The SQLite database, its journals, the data directory and the generated key are their
owner's alone: another account on the machine cannot read accounts or the audit."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.config import Settings
from server.db.engine import private_sqlite_file

HEARTH = str(Path(sys.executable).parent / "hearth")


@pytest.fixture(autouse=True)
def _umask() -> Iterator[None]:
    """The usual umask (022), under which a plain create gives 0644 and 0755."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_hearth_migrate_creates_owner_only_files(tmp_path: Path) -> None:
    """`hearth migrate` into a new data directory, then the signing key as `hearth serve`
    makes it: the directory is 0700, every file in it 0600 (the WAL and SHM included)."""
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env["HEARTH_DATA_DIR"] = str(data)
    result = subprocess.run(
        [HEARTH, "migrate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    Settings(data_dir=data).resolved_secret_key()
    assert _mode(data) == 0o700
    files = sorted(p.name for p in data.iterdir())
    assert "hearth.sqlite3" in files and "secret_key" in files, files
    db = sqlite3.connect(data / "hearth.sqlite3")  # as a worker holds it: WAL and SHM exist
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")
        db.commit()
        assert {"hearth.sqlite3-wal", "hearth.sqlite3-shm"} <= {p.name for p in data.iterdir()}
        for path in data.iterdir():
            assert _mode(path) == 0o600, f"{path.name} is {oct(_mode(path))}"
    finally:
        db.close()


def test_a_database_left_readable_by_others_is_narrowed(tmp_path: Path) -> None:
    """A file an older version created 0644 (with its WAL) is 0600 after the next start,
    its contents kept."""
    db = tmp_path / "hearth.sqlite3"
    db.write_bytes(b"kept")
    db.chmod(0o644)
    wal = tmp_path / "hearth.sqlite3-wal"
    wal.write_bytes(b"")
    wal.chmod(0o644)
    private_sqlite_file(db)
    assert _mode(db) == 0o600 and _mode(wal) == 0o600
    assert db.read_bytes() == b"kept"
