"""Setting up groups and meetings through the organiser's API, for browser tests."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import httpx

from tests.browser.conftest import Demo


@contextmanager
def organiser(demo: Demo) -> Iterator[httpx.Client]:
    """An HTTP client signed in as the demo's organiser."""
    with httpx.Client(base_url=demo.url) as api:
        login = dict(zip(("username", "password"), demo.organiser, strict=True))
        api.post("/api/auth/login", json=login).raise_for_status()
        yield api


def schedule(api: httpx.Client, group_id: str, starts: datetime) -> str:
    """A one-hour meeting of the group starting at `starts` (UTC); its id."""
    body = {
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "timezone": "UTC",
        "duration_minutes": 60,
    }
    created = api.post(f"/api/groups/{group_id}/meetings", json=body)
    created.raise_for_status()
    data: Any = created.json()
    meeting: dict[str, Any] = data[0] if isinstance(data, list) else data
    return str(meeting["id"])


def new_group(api: httpx.Client, **fields: Any) -> str:
    """A new group (name made up, other fields as given); its id."""
    body = {"name": f"Circle {secrets.token_hex(3)}", **fields}
    response = api.post("/api/groups", json=body)
    response.raise_for_status()
    return str(response.json()["id"])


def demo_group(api: httpx.Client, demo: Demo) -> str:
    return str(api.get(f"/api/meetings/{demo.meeting_id}").json()["group_id"])
