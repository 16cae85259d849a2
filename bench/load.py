"""Load benchmark: many rooms on real servers, Hearth against a bare broadcast loop.

Servers run on core 0, the load (and Redis) on core 1. All clients connect and say
hello at once, as at the top of the hour; then each room's members speak in turn at a
fixed rate, every message carrying its number and send time, and every delivery is
checked: latency, lost, duplicated, out of order (by message number and by event seq).

    .venv/bin/python bench/load.py --table            # the docs/benchmarks.md table
    .venv/bin/python bench/load.py --rooms 20 --clients 50 --rate 10000 --seconds 5
    .venv/bin/python bench/load.py --bare --rate 20000

Everything it starts, it stops; a server that dies ends the run with exit status 1.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_clients
from load_servers import LOAD_CORE, Target, bare, cpu_seconds, hearth, rss_kib


class Driver:
    """The load processes, each owning every `processes`-th room of the target."""

    def __init__(self, target: Target, processes: int) -> None:
        self.target = target
        ctx = multiprocessing.get_context("spawn")
        self.conns: list[Connection] = []
        self.procs = []
        rooms = list(enumerate(target.rooms))
        for p in range(min(processes, len(rooms))):
            parent, child = ctx.Pipe()
            proc = ctx.Process(
                target=load_clients.run, args=(child, LOAD_CORE, rooms[p::processes])
            )
            proc.start()
            self.conns.append(parent)
            self.procs.append(proc)

    def call(self, command: str, timeout: float = 600, **kwargs: Any) -> list[dict[str, Any]]:
        for conn in self.conns:
            conn.send((command, kwargs))
        results = []
        deadline = time.monotonic() + timeout
        for conn in self.conns:
            while not conn.poll(0.5):
                self.target.check()
                if time.monotonic() > deadline:
                    raise SystemExit(f"bench: load process timed out in {command}")
            status, result = conn.recv()
            if status != "ok":
                raise SystemExit(f"bench: {self.target.name}: {command}: {result}")
            results.append(result)
        self.target.check()
        return results

    def close(self, graceful: bool) -> None:
        """Closes the clients; after a failure the load processes are just ended."""
        for conn in self.conns if graceful else []:
            try:
                conn.send(("close", {}))
                conn.poll(15) and conn.recv()
            except (OSError, EOFError):
                pass
        for proc in self.procs:
            proc.join(10 if graceful else 0)
            if proc.is_alive():
                proc.kill()
                proc.join(5)


def _merge(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for c in counts:
        for k, n in c.items():
            total[k] = total.get(k, 0) + n
    return total


def joins(driver: Driver, concurrency: int, settle: float = 3.0) -> dict[str, Any]:
    target = driver.target
    before = rss_kib(target.pids)
    cpu0 = cpu_seconds(target.pids)
    results = driver.call("join", at=time.time() + 0.5, concurrency=concurrency)
    cpu = cpu_seconds(target.pids) - cpu0
    seconds = max(r["last"] for r in results) - min(r["first"] for r in results)
    clients = sum(r["clients"] for r in results)
    time.sleep(settle)
    after = rss_kib(target.pids)
    return {
        "clients": clients,
        "join_s": seconds,
        "rss_per_kib": (after - before) / clients,
        "server_cpu_s": cpu,  # from half a second before the first connect
        "load_cpu_s": sum(r["load_cpu"] for r in results),
        "concurrency": min(concurrency, clients),
        "retries": _merge(r["retries"] for r in results),
    }


def fanout(driver: Driver, deliveries: int, seconds: float, grace: float = 5.0) -> dict[str, Any]:
    """`deliveries` a second offered: each room's rate is that over the clients."""
    target = driver.target
    clients = sum(len(r) for r in target.rooms)
    rate = deliveries / clients
    start = time.time() + 0.5
    stagger = 1 / (rate * len(target.rooms))
    time.sleep(max(0.0, start - time.time()))
    cpu0 = cpu_seconds(target.pids)
    results = driver.call(
        "fanout", start=start, seconds=seconds, rate=rate, stagger=stagger, grace=grace
    )
    cpu = cpu_seconds(target.pids) - cpu0
    elapsed = time.time() - start
    lat = sorted(x for r in results for x in r["latencies"])
    keys = ("sent", "refused", "expected", "delivered", "lost", "dup", "reorder_speaker")
    total = {k: sum(r[k] for r in results) for k in (*keys, "reorder_seq", "swaps_n")}
    closes = _merge(r["closes"] for r in results)
    last = max(r["last_recv"] for r in results)
    return {
        "offered": deliveries,
        "achieved": total["delivered"] / max(1e-9, last - start),
        "p50_ms": statistics.median(lat) * 1000 if lat else None,
        "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else None,
        **total,
        "reordered": total["reorder_speaker"] + total["reorder_seq"],
        "closes": closes,
        "cpu_ms_per_1000": cpu * 1000 / max(1e-9, total["delivered"] / 1000),
        "server_cpu_pct": 100 * cpu / elapsed,
        "load_cpu_pct": 100 * sum(r["load_cpu"] for r in results) / elapsed,
    }


def run_target(
    make: Any, rooms: int, clients: int, rates: list[int], seconds: float, processes: int,
    concurrency: int,
) -> dict[str, Any]:  # fmt: skip
    target: Target = make(rooms, clients)
    driver = None
    ok = False
    try:
        driver = Driver(target, processes)
        out: dict[str, Any] = {"join": joins(driver, concurrency)}
        for rate in rates:
            out[f"fanout_{rate}"] = fanout(driver, rate, seconds)
        ok = True
        return out
    finally:
        if driver is not None:
            driver.close(graceful=ok)
        target.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", action="store_true", help="run every scenario, print a table")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50, help="per room")
    parser.add_argument(
        "--rate", type=int, action="append", help="deliveries/s offered (repeat; 0: joins only)"
    )
    parser.add_argument("--seconds", type=float, default=6.0, help="each fan-out window")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", action="store_true", help="room log on a private Redis")
    parser.add_argument("--bare", action="store_true", help="the bare server instead")
    parser.add_argument("--processes", type=int, default=2, help="load processes (core 1)")
    parser.add_argument("--concurrency", type=int, default=20000, help="connects in flight")
    parser.add_argument("--big", type=int, default=10000, help="idle participants, --table")
    parser.add_argument(
        "--big-concurrency", type=int, default=1000, help="connects in flight for --big"
    )
    args = parser.parse_args()
    if len(os.sched_getaffinity(0)) < 2:
        raise SystemExit("bench: needs two cores (servers on core 0, load on core 1)")
    os.sched_setaffinity(0, {LOAD_CORE})
    if args.table:
        from load_table import table

        figures = table(run_target, args)
        print(figures.pop("markdown"))
    else:

        def make(r: int, c: int) -> Target:
            return bare(r, c) if args.bare else hearth(r, c, args.workers, args.redis)

        rates = [r for r in args.rate or [10000] if r > 0]
        figures = run_target(
            make, args.rooms, args.clients, rates, args.seconds,
            args.processes, args.concurrency,
        )  # fmt: skip
        print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
