"""Shared alerts and whispers across three workers: a claim made on one worker shows
on another, and a whisper reaches its people wherever they are connected."""

from __future__ import annotations

import pytest

from tests.cluster.cluster import Cluster, MakeCluster, close_all, facilitator, join, settle
from tests.service.rooms import create_meeting

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


async def test_an_alert_claim_and_whispers_cross_workers(make_cluster: MakeCluster) -> None:
    cluster: Cluster = make_cluster()
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a)
    host = await facilitator(a, meeting)
    amber = await join(c, meeting, pseudonym="Amber Fox")
    birch = await join(b, meeting, pseudonym="Birch Leaf")
    clients = [host, amber, birch]
    try:
        assert (await amber.command("help", note="a moment please"))["type"] == "ack"
        alert = (await host.wait_for("alert"))["alert"]
        cohost = await facilitator(b, meeting, "Cohost")
        clients.append(cohost)
        assert cohost.welcome is not None
        assert [x["id"] for x in cohost.welcome["alerts"]] == [alert["id"]]
        assert (await cohost.command("claim_alert", alert_id=alert["id"]))["type"] == "ack"
        claimed = await host.wait_for("alert_updated", alert_id=alert["id"])
        assert (claimed["status"], claimed["claimed_by"]) == ("claimed", cohost.me)

        answer = await host.command("whisper", to=amber.me, text="I am here for you")
        assert answer["type"] == "ack"
        got = await amber.wait_for("whisper")
        assert (got["participant_id"], got["text"]) == (host.me, "I am here for you")

        assert (await amber.command("whisper", text="thank you"))["type"] == "ack"
        for client in (host, cohost):
            got = await client.wait_for("whisper", participant_id=amber.me)
            assert (got["to"], got["text"]) == (None, "thank you")
        await settle(*clients)
        assert [f for f in birch.frames if f["type"] in {"whisper", "alert", "alert_updated"}] == []
        assert [f for f in amber.frames if f["type"] in {"alert", "alert_updated"}] == []
    finally:
        await close_all(*clients)
