"""Fan-out benchmark: one speaker, N listeners in one room, on a real `hearth serve`.

Measures, for each message, the time from sending `say` to the last listener
receiving it, and the sustained rate of messages delivered to all listeners.

    .venv/bin/python bench/fanout.py --listeners 200 --messages 200
    HEARTH_REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/fanout.py

Loopback only; everything it starts, it stops.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.service.conftest import Server, server_env
from tests.service.rooms import create_meeting
from tests.services import free_port
from tests.wsclient import Client


async def listener(url: str, expected: int, arrivals: dict[int, list[float]]) -> None:
    import json

    client = await Client.connect(url)
    await client.hello()
    got = 0
    while got < expected:
        raw = await client.ws.recv()
        if '"type":"message"' in raw:
            n = int(json.loads(raw)["text"].split()[1])
            arrivals.setdefault(n, []).append(time.perf_counter())
            got += 1
    await client.close()


async def run(listeners: int, messages: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    extra = {"HEARTH_RATE_LIMIT_COMMANDS": "10000", "HEARTH_LOG_LEVEL": "warning"}
    if os.environ.get("HEARTH_REDIS_URL"):
        extra["HEARTH_REDIS_URL"] = os.environ["HEARTH_REDIS_URL"]
    server = Server(free_port(), server_env(tmp / "data", **extra), tmp / "server.log")
    server.start()
    try:
        meeting = create_meeting(server, capacity=500, crosstalk=True)
        host = await meeting.facilitator()
        arrivals: dict[int, list[float]] = {}
        tasks = []
        for i in range(listeners):
            tasks.append(asyncio.create_task(listener(meeting.ws_url, messages, arrivals)))
            if i % 50 == 49:
                await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
        sent: dict[int, float] = {}
        started = time.perf_counter()
        for n in range(messages):
            sent[n] = time.perf_counter()
            await host.send({"type": "say", "text": f"message {n}", "id": str(n)})
            await asyncio.sleep(0.005)
        await asyncio.wait_for(asyncio.gather(*tasks), 120)
        elapsed = max(max(v) for v in arrivals.values()) - started
        latencies = sorted((max(arrivals[n]) - sent[n]) * 1000 for n in range(messages))
        delivered = listeners * messages
        backend = "redis" if "HEARTH_REDIS_URL" in extra else "memory"
        print(f"listeners={listeners} messages={messages} log={backend}")
        print(
            f"  time to reach every listener: p50 {statistics.median(latencies):.1f} ms, "
            f"p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms, max {latencies[-1]:.1f} ms"
        )
        print(f"  deliveries: {delivered} in {elapsed:.2f} s = {delivered / elapsed:,.0f} frames/s")
        await host.close()
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listeners", type=int, default=200)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.listeners, args.messages))


if __name__ == "__main__":
    main()
