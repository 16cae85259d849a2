"""The admission cache stays small: hellos for rooms that never open on a worker (not
open yet, or every one refused) leave nothing behind for long."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from server import admission_cache
from server.admission_cache import AdmissionCache, MeetingFacts


def facts() -> MeetingFacts:
    now = datetime.now(UTC)
    return MeetingFacts(
        group_id="g",
        starts_at=now,
        ends_at=now,
        cancelled=False,
        ended_at=None,
        closed=False,
        lobby_until=None,
        keep_out_days=7,
        lobby_after_removal_minutes=0,
        kept_out={},
        setup=cast(Any, None),
    )


async def test_entries_for_rooms_nobody_entered_are_swept_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = AdmissionCache(60)
    clock = [time.monotonic()]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])

    async def load() -> MeetingFacts:
        return facts()

    for i in range(admission_cache.PRUNE_AT):
        await cache.read(f"m{i}", None, load)
    assert cache.get("m0", None) is not None  # a rush's hellos share the read
    clock[0] += admission_cache.UNWATCHED_SECONDS + 0.1
    assert cache.get("m0", None) is None
    for i in range(3):
        await cache.read(f"n{i}", None, load)
    assert len(cache) < 10
