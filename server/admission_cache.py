"""A worker's memory of what admission read from the database for an open room.

At the start of the hour every attendee of every meeting says hello within a few
seconds; reading the meeting, its group, the group's keep-outs, resources and format
for each of them made the database the bottleneck of the rush. One read per room now
serves every hello that follows, for as long as the room's log shows no edit: an entry
is tied to the room's replica and to its AdmissionWatch count (server/admission_watch.py),
so an organiser's edit, a removal or the end, applied here in log order, retires it.
A time limit (admission_cache_seconds) only bounds the damage of an edit whose log
entry never got through.

Plain data and bookkeeping: no I/O. The reading itself is server/admission.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from server.replica import Replica
from server.room_setup import RoomSetup


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    """What the database says about one meeting's admission, at one moment."""

    group_id: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool
    ended_at: datetime | None
    closed: bool  # invite only
    lobby_until: datetime | None
    keep_out_days: int
    lobby_after_removal_minutes: int
    kept_out: dict[str, datetime]  # device hash -> until when
    setup: RoomSetup


@dataclass(slots=True)
class _Entry:
    facts: MeetingFacts
    replica: Replica | None  # None: no room here when read; the next replica adopts it
    mark: int  # the replica's AdmissionWatch count when the read began
    read_at: float


# Facts no replica here watches yet (nobody got in so far) serve the hellos of a rush,
# not much longer: a refusal they decide, an invite-only group opened meanwhile say,
# has no log entry to correct it.
UNWATCHED_SECONDS = 1.0
PRUNE_AT = 256  # entries kept before the stale ones are swept out

Loader = Callable[[], Awaitable[MeetingFacts | None]]


@dataclass(frozen=True, slots=True)
class Basis:
    """What a decision was based on: facts, and the room's edit count they were good for.

    A join decided on them holds if the room applies it with the count unchanged
    (Hub.submit `admitted_at`); an edit before it in the log means deciding again.
    """

    facts: MeetingFacts | None
    replica: Replica | None
    mark: int

    def mark_for(self, replica: Replica) -> int:
        """The count to expect from `replica` (-1, never: these facts were about another)."""
        if self.replica is not None and self.replica is not replica:
            return -1
        return self.mark


class AdmissionCache:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._entries: dict[str, _Entry] = {}
        self._loading: dict[str, asyncio.Task[Basis]] = {}
        self._prune_at = PRUNE_AT

    async def basis(self, meeting_id: str, replica: Replica | None, load: Loader) -> Basis:
        """The facts kept for the room, or read through `load` if there are none."""
        kept = self.get(meeting_id, replica)
        return kept if kept is not None else await self.read(meeting_id, replica, load)

    def get(self, meeting_id: str, replica: Replica | None) -> Basis | None:
        """The facts, while nothing in the room's log has made them stale.

        Before the room is ready here they are used too: a join decided on them is
        checked against the edits the replica applies before it (Basis.mark_for).
        """
        entry = self._entries.get(meeting_id)
        if entry is None:
            return None
        if entry.replica is None and replica is not None and replica.ready:
            # Read before this replica existed: it applies every edit made since.
            entry.replica = replica
        age = time.monotonic() - entry.read_at
        stale = (
            age > self.seconds
            or (entry.replica is None and age > UNWATCHED_SECONDS)
            or (entry.replica is not None and entry.replica is not replica)
            or (replica is not None and replica.ended)
            or (entry.replica is not None and entry.replica.admission.changes != entry.mark)
        )
        if stale:
            del self._entries[meeting_id]
            return None
        return Basis(entry.facts, entry.replica, entry.mark)

    async def read(self, meeting_id: str, replica: Replica | None, load: Loader) -> Basis:
        """Reads through `load`, once for every hello that arrives while it runs."""
        task = self._loading.get(meeting_id)
        if task is None:
            task = asyncio.create_task(self._load(meeting_id, replica, load))
            self._loading[meeting_id] = task
            task.add_done_callback(lambda _t: self._loading.pop(meeting_id, None))
        return await asyncio.shield(task)

    async def _load(self, meeting_id: str, replica: Replica | None, load: Loader) -> Basis:
        mark = replica.admission.changes if replica is not None else 0
        read_at = time.monotonic()
        basis = Basis(await load(), replica, mark)
        if basis.facts is None or self.seconds <= 0:
            return basis
        if replica is not None and replica.admission.changes != mark:
            return basis  # an edit arrived meanwhile: these joins check again, none keep it
        self._entries[meeting_id] = _Entry(basis.facts, replica, mark, read_at)
        if len(self._entries) > self._prune_at:
            self._prune()
        return basis

    def _prune(self) -> None:
        """Drops what can no longer serve: hellos for rooms that never opened here (not
        yet open, refused) must not pile up entries. Amortised: the bar doubles."""
        now = time.monotonic()
        for meeting_id, entry in list(self._entries.items()):
            age = now - entry.read_at
            if age > self.seconds or (entry.replica is None and age > UNWATCHED_SECONDS):
                del self._entries[meeting_id]
        self._prune_at = max(PRUNE_AT, 2 * len(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def forget(self, meeting_id: str) -> None:
        """The room left this worker: nothing would tell the entry about edits."""
        self._entries.pop(meeting_id, None)
