"""In-process room tests: each test gets its own app, data directory and organiser."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.server.ws.inprocess import InProcessHearth, running_hearth


@pytest.fixture
def hearth_settings() -> dict[str, Any]:
    """Settings fields for this module's app; a module overrides this fixture to change them."""
    return {}


@pytest.fixture
def hearth(tmp_path: Path, hearth_settings: dict[str, Any]) -> Iterator[InProcessHearth]:
    before = set(threading.enumerate())
    with running_hearth(tmp_path / "data", **hearth_settings) as running:
        yield running
    # The TestClient's portal thread (its event loop) and the database's threads are gone.
    deadline = time.monotonic() + 5
    while (left := set(threading.enumerate()) - before) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not left, f"threads left running: {sorted(t.name for t in left)}"
