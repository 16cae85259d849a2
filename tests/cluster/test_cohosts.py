"""Co-hosts and the empty chair across three workers: a role made on one worker holds on
the others, and every worker tells its people when the chair is reconnecting or empty."""

from __future__ import annotations

import pytest

from tests.cluster.cluster import GRACE_SECONDS, Cluster, close_all, facilitator, join, settle
from tests.service.rooms import create_meeting

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


async def test_a_co_host_on_one_worker_admits_someone_on_another(cluster: Cluster) -> None:
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a)
    host = await facilitator(a, meeting)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    birch = await join(c, meeting, pseudonym="Birch Leaf")
    clients = [host, amber, birch]
    try:
        assert (await host.command("settings", lobby=True))["type"] == "ack"
        assert (await host.command("promote", participant_id=amber.me))["type"] == "ack"
        for client in clients:
            changed = await client.wait_for("role_changed")
            assert (changed["participant_id"], changed["role"]) == (amber.me, "facilitator")
        await amber.wait_for("facilitator_view")

        cedar = await join(c, meeting, pseudonym="Cedar Moss")
        clients.append(cedar)
        knock = await amber.wait_for("knock")
        assert (await amber.command("admit", participant_id=knock["participant_id"]))[
            "type"
        ] == "ack"
        assert (await cedar.wait_for("welcome"))["state"]["chair"] == "held"

        # The facilitator's connection dies: the co-host keeps the chair on every worker.
        host.ws.transport.abort()
        left = await birch.wait_for("left", timeout=GRACE_SECONDS + 10)
        assert (left["participant_id"], left["reason"]) == (host.me, "timeout")
        assert (await amber.command("grant", participant_id=birch.me))["type"] == "ack"
        await birch.wait_for("floor_granted")
        await settle(amber, birch, cedar)
        for client in (amber, birch, cedar):
            assert [f for f in client.frames if f["type"] == "chair_changed"] == []
    finally:
        await close_all(*clients)


async def test_every_worker_hears_the_chair_reconnect_and_come_back(cluster: Cluster) -> None:
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a)
    host = await facilitator(a, meeting)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    birch = await join(c, meeting, pseudonym="Birch Leaf")
    clients = [amber, birch]
    try:
        assert host.welcome is not None
        token, seq = host.welcome["resume_token"], host.last_seq
        host.ws.transport.abort()
        for client in (amber, birch):
            assert (await client.wait_for("chair_changed"))["chair"] == "reconnecting"
        # Back within the grace period, through another worker.
        back = await join(c, meeting, "host again", resume={"token": token, "last_seq": seq})
        clients.append(back)
        assert back.welcome is not None and back.welcome["state"]["chair"] == "held"
        for client in (amber, birch):
            assert (await client.wait_for("chair_changed"))["chair"] == "held"

        # Gone past the grace period: the chair empties everywhere.
        back.ws.transport.abort()
        for client in (amber, birch):
            assert (await client.wait_for("chair_changed"))["chair"] == "reconnecting"
            empty = await client.wait_for("chair_changed", timeout=GRACE_SECONDS + 10)
            assert empty["chair"] == "empty"
        organiser = await facilitator(b, meeting, "Organiser")
        clients.append(organiser)
        for client in (amber, birch):
            assert (await client.wait_for("chair_changed"))["chair"] == "held"
    finally:
        await close_all(*clients)
