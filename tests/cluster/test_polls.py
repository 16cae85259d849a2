"""A poll across three workers: the facilitator on one, voters on the others, the same
counts everywhere, and a second vote from anyone (resumed elsewhere too) counted once."""

from __future__ import annotations

import pytest

from tests.cluster.cluster import (
    Cluster,
    close_all,
    facilitator,
    join,
    resume_token,
    settle,
    ws_url,
)
from tests.service.rooms import create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


async def test_votes_on_other_workers_count_once_and_results_agree(cluster: Cluster) -> None:
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a)
    host = await facilitator(a, meeting)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    birch = await join(c, meeting, pseudonym="Birch Leaf")
    cedar = await join(c, meeting, pseudonym="Cedar Moss")
    clients = [host, amber, birch, cedar]
    try:
        assert (await host.command("poll_start", scale="arriving"))["type"] == "ack"
        polls = [await x.wait_for("poll") for x in clients]
        assert len({p["seq"] for p in polls}) == 1
        poll_id = polls[0]["poll_id"]
        for voter, option in ((amber, 3), (birch, 1), (amber, 4), (cedar, 4), (birch, 1)):
            assert (await voter.command("vote", poll_id=poll_id, option=option))["type"] == "ack"
        assert (await host.command("poll_close", poll_id=poll_id))["type"] == "ack"
        results = [await x.wait_for("poll_results", poll_id=poll_id) for x in clients]
        assert {(r["seq"], tuple(r["counts"]), r["total"]) for r in results} == {
            (results[0]["seq"], (0, 1, 0, 0, 2), 3)
        }
        late = await amber.command("vote", poll_id=poll_id, option=0)
        assert (late["type"], late["code"]) == ("error", "no_such_poll")
        await settle(*clients)
        for client in clients:
            assert [f["type"] for f in client.frames if "poll" in f["type"]] == [
                "poll",
                "poll_closed",
                "poll_results",
            ]
    finally:
        await close_all(*clients)


async def test_a_voter_resumed_on_another_worker_keeps_one_vote(cluster: Cluster) -> None:
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a)
    host = await facilitator(a, meeting)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    clients = [host, amber]
    try:
        assert (await host.command("poll_start", scale="arriving"))["type"] == "ack"
        poll_id = (await amber.wait_for("poll"))["poll_id"]
        assert (await amber.command("vote", poll_id=poll_id, option=1))["type"] == "ack"
        before, token = amber.last_seq, resume_token(amber)
        amber.ws.transport.abort()  # the network just went away: no close frame

        back = await Client.connect(ws_url(c, meeting), "amber-back")
        clients.append(back)
        welcome = await back.hello(resume={"token": token, "last_seq": before})
        assert welcome["type"] == "welcome" and welcome["you"]["id"] == amber.me
        assert (welcome["poll"]["poll_id"], welcome["poll"]["your_vote"]) == (poll_id, 1)
        assert (await back.command("vote", poll_id=poll_id, option=2))["type"] == "ack"
        assert (await host.command("poll_close", poll_id=poll_id))["type"] == "ack"
        for client in (host, back):
            results = await client.wait_for("poll_results", poll_id=poll_id)
            assert (results["counts"], results["total"]) == ([0, 0, 1, 0, 0], 1)
    finally:
        await close_all(*clients)
