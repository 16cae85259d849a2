"""`hearth serve --workers 2`: each worker counts on its own, as docs/operations.md
("Metrics") says; a scrape reaches one of them, named by `hearth_worker_info`."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.cluster.cluster import close_all, facilitator, join, workers_on_one_port
from tests.service.conftest import Server
from tests.service.rooms import create_meeting
from tests.service.scrape import samples, value
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def scrape_each_worker(server: Server, tries: int = 60) -> dict[str, float]:
    """hearth_joins_total{kind="join"} by worker id, over scrapes on new connections."""
    joins: dict[str, float] = {}
    for _ in range(tries):
        with httpx.Client() as client:  # a new TCP connection: the kernel picks a worker
            figures = samples(client.get(f"{server.url}/metrics").text)
        (worker,) = [
            dict(labels)["worker"] for name, labels in figures if name == "hearth_worker_info"
        ]
        joins[worker] = value(figures, "hearth_joins_total", kind="join")
        if len(joins) == 2:
            break
    return joins


async def test_each_worker_has_its_own_figures(tmp_path: Path, postgres_url: str) -> None:
    clients: list[Client] = []
    with workers_on_one_port(tmp_path, postgres_url, "metrics-secret-0123456789abcdef") as server:
        try:
            meeting = create_meeting(server)
            clients.append(await facilitator(server, meeting))
            for i in range(7):
                clients.append(await join(server, meeting, pseudonym=f"Attendee {i}"))
            joins = scrape_each_worker(server)
            assert len(joins) == 2, f"only one worker answered: {joins}"
            # Nothing is counted twice or shared: the two registries add up to the joins.
            assert sum(joins.values()) == len(clients), joins
        except BaseException:
            print(server.log()[-6000:])
            raise
        finally:
            await close_all(*clients)
