"""Room log benchmark: append latency and throughput on one Redis and on a Redis Cluster.

Starts a private redis-server and a private six-node cluster (three primaries,
three replicas), and drives the room log classes directly (no WebSockets): one
appender for the latency of a single append (script, and on the cluster the WAIT
for a replica), then many rooms appending at once for throughput, with every
entry delivered back over pub/sub (SSUBSCRIBE on the cluster).

    .venv/bin/python bench/room_log.py --appends 2000 --rooms 20 --concurrency 50

Loopback only; everything it starts, it stops.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.log.base import LogEntry, RoomLog
from server.log.redis import RedisRoomLog
from server.log.redis_cluster import RedisClusterRoomLog
from tests.redis_cluster import RedisCluster
from tests.redis_server import RedisServer


async def measure(name: str, log: RoomLog, appends: int, rooms: int, concurrency: int) -> None:
    delivered = 0
    done = asyncio.Event()
    total = appends

    def deliver(_: LogEntry) -> None:
        nonlocal delivered
        delivered += 1
        if delivered >= total:
            done.set()

    await log.start(deliver)
    names = [f"bench-{i}" for i in range(rooms)]
    for room in names:
        await log.subscribe(room)
    await asyncio.sleep(0.5)
    payload = b'{"type":"say","text":"' + b"x" * 200 + b'"}'

    latencies = []
    for i in range(min(500, appends)):
        start = time.perf_counter()
        await log.append(names[i % rooms], payload, 600)
        latencies.append((time.perf_counter() - start) * 1000)
    await asyncio.sleep(0.5)

    delivered = 0
    queue = iter(range(appends))

    async def worker() -> None:
        for i in queue:
            await log.append(names[i % rooms], payload, 600)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    acked = time.perf_counter() - start
    async with asyncio.timeout(30):
        await done.wait()
    q = statistics.quantiles(latencies, n=100)
    print(
        f"| {name} | {q[49]:.2f} / {q[98]:.2f} ms | {appends / acked:,.0f} | "
        f"{delivered}/{appends} |"
    )
    await log.close()


async def main(appends: int, rooms: int, concurrency: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    single = RedisServer(tmp / "redis")
    cluster = RedisCluster(tmp / "cluster")
    single.start()
    cluster.start()
    try:
        print("| log | one append p50 / p99 | appends/s (all acked) | delivered |")
        print("| --- | --- | --- | --- |")
        args = (appends, rooms, concurrency)
        await measure("Redis 7.0, one node", RedisRoomLog(single.url), *args)
        cluster.flush()
        await measure(
            "Redis Cluster, 3+3, WAIT 1", RedisClusterRoomLog(cluster.url, wait_ms=100), *args
        )
        cluster.flush()
        await measure(
            "Redis Cluster, 3+3, no WAIT", RedisClusterRoomLog(cluster.url, wait_ms=0), *args
        )
    finally:
        single.stop()
        cluster.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=50)
    a = parser.parse_args()
    asyncio.run(main(a.appends, a.rooms, a.concurrency))
