"""A participant whose connection drops resumes through a different worker."""

from __future__ import annotations

import pytest

from tests.cluster.cluster import (
    Cluster,
    assert_strictly_increasing,
    close_all,
    facilitator,
    join,
    public,
    public_events,
    resume_token,
    settle,
    ws_url,
)
from tests.service.rooms import create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


async def test_resume_on_a_different_worker_gets_exactly_the_missed_events(
    cluster: Cluster,
) -> None:
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a, share_seconds=30)
    host = await facilitator(a, meeting)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    heron = await join(c, meeting, pseudonym="Quiet Heron")
    wren = await join(a, meeting, pseudonym="Blue Wren")
    amber2: Client | None = None
    try:
        await amber.command("say", text="before the drop")
        await heron.wait_for("message", text="before the drop")
        await settle(host, amber, heron, wren)

        before = amber.last_seq
        token = resume_token(amber)
        amber.ws.transport.abort()  # the network just went away: no close frame

        # While Amber is away: things happen on A and C.
        await host.command("say", text="while Amber was away")
        await heron.command("raise_hand")
        await wren.command("raise_hand")
        await host.command("grant")
        await heron.wait_for("floor_granted", participant_id=heron.me)
        await heron.command("say", text="my share")
        await wren.wait_for("message", text="my share")

        # Back, through C this time (within the grace period of 3 s).
        amber2 = await Client.connect(ws_url(c, meeting), "amber2")
        resumed = await amber2.hello(resume={"token": token, "last_seq": before})
        assert resumed["type"] == "welcome", resumed
        assert resumed["you"]["id"] == amber.me and resumed["you"]["pseudonym"] == "Amber Fox"
        await settle(amber2, host, heron, wren)

        # Live again, both ways.
        assert (await heron.command("yield"))["type"] == "ack"
        assert (await amber2.command("say", text="I am back"))["type"] == "ack"
        for p in (host, heron, wren):
            await p.wait_for("message", text="I am back")
        await settle(amber2, host, heron, wren)
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await close_all(host, amber, heron, wren, *([amber2] if amber2 else []))

    missed = public(amber2, before)
    texts = [e["text"] for e in amber2.events if e["type"] == "message"]
    assert texts == ["while Amber was away", "my share", "I am back"]
    assert_strictly_increasing(amber2)
    # No gap and no duplicate: exactly what the others saw since `before`.
    for other in (host, heron, wren):
        assert missed == public(other, before), other.name
        assert public_events(amber2, before) == public_events(other, before), other.name
    # Amber was never seen to leave.
    assert not [e for e in wren.events if e["type"] == "left"]
