"""`hearth serve --workers 2`: two processes on one port share rooms through Redis."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cluster.cluster import close_all, cluster_env, facilitator, join, workers_on_one_port
from tests.service.conftest import HEARTH
from tests.service.rooms import create_meeting
from tests.services import free_port
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


async def test_two_workers_on_one_port_share_a_meeting(tmp_path: Path, postgres_url: str) -> None:
    clients: list[Client] = []
    with workers_on_one_port(tmp_path, postgres_url, "workers-secret-0123456789abcdef") as server:
        try:
            meeting = create_meeting(server)
            host = await facilitator(server, meeting)
            clients.append(host)
            # Connections are spread over the two processes by the kernel: with eight
            # attendees both almost surely hold some, and everyone still sees everyone.
            for i in range(8):
                clients.append(await join(server, meeting, pseudonym=f"Attendee {i}"))
            for speaker in clients:
                text = f"hello from {speaker.me}"
                assert (await speaker.command("say", text=text))["type"] == "ack"
            for listener in clients:
                for speaker in clients:
                    await listener.wait_for("message", text=f"hello from {speaker.me}")
            last = clients[-1]
            assert last.welcome is not None
            assert len(last.welcome["state"]["participants"]) == len(clients)
            sequences = [
                [(e["seq"], e["type"]) for e in c.events if e["seq"] > last.welcome["seq"]]
                for c in clients
            ]
            assert all(s == sequences[0] for s in sequences)
        except BaseException:
            print(server.log()[-6000:])
            raise
        finally:
            await close_all(*clients)
    assert server.log().count("Started server process") >= 2


def test_two_workers_without_redis_refuse_to_start(tmp_path: Path, postgres_url: str) -> None:
    env = cluster_env(tmp_path / "data", "", postgres_url, "workers-secret-0123456789abcdef")
    result = subprocess.run(
        [HEARTH, "serve", "--port", str(free_port()), "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "HEARTH_REDIS_URL" in result.stdout + result.stderr
