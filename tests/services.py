"""Finding the real services the tests use, and failing instead of skipping in CI."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

REQUIRE = os.environ.get("HEARTH_REQUIRE_SERVICES", "") in {"1", "true", "yes"}
POSTGRES_ADMIN_URL = os.environ.get(
    "HEARTH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TIMEOUT = float(os.environ.get("HEARTH_TEST_TIMEOUT", "10"))


def unavailable(what: str) -> None:
    """Skips the test on a developer machine, fails it in CI."""
    if REQUIRE:
        pytest.fail(f"{what} is required (HEARTH_REQUIRE_SERVICES=1) but unavailable")
    pytest.skip(f"{what} unavailable")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def which(name: str) -> str | None:
    return shutil.which(name)
