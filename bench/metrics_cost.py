"""What the Prometheus counters add to the fan-out, per 1,000 deliveries.

Each `say` costs one command count, one append-latency observation and one deliveries
add (server/metrics.py: once per event, never once per recipient), plus an integer add
per recipient in the fan-out loop. This times those calls in process and prints the
cost per 1,000 deliveries for a room of `--recipients` people, to set beside the
server CPU per 1,000 deliveries in docs/benchmarks.md.

    .venv/bin/python bench/metrics_cost.py --recipients 50
"""

from __future__ import annotations

import argparse
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.metrics import Metrics


def per_call(fn: object, number: int) -> float:
    return timeit.timeit(fn, number=number) / number  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=50)
    parser.add_argument("--number", type=int, default=200_000)
    args = parser.parse_args()
    metrics = Metrics()
    say = metrics.command_by_type["say"]
    started = time.perf_counter()
    per_event = (
        per_call(say.inc, args.number)
        + per_call(
            lambda: metrics.append_seconds.observe(time.perf_counter() - started), args.number
        )
        + per_call(lambda: metrics.deliveries.inc(args.recipients), args.number)
    )
    sent = 0

    def loop_add() -> None:
        nonlocal sent
        sent += True

    per_recipient = per_call(loop_add, args.number)
    events_per_1000 = 1000 / args.recipients
    cost_ms = (events_per_1000 * per_event + 1000 * per_recipient) * 1000
    print(f"per event: {per_event * 1e9:.0f} ns; per recipient: {per_recipient * 1e9:.0f} ns")
    print(f"metrics per 1,000 deliveries ({args.recipients} recipients an event): {cost_ms:.3f} ms")


if __name__ == "__main__":
    main()
