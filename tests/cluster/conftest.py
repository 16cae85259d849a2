"""Fixtures of the cluster tests: a private Redis and three `hearth serve` on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster.cluster import Cluster, MakeCluster, start_cluster
from tests.service.conftest import OPEN_CLIENTS


@pytest.fixture(autouse=True)
def _close_http_clients() -> Iterator[None]:
    """HTTP clients the meeting helpers open are closed after each test."""
    yield
    while OPEN_CLIENTS:
        OPEN_CLIENTS.pop().close()


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> Iterator[Cluster]:
    """Three workers on one Redis and one PostgreSQL database, shared by the cluster tests.

    Tests using it must leave it running: those that kill, stall or restart
    something use `make_cluster` for their own.
    """
    c = start_cluster(tmp_path_factory.mktemp("cluster"), postgres_url)
    yield c
    c.shutdown()


@pytest.fixture
def make_cluster(tmp_path: Path, postgres_url: str) -> Iterator[MakeCluster]:
    """A factory of clusters owned by one test (stopped at its end)."""
    made: list[Cluster] = []

    def make(workers: int = 3, redis_args: tuple[str, ...] = (), **env: str) -> Cluster:
        c = start_cluster(
            tmp_path / f"cluster{len(made)}", postgres_url, workers, redis_args, **env
        )
        made.append(c)
        return c

    yield make
    for c in made:
        c.shutdown()
