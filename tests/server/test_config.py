"""What Settings.from_env accepts as database and Redis addresses, and what it refuses
before anything would fail later with a missing driver."""

from __future__ import annotations

import pytest

from server.config import ConfigError, Settings


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://u:p@db/hearth", "postgresql+asyncpg://u:p@db/hearth"),
        ("postgres://u@db:6543/hearth", "postgresql+asyncpg://u@db:6543/hearth"),
        ("postgresql+asyncpg://u@db/hearth", "postgresql+asyncpg://u@db/hearth"),
        ("sqlite:////srv/hearth.sqlite3", "sqlite+aiosqlite:////srv/hearth.sqlite3"),
        ("sqlite+aiosqlite:///h.db", "sqlite+aiosqlite:///h.db"),
    ],
)
def test_database_urls_of_the_shipped_drivers_are_used(given: str, used: str) -> None:
    assert Settings.from_env({"HEARTH_DATABASE_URL": given}).database_url == used


@pytest.mark.parametrize(
    "given",
    ["mysql://u@db/hearth", "postgresql+psycopg2://u@db/h", "oracle://x", "/srv/h.db"],
)
def test_other_database_urls_are_refused_by_name(given: str) -> None:
    with pytest.raises(ConfigError, match=r"^HEARTH_DATABASE_URL must be a postgresql://"):
        Settings.from_env({"HEARTH_DATABASE_URL": given})


@pytest.mark.parametrize("given", ["redis://r:6379/0", "rediss://r/1", "unix:///run/redis.sock"])
def test_redis_urls_are_kept(given: str) -> None:
    assert Settings.from_env({"HEARTH_REDIS_URL": given}).redis_url == given


@pytest.mark.parametrize("given", ["http://r:6379", "r:6379", "redis://"])
def test_other_redis_urls_are_refused_by_name(given: str) -> None:
    with pytest.raises(ConfigError, match=r"^HEARTH_REDIS_URL must be a redis://"):
        Settings.from_env({"HEARTH_REDIS_URL": given})
