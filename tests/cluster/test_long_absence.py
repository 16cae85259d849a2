"""A participant away for longer than its send queue (256 frames) resumes elsewhere."""

from __future__ import annotations

import asyncio

import pytest

from tests.cluster.cluster import (
    MakeCluster,
    close_all,
    facilitator,
    join,
    public_events,
    resume_token,
    settle,
    ws_url,
)
from tests.service.rooms import create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

MISSED = 400  # more than HEARTH_SEND_QUEUE_FRAMES' default of 256


async def test_resume_after_missing_more_than_a_send_queue(make_cluster: MakeCluster) -> None:
    cluster = make_cluster(
        workers=2,
        HEARTH_RESUME_GRACE_SECONDS="60",
        HEARTH_RATE_LIMIT_COMMANDS="10000",
        HEARTH_RATE_LIMIT_WINDOW_SECONDS="1",
    )
    a, b = cluster.a, cluster.b
    meeting = create_meeting(a, crosstalk=True)
    host = await facilitator(a, meeting)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    back: Client | None = None
    try:
        await settle(host, amber)
        before = amber.last_seq
        token = resume_token(amber)
        amber.ws.transport.abort()
        for i in range(MISSED):
            await host.send({"type": "say", "id": f"m{i}", "text": f"message {i}"})
        async with asyncio.timeout(60):
            while sum(1 for f in host.frames if f["type"] in {"ack", "error"}) < MISSED:
                await host.recv(60)
        assert not [f for f in host.frames if f["type"] == "error"]

        back = await Client.connect(ws_url(a, meeting), "amber again")
        resumed = await back.hello(resume={"token": token, "last_seq": before})
        assert resumed["type"] == "welcome", resumed
        await back.wait_for("message", timeout=30, text=f"message {MISSED - 1}")
        await settle(back, host)
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await close_all(host, amber, *([back] if back else []))
    assert public_events(back, before) == public_events(host, before)
