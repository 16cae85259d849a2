"""The pure reducer's speed: commands applied per second on one core, no I/O.

.venv/bin/python bench/reducer.py

Three rows: plain `say`; `say` under the message guard; a formatted meeting, where a
facilitator moves through five parts (each applying its settings, the round part
starting a go-around of everyone) between attendees' votes in an open poll.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rooms import config as room_config
from rooms import protocol as p
from rooms import reducer
from rooms.state import Room

GUARD = {
    "links_from_facilitators_only": True,
    "masked_words": tuple(f"word{i}" for i in range(190))
    + tuple(f"two words{i}" for i in range(10)),
}
SENTENCE = "this week was hard, but I am still here and I kept going, thank you all"


def main(people: int = 30, rounds: int = 2000, guard: bool = False) -> None:
    """With `guard`, the group's message guard is on: a 200-entry word list to mask and
    links refused for attendees, over messages of a dozen words."""
    room = Room.empty("bench")
    config = room_config.RoomConfig(
        meeting_id="bench", title="t", group_name="g", language="en", starts_at_ms=0,
        ends_at_ms=10**13, capacity=500, lobby=False, late_joiners_see_history=False,
        share_seconds=180, crosstalk=True, **(GUARD if guard else {}),  # type: ignore[arg-type]
    )  # fmt: skip
    reducer.apply(room, p.Submission(None, None, p.Open(config=config)), 0)
    for i in range(people):
        join = p.Join(
            conn=f"c{i}", role="attendee", pseudonym=None, name_seed=i, token_hash=f"t{i}"
        )
        reducer.apply(room, p.Submission(None, None, join), 0)
    encoded = [
        p.encode_submission(p.Submission(f"p{i % people + 1}", None, p.Say(text=text(i, guard))))
        for i in range(rounds)
    ]
    started = time.perf_counter()
    events = 0
    for n, payload in enumerate(encoded):
        result = reducer.apply(room, p.decode_submission(payload), n)
        for event in result.events:
            p.encode_event(event)
            events += 1
    elapsed = time.perf_counter() - started
    what = "with the message guard" if guard else "decode + apply + encode"
    print(f"{what}: {rounds / elapsed:,.0f} commands/s ({events} events)")


FIVE_PARTS = [
    room_config.Segment(title=f"part {i}", kind=kind, minutes=10, settings=settings)
    for i, (kind, settings) in enumerate([
        ("reading", room_config.SegmentSettings(queue_open=False)),
        ("round", room_config.SegmentSettings(crosstalk=False, share_seconds=90)),
        ("discussion", room_config.SegmentSettings(crosstalk=True, queue_open=True)),
        ("shares", room_config.SegmentSettings(queue_policy="fewest_shares_first")),
        ("closing", room_config.SegmentSettings(queue_open=False)),
    ])
]  # fmt: skip


def formatted(people: int = 30, rounds: int = 2000) -> None:
    """Every sixth command moves the meeting to another part; the rest are votes."""
    room = Room.empty("bench")
    config = room_config.RoomConfig(
        meeting_id="bench", title="t", group_name="g", language="en", starts_at_ms=0,
        ends_at_ms=10**13, capacity=500, lobby=False, late_joiners_see_history=False,
        share_seconds=180, crosstalk=True, format_name="five", agenda=FIVE_PARTS,
    )  # fmt: skip
    reducer.apply(room, p.Submission(None, None, p.Open(config=config)), 0)
    host = p.Join(conn="h", role="facilitator", pseudonym="Host", name_seed=0, token_hash="h")
    reducer.apply(room, p.Submission(None, None, host), 0)
    for i in range(people):
        join = p.Join(
            conn=f"c{i}", role="attendee", pseudonym=None, name_seed=i + 1, token_hash=f"t{i}"
        )
        reducer.apply(room, p.Submission(None, None, join), 0)
    start = p.PollStart(scale="arriving")
    result = reducer.apply(room, p.Submission("p1", None, start), 0)
    poll_id = next(e.body["poll_id"] for e in result.events if e.type == "poll")
    commands: list[p.Command] = [
        p.GotoSegment(index=(i // 6) % len(FIVE_PARTS)) if i % 6 == 0
        else p.Vote(poll_id=poll_id, option=i % 5)
        for i in range(rounds)
    ]  # fmt: skip
    senders = ["p1" if isinstance(c, p.GotoSegment) else f"p{i % people + 2}"
               for i, c in enumerate(commands)]  # fmt: skip
    pairs = zip(senders, commands, strict=True)
    encoded = [p.encode_submission(p.Submission(s, None, c)) for s, c in pairs]
    started = time.perf_counter()
    events = refused = 0
    for n, payload in enumerate(encoded):
        result = reducer.apply(room, p.decode_submission(payload), n)
        refused += isinstance(result.outcome, p.Err)
        for event in result.events:
            p.encode_event(event)
            events += 1
    elapsed = time.perf_counter() - started
    assert refused == 0, f"{refused} commands refused"
    what = "a formatted meeting (parts and votes)"
    print(f"{what}: {rounds / elapsed:,.0f} commands/s ({events} events)")


def text(i: int, guard: bool) -> str:
    return f"hello {i}, {SENTENCE} word{i % 2000}" if guard else f"hello {i}"


if __name__ == "__main__":
    main()
    main(guard=True)
    formatted()
