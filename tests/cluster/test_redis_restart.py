"""Redis restarts, empty, mid-meeting: nobody is left in silence, and the room comes back."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
import websockets

from tests.cluster.cluster import (
    PRIVATE_EVENTS,
    Cluster,
    MakeCluster,
    close_all,
    facilitator,
    join,
    settle,
    ws_url,
)
from tests.service.conftest import Server
from tests.service.rooms import Meeting, create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

RECOVERY_SECONDS = 20


async def test_redis_restart_mid_meeting(make_cluster: MakeCluster) -> None:
    cluster: Cluster = make_cluster()
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a)
    host = await facilitator(a, meeting)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    heron = await join(c, meeting, pseudonym="Quiet Heron")
    people = {"host": (a, host), "amber": (b, amber), "heron": (c, heron)}
    others: list[Client] = []
    try:
        await amber.command("say", text="before")
        await heron.wait_for("message", text="before")
        await settle(host, amber, heron)

        cluster.redis.stop()
        # Every command sent while Redis is down is answered: `unavailable`, never silence.
        for name, (_, client) in people.items():
            reply = await client.command("say", text=f"{name} into the void")
            assert reply["type"] == "error" and reply["code"] == "unavailable", (name, reply)
        reply = await host.command("raise_hand")
        assert reply["code"] == "unavailable"
        # A newcomer is told too, rather than left hanging.
        newcomer = await Client.connect(ws_url(b, meeting), "newcomer")
        people["newcomer"] = (b, newcomer)
        reply = await newcomer.hello(pseudonym="Late Lark")
        assert reply["type"] == "error" and reply["code"] == "unavailable", reply
        assert await newcomer.closed() == 1013
        del people["newcomer"]
        others = [newcomer]

        cluster.redis.start()  # same port, EMPTY
        # Each is told the history is gone, then gets a fresh welcome or a 4410 close.
        fresh = await asyncio.gather(
            *(_back_in_the_room(srv, meeting, cl, name) for name, (srv, cl) in people.items())
        )
        host, amber, heron = fresh
        assert host.welcome is not None and host.welcome["you"]["role"] == "facilitator"
        names = {c.welcome["you"]["pseudonym"] for c in fresh if c.welcome}
        assert names == {"Host", "Amber Fox", "Quiet Heron"}

        # A working room: a message from each reaches the others.
        for speaker in (amber, heron, host):
            text = f"hello again from {speaker.name}"
            reply = await speaker.command("say", text=text)
            assert reply["type"] == "ack", reply
            for listener in (amber, heron, host):
                if listener is not speaker:
                    await listener.wait_for("message", text=text)
        # The new history is one history: the same events, in the same order, everywhere.
        await settle(host, amber, heron)
        since = max(c.welcome["seq"] for c in fresh if c.welcome)
        new = {c.name: _new_history(c, since) for c in fresh}
        assert new["amber"] == new["host"]
        assert new["heron"] == new["host"]
        assert [e["type"] for e in new["host"]].count("message") == 3
        # Nothing said into the void came back from the dead.
        for client in (host, amber, heron):
            assert not [e for e in client.events if "void" in e.get("text", "")]
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await close_all(host, amber, heron, *others, *(cl for _, cl in people.values()))
    # A Redis restart is an outage the servers expect: warnings, never a traceback.
    for server in cluster.servers:
        log = server.log()
        assert "Traceback" not in log and "InvalidStateError" not in log, log[-3000:]
        assert " ERROR " not in log, log[-3000:]


def _new_history(client: Client, since: int) -> list[dict[str, Any]]:
    """Events of the new history (seq starts again at 1): those after the last welcome."""
    last = max(i for i, f in enumerate(client.frames) if f["type"] == "welcome")
    return [
        f
        for f in client.frames[last:]
        if "seq" in f and f["type"] not in {"ack", "welcome", *PRIVATE_EVENTS} and f["seq"] > since
    ]


async def _back_in_the_room(server: Server, meeting: Meeting, client: Client, name: str) -> Any:
    """Waits for history_lost, then follows either path back to a working room."""
    lost = await client.wait_for("history_lost", timeout=RECOVERY_SECONDS)
    assert lost["type"] == "history_lost"
    before = len(client.frames)
    try:
        async with asyncio.timeout(RECOVERY_SECONDS):
            while True:
                frame = await client.recv(RECOVERY_SECONDS)
                if frame["type"] == "welcome":
                    assert len(client.frames) > before
                    client.name = name
                    print(f"{name}: fresh welcome on the same connection")
                    return client  # rejoined on the same connection
    except websockets.ConnectionClosed:
        assert client.ws.close_code == 4410, client.ws.close_code
    print(f"{name}: closed 4410")
    # Closed 4410: a fresh hello on a new connection works.
    hello: dict[str, Any] = (
        {"pseudonym": client.welcome["you"]["pseudonym"]} if client.welcome else {}
    )
    if client.welcome and client.welcome["you"]["role"] == "facilitator":
        hello["facilitator_token"] = meeting.facilitator_token()
    for _ in range(20):
        fresh = await Client.connect(ws_url(server, meeting), name)
        reply = await fresh.hello(**hello)
        if reply["type"] == "welcome":
            return fresh
        with contextlib.suppress(Exception):
            await fresh.close()
        await asyncio.sleep(0.5)
    raise AssertionError(f"{name} could not get back in: {reply}")


async def test_redis_restart_keeps_the_lobby_and_the_mutes(make_cluster: MakeCluster) -> None:
    """The attack: restarting Redis empty let every lobby waiter in without a facilitator,
    and a muted attendee came back unmuted. Each comes back as they were."""
    cluster: Cluster = make_cluster()
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a, lobby=True)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    heron = await join(c, meeting, pseudonym="Quiet Heron")
    host = await facilitator(a, meeting)
    try:
        assert host.welcome is not None
        lobby = {x["pseudonym"]: x["id"] for x in host.welcome["state"]["lobby"]}
        assert (await host.command("admit", participant_id=lobby["Amber Fox"]))["type"] == "ack"
        await amber.wait_for("welcome")
        assert (await host.command("mute", participant_id=lobby["Amber Fox"]))["type"] == "ack"
        await amber.wait_for("muted")
        assert (await host.command("leave"))["type"] == "ack"  # nobody left to admit anyone
        await amber.wait_for("left")
        await settle(amber, heron)

        cluster.redis.stop()
        await asyncio.sleep(0.5)
        cluster.redis.start()  # same port, EMPTY
        await heron.wait_for("history_lost", timeout=RECOVERY_SECONDS)
        waiting = await heron.wait_for("waiting", timeout=RECOVERY_SECONDS)
        assert waiting["you"]["pseudonym"] == "Quiet Heron"
        await amber.wait_for("history_lost", timeout=RECOVERY_SECONDS)
        welcome = await amber.wait_for("welcome", timeout=RECOVERY_SECONDS)
        (me,) = welcome["state"]["participants"]
        assert me["pseudonym"] == "Amber Fox" and me["muted"] is True
        assert (await amber.command("say", text="unmuted?"))["code"] == "muted"
        assert (await heron.command("say", text="am I in?"))["code"] == "not_allowed"
        await heron.drain(0.5)
        assert heron.frames[-1]["type"] != "welcome"

        host = await facilitator(a, meeting)
        assert host.welcome is not None
        assert [x["pseudonym"] for x in host.welcome["state"]["lobby"]] == ["Quiet Heron"]
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await close_all(host, amber, heron)
