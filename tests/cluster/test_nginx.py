"""Hearth behind a real nginx, configured as docs/operations.md shows: HTTP and
WebSockets reach two workers through it, and with HEARTH_TRUSTED_PROXIES the
per-address limits count each client behind it, not the proxy."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cluster.cluster import Cluster, MakeCluster, close_all
from tests.cluster.nginx import Nginx
from tests.service.conftest import Server
from tests.service.rooms import Meeting, create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

SOURCES = ("127.0.0.2", "127.0.0.3")  # two people's machines, as nginx sees them
JOINS = 3  # from each; one seat per address on each of two workers: one must be refused


class Proxied:
    def __init__(self, cluster: Cluster, nginx: Nginx) -> None:
        self.cluster, self.nginx = cluster, nginx
        # The API helpers want a Server: this one is nginx's port with the cluster's env.
        self.server = Server(nginx.port, cluster.a.env, cluster.workdir / "unused.log")


@contextlib.contextmanager
def proxied(make_cluster: MakeCluster, tmp_path: Path, **env: str) -> Iterator[Proxied]:
    cluster = make_cluster(workers=2, HEARTH_MAX_SEATS_PER_ADDRESS="1", **env)
    nginx = Nginx(tmp_path / f"nginx-{len(env)}", [s.port for s in cluster.servers])
    nginx.start()
    try:
        yield Proxied(cluster, nginx)
    except BaseException:
        print(cluster.logs(), nginx.log())
        raise
    finally:
        nginx.stop()


async def joins_from(meeting: Meeting, source: str) -> tuple[list[Client], list[str]]:
    """JOINS attendees from `source`: those let in, and the codes of those refused."""
    admitted: list[Client] = []
    refused: list[str] = []
    for i in range(JOINS):
        client = await Client.connect(meeting.ws_url, f"{source}#{i}", local_addr=(source, 0))
        reply = await client.hello(pseudonym=f"Guest {source[-1]}{i}")
        if reply["type"] == "welcome":
            admitted.append(client)
        else:
            refused.append(reply["code"])
            await close_all(client)
    return admitted, refused


async def test_behind_nginx_each_client_address_is_counted_on_its_own(
    make_cluster: MakeCluster, tmp_path: Path
) -> None:
    with proxied(make_cluster, tmp_path, HEARTH_TRUSTED_PROXIES="127.0.0.1") as setup:
        async with httpx.AsyncClient(timeout=10) as http:
            assert (await http.get(f"{setup.nginx.url}/healthz")).status_code == 200
        meeting = create_meeting(setup.server, crosstalk=True)
        host = await meeting.facilitator()
        people: list[Client] = []
        try:
            for source in SOURCES:
                admitted, refused = await joins_from(meeting, source)
                people += admitted
                # Each address gets its own seat on each worker, whatever the other took.
                assert 1 <= len(admitted) <= 2, (source, refused)
                assert refused and set(refused) == {"rate_limited"}, (source, refused)

            await host.command("say", text="through nginx")
            for person in people:
                await person.wait_for("message", text="through nginx")
            for server in setup.cluster.servers:  # nginx sent WebSockets to both workers
                assert '"WebSocket /ws/meetings/' in server.log(), setup.cluster.logs()
        finally:
            await close_all(host, *people)


async def test_without_trusting_nginx_its_clients_are_not_told_apart(
    make_cluster: MakeCluster, tmp_path: Path
) -> None:
    with proxied(make_cluster, tmp_path) as setup:
        meeting = create_meeting(setup.server, crosstalk=True)
        people: list[Client] = []
        try:
            for source in SOURCES:
                admitted, refused = await joins_from(meeting, source)
                people += admitted
                # Every connection is nginx's 127.0.0.1, which is not counted per address.
                assert len(admitted) == JOINS and not refused, (source, refused)
        finally:
            await close_all(*people)
