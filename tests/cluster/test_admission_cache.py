"""Every worker keeps an open room's admission facts; an edit made through one worker, or
a removal, holds at once for newcomers on the others (in the room log's order)."""

from __future__ import annotations

import asyncio
import secrets
import time

import pytest

from tests.cluster.cluster import Cluster, close_all, facilitator, join, ws_url
from tests.devices import device
from tests.service.conftest import Server
from tests.service.rooms import Meeting, create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


async def refused(server: Server, meeting: Meeting, clients: list[Client], **hello: str) -> str:
    client = await Client.connect(ws_url(server, meeting), "newcomer")
    clients.append(client)
    reply = await client.hello(**hello)
    assert reply["type"] == "error", reply
    code: str = reply["code"]
    return code


async def test_a_group_made_invite_only_wants_an_invite_on_every_worker(
    cluster: Cluster,
) -> None:
    a, b = cluster.a, cluster.b
    meeting = create_meeting(a)
    clients = [await join(a, meeting), await join(b, meeting)]  # both workers keep the facts
    try:
        r = meeting.organiser.patch(
            f"/api/groups/{meeting.group_id}", json={"visibility": "closed"}
        )
        assert r.status_code == 200, r.text
        for server in (a, b):
            assert await refused(server, meeting, clients) == "invite_required"
        r = meeting.organiser.post(f"/api/groups/{meeting.group_id}/invites", json={})
        assert r.status_code == 201, r.text
        clients.append(await join(b, meeting, invite=r.json()["code"]))
    finally:
        await close_all(*clients)


async def test_a_removed_browser_is_refused_at_once_by_another_worker_until_lifted(
    cluster: Cluster,
) -> None:
    a, b = cluster.a, cluster.b
    meeting = create_meeting(a, keep_out_days=1)
    mine = device(secrets.token_bytes(32), meeting.group_id)
    host = await facilitator(a, meeting)
    troll = await join(b, meeting, pseudonym="Troll", device=mine)
    clients = [host, troll, await join(b, meeting)]
    try:
        assert (await host.command("remove", participant_id=troll.me))["type"] == "ack"
        assert await troll.closed() == 4403  # worker b has applied the removal
        for server in (b, a):  # no wait for the keep-out row
            code = await refused(server, meeting, clients, pseudonym="New", device=mine)
            assert code == "banned"
        r = meeting.organiser.delete(f"/api/groups/{meeting.group_id}/keep-outs")
        assert r.status_code == 204, r.text
        # The lift reaches worker b through the room log: a moment, not a time limit.
        deadline = time.monotonic() + 2
        while True:
            back = await Client.connect(ws_url(b, meeting), "back")
            clients.append(back)
            reply = await back.hello(pseudonym="Back", device=mine)
            if reply["type"] == "welcome" or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        assert reply["type"] == "welcome", reply
    finally:
        await close_all(*clients)
