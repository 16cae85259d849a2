"""Behind a proxy, the feeds' links use HEARTH_PUBLIC_URL, not the address asked."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx
import pytest

from server.config import Settings
from server.slugs import group_path
from tests.server.api.test_groups import new_group
from tests.server.api.test_meetings import local, schedule

PUBLIC = "https://meet.example.org/hearth"


@pytest.fixture
def settings(tmp_path: Path, database: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database,
        secret_key="test-secret-" + secrets.token_hex(8),
        public_url=PUBLIC,
    )


async def test_join_links_and_pages_are_on_the_public_address(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    group = await new_group(organiser)
    [m, _] = await schedule(
        organiser, group["id"], starts_at=local(30), repeat={"weekly": {"count": 2}}
    )
    [e] = (await client.get("/feeds/meeting-guide.json")).json()
    assert e["conference_url"] == f"{PUBLIC}/s/{m['series_id']}"
    assert e["url"] == PUBLIC + group_path(group["id"], group["name"])
    r = await client.get(f"/s/{m['series_id']}")
    assert r.headers["location"] == f"{PUBLIC}/m/{m['id']}"
    [service] = (await client.get("/feeds/hsds/services")).json()["contents"]
    assert service["url"] == e["url"]
