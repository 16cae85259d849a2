"""What a newcomer is shown on arrival."""

from __future__ import annotations

import pytest

from tests.service.conftest import Server
from tests.service.rooms import create_meeting

pytestmark = pytest.mark.service


async def test_welcome_pins_the_groups_resources_crisis_lines_first(hearth_server: Server) -> None:
    meeting = create_meeting(hearth_server)
    for title, kind in [("Reading", "article"), ("Crisis line 116 123", "crisis")]:
        r = meeting.organiser.post(
            f"/api/groups/{meeting.group_id}/resources",
            json={"title": title, "url": "https://example.org/", "kind": kind},
        )
        assert r.status_code == 201
    client = await meeting.join("amber", pseudonym="Amber")
    assert client.welcome is not None
    resources = client.welcome["state"]["resources"]
    assert [r["title"] for r in resources] == ["Crisis line 116 123", "Reading"]
    assert client.welcome["recent"] == []
    await client.close()
