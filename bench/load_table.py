"""The scenarios of `bench/load.py --table`, run one after another, and their markdown table
for docs/benchmarks.md: Hearth and the bare ceiling side by side, the same load on both."""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from load_servers import Target, bare, hearth

ROOMS, CLIENTS = 20, 50
RATES = (10_000, 20_000)
TWO_WORKERS_RATE = 40_000


def table(run_target: Callable[..., dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    def run(
        make: Callable[[int, int], Target], rooms: int, rates: list[int], concurrency: int
    ) -> dict[str, Any]:
        started = time.monotonic()
        out = run_target(make, rooms, CLIENTS, rates, args.seconds, args.processes, concurrency)
        print(f"  ({time.monotonic() - started:.0f} s)", flush=True)
        return out

    load_before = os.getloadavg()[0]
    big = args.big // CLIENTS  # rooms of 50: a room's joins cost more the fuller it is
    print("hearth, one worker, memory log ...", flush=True)
    h1 = run(lambda r, c: hearth(r, c), ROOMS, list(RATES), args.concurrency)
    print("bare ...", flush=True)
    b1 = run(bare, ROOMS, list(RATES), args.concurrency)
    print(f"hearth, {big * CLIENTS} idle ...", flush=True)
    h_big = run(lambda r, c: hearth(r, c), big, [], args.big_concurrency)
    print(f"bare, {big * CLIENTS} idle ...", flush=True)
    b_big = run(bare, big, [], args.big_concurrency)
    print("hearth, two workers on one core, Redis ...", flush=True)
    h2 = run(lambda r, c: hearth(r, c, workers=2), ROOMS, [TWO_WORKERS_RATE], args.concurrency)
    figures: dict[str, Any] = {
        "hearth": h1, "bare": b1, "hearth_idle_big": h_big, "bare_idle_big": b_big,
        "hearth_two_workers_redis": h2,
    }  # fmt: skip
    figures["load_average"] = [load_before, os.getloadavg()[0]]
    figures["markdown"] = markdown(figures, args)
    return figures


def _retries(join: dict[str, Any]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in join["retries"].items()) or "none"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else ""


def _fanout_rows(name: str, h: dict[str, Any], b: dict[str, Any] | None) -> list[str]:
    def cell(f: dict[str, Any] | None, key: str) -> str:
        if f is None:
            return "—"
        if key == "latency":
            return f"{f['p50_ms']:.1f} / {f['p99_ms']:.1f}"
        if key == "faults":
            extra = f", {f['refused']} says refused" if f["refused"] else ""
            closes = ", ".join(f"{k}: {v}" for k, v in f["closes"].items())
            return f"{f['lost']} / {f['dup']} / {f['reordered']}{extra}" + (
                f" ({closes})" if closes else ""
            )
        if key == "achieved":
            return f"{f['achieved']:,.0f}"
        return f"{f[key]:.1f}"

    cpu_ratio = _ratio(h["cpu_ms_per_1000"], b["cpu_ms_per_1000"]) if b else ""
    return [
        f"| {name} | deliveries/s achieved | {cell(h, 'achieved')} | {cell(b, 'achieved')} | |",
        f"| | latency p50 / p99 (ms) | {cell(h, 'latency')} | {cell(b, 'latency')} | |",
        f"| | lost / duplicated / reordered | {cell(h, 'faults')} | {cell(b, 'faults')} | |",
        f"| | server CPU ms per 1,000 deliveries | {cell(h, 'cpu_ms_per_1000')} "
        f"| {cell(b, 'cpu_ms_per_1000')} | {cpu_ratio} |",
        f"| | load CPU, % of core 1 | {cell(h, 'load_cpu_pct')} | {cell(b, 'load_cpu_pct')} | |",
    ]


def markdown(f: dict[str, Any], args: argparse.Namespace) -> str:
    h, b = f["hearth"], f["bare"]
    hb, bb = f["hearth_idle_big"], f["bare_idle_big"]
    big = hb["join"]["clients"]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
        cwd=Path(__file__).parent,
    ).stdout.strip()  # fmt: skip
    hj, bj = h["join"], b["join"]
    rows = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit {commit}: "
        f"`.venv/bin/python bench/load.py --table --seconds {args.seconds:g} "
        f"--processes {args.processes}`; the machine's 1-minute load average was "
        f"{f['load_average'][0]:.1f} at the start and {f['load_average'][1]:.1f} at the end "
        "(other work shared the two cores: compare runs of similar load).",
        "",
        "| scenario | measure | Hearth | bare | Hearth ÷ bare |",
        "|---|---|---|---|---|",
        f"| join {hj['clients']:,} into {ROOMS} rooms at once, one worker "
        f"| first connect → last welcome (s) | {hj['join_s']:.2f} | {bj['join_s']:.2f} "
        f"| {_ratio(hj['join_s'], bj['join_s'])} |",
        f"| | server / load CPU during the joins (s) | {hj['server_cpu_s']:.2f} / "
        f"{hj['load_cpu_s']:.2f} | {bj['server_cpu_s']:.2f} / {bj['load_cpu_s']:.2f} | |",
        f"| {hj['clients']:,} idle participants | server RSS per participant (KiB) "
        f"| {hj['rss_per_kib']:.1f} | {bj['rss_per_kib']:.1f} "
        f"| {_ratio(hj['rss_per_kib'], bj['rss_per_kib'])} |",
        f"| {big:,} idle participants ({big // CLIENTS} rooms of {CLIENTS}, "
        f"{args.big_concurrency} connects in flight) | server RSS per participant (KiB) "
        f"| {hb['join']['rss_per_kib']:.1f} | {bb['join']['rss_per_kib']:.1f} "
        f"| {_ratio(hb['join']['rss_per_kib'], bb['join']['rss_per_kib'])} |",
        f"| | join time for all {big:,} (s); hellos retried | {hb['join']['join_s']:.2f}; "
        f"{_retries(hb['join'])} | {bb['join']['join_s']:.2f}; {_retries(bb['join'])} "
        f"| {_ratio(hb['join']['join_s'], bb['join']['join_s'])} |",
    ]
    for rate in RATES:
        rows += _fanout_rows(
            f"{rate:,}/s offered, {ROOMS} × {CLIENTS}, one worker, memory log",
            h[f"fanout_{rate}"], b[f"fanout_{rate}"],
        )  # fmt: skip
    rows += _fanout_rows(
        f"{TWO_WORKERS_RATE:,}/s offered, two workers on core 0, private Redis on core 1",
        f["hearth_two_workers_redis"][f"fanout_{TWO_WORKERS_RATE}"], None,
    )  # fmt: skip
    return "\n".join(rows)
