"""A keep-out holds on every worker: removed through one, refused through the others."""

from __future__ import annotations

import asyncio
import secrets
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.cluster.cluster import Cluster, close_all, facilitator, join, ws_url
from tests.devices import device
from tests.service.rooms import Meeting, create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


async def test_a_browser_removed_through_one_worker_is_refused_by_every_worker(
    cluster: Cluster,
) -> None:
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a)
    start = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    r = meeting.organiser.post(
        f"/api/groups/{meeting.group_id}/meetings",
        json={"starts_at": start, "timezone": "UTC", "duration_minutes": 60},
    )
    assert r.status_code == 201, r.text
    second = Meeting(a, r.json()[0]["id"], meeting.group_id, meeting.organiser)
    mine = device(secrets.token_bytes(32), meeting.group_id)
    host = await facilitator(a, meeting)
    troll = await join(b, meeting, pseudonym="Troll", device=mine)
    clients: list[Client] = [host, troll]
    try:
        assert (await host.command("remove", participant_id=troll.me))["type"] == "ack"
        assert await troll.closed() == 4403
        deadline = time.monotonic() + 5
        url = f"/api/groups/{meeting.group_id}/keep-outs"
        while meeting.organiser.get(url).json()["active"] != 1:
            assert time.monotonic() < deadline, "no keep-out was recorded"
            await asyncio.sleep(0.05)
        for server, where in ((a, meeting), (b, second), (c, second), (c, meeting)):
            again = await Client.connect(ws_url(server, where), "again")
            clients.append(again)
            reply = await again.hello(pseudonym="Someone New", device=mine)
            assert reply["type"] == "error" and reply["code"] == "banned", reply
            assert await again.closed() == 4403
    finally:
        await close_all(*clients)
