"""/readyz tells a load balancer whether the room log is reachable."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.cluster.cluster import cluster_env
from tests.redis_server import RedisServer
from tests.service.conftest import Server
from tests.services import free_port

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _ready_when(server: Server, status: int, timeout: float = 15) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        r = httpx.get(f"{server.url}/readyz", timeout=5)
        if r.status_code == status or time.monotonic() > deadline:
            return r
        time.sleep(0.2)


def test_readyz_follows_redis(tmp_path: Path, postgres_url: str) -> None:
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    env = cluster_env(tmp_path / "data", redis.url, postgres_url, "ready-secret-0123456789abcdef")
    server = Server(free_port(), env, tmp_path / "server.log")
    try:
        server.start(60.0)
        r = _ready_when(server, 200)
        assert r.status_code == 200, r.text
        assert r.json()["checks"]["room_log"] == "ok"

        redis.stop()
        started = time.monotonic()
        r = _ready_when(server, 503)
        assert r.status_code == 503, r.text
        assert time.monotonic() - started < 10
        body = r.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["room_log"].startswith("unavailable")
        assert body["checks"]["database"] == "ok"
        # Liveness is another matter: the process itself is fine.
        assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200

        redis.start()
        r = _ready_when(server, 200)
        assert r.status_code == 200, r.text
    except BaseException:
        print(server.log()[-6000:])
        raise
    finally:
        server.stop()
        redis.stop()
