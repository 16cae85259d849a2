"""The fan-out in one worker, in process: each event is encoded once, and the very
same frame object is queued for every local connection allowed to see it."""

from __future__ import annotations

import itertools
from typing import Any, cast

import pytest

from rooms import protocol as p
from server.connection import Connection
from server.log.base import LogEntry
from server.replica import Replica
from server.room_setup import RoomSetup
from tests.rooms.test_core_support import START_MS, config


class RecordingSocket:
    """Stands in for Starlette's WebSocket: keeps what the writer task sends."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message["text"])

    async def close(self, code: int = 1000, reason: str = "") -> None:
        pass


async def test_each_event_is_encoded_once_and_shared_by_everyone_who_may_see_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replica = Replica(RoomSetup(config(), "g1", 600))
    seqs = itertools.count(1)

    def apply(actor: str | None, command: Any) -> None:
        seq = next(seqs)
        payload = p.encode_submission(p.Submission(actor=actor, origin=None, command=command))
        replica.apply(LogEntry("m1", "e1", seq, START_MS + seq, payload))

    apply(None, p.Open(config=config()))
    people = {"Host": "facilitator", "Ann": "attendee", "Bea": "attendee"}
    for i, (name, role) in enumerate(people.items()):
        join = p.Join(conn=f"c{i}", role=cast(Any, role), pseudonym=name, name_seed=1,
                      token_hash=f"t{i}", lobby_exempt=True)  # fmt: skip
        apply(None, join)
    ids = {x.pseudonym: x.id for x in replica.room.participants.values()}
    sockets = {name: RecordingSocket() for name in people}
    connections = []
    for i, name in enumerate(people):
        conn = Connection(cast(Any, sockets[name]), f"c{i}", "m1", 64)
        conn.participant_id, conn.last_seq = ids[name], replica.room.event_seq
        replica.connections[conn.conn_id] = conn
        connections.append(conn)
    ann, bea = ids["Ann"], ids["Bea"]

    encoded: list[str] = []
    original = p.encode_event

    def counting(event: Any) -> bytes:
        encoded.append(event.type)
        return original(event)

    monkeypatch.setattr(p, "encode_event", counting)
    apply(ann, p.Say(text="hello all"))
    message_id = next(reversed(replica.room.messages))
    apply(bea, p.Report(message_id=message_id, reason="unkind"))
    apply(ann, p.Help(note="a moment please"))
    for conn in connections:
        await conn.finish()

    assert encoded == ["message", "alert", "alert"]
    host, ann_got, bea_got = (sockets[n].sent for n in ("Host", "Ann", "Bea"))
    assert [len(host), len(ann_got), len(bea_got)] == [3, 1, 1]
    assert host[0] is ann_got[0] is bea_got[0]  # one object, queued three times
    assert '"report"' in host[1] and '"help"' in host[2]  # alerts: facilitators only
