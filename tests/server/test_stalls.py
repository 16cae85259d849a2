"""The stall watch, against a real event loop that is blocked for a while."""

from __future__ import annotations

import asyncio
import time

from server.stalls import StallWatch


async def test_a_blocked_loop_is_noticed_before_the_next_task_runs() -> None:
    watch = StallWatch(tick_seconds=0.05)
    watch.start()
    try:
        await asyncio.sleep(0.2)
        assert watch.allowance(time.monotonic(), 5) == 1.0
        ran_after: list[float] = []
        woke = asyncio.Event()
        asyncio.get_running_loop().call_soon(woke.set)
        time.sleep(1.5)  # noqa: ASYNC251 - the whole loop stands still, as under SIGSTOP
        await woke.wait()
        ran_after.append(watch.allowance(time.monotonic(), 5))
        assert ran_after[0] > 1.2, "the first task after the stall did not know of it"
    finally:
        watch.stop()


async def test_the_allowance_ends_one_window_after_waking() -> None:
    watch = StallWatch(tick_seconds=0.05)
    watch.stalled_for, watch.woke_at = 30.0, 100.0
    assert watch.allowance(101.0, 5) == 7.0
    assert watch.allowance(105.5, 5) == 1.0
    watch.stalled_for = 10_000.0
    assert watch.allowance(101.0, 5) == 25.0
