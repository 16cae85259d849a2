"""Per worker: room replicas, local connections per room, and the tasks that keep them.

Every command goes through the room log; every worker holding a connection in a
room applies the log's entries to its own replica, in seq order, with the pure
reducer, and sends the resulting events to its own connections. The worker that
appended a command also resolves the command's ack or error from the outcome.
The hub owns every background task: heartbeat, resyncs, each room's timers and
the release of rooms nobody here needs any more.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from rooms import protocol
from rooms.tally import MeetingTally
from server import frames
from server.admission_cache import AdmissionCache
from server.clock import now_ms
from server.config import Settings
from server.connection import Connection
from server.log.base import LogEntry, LogUnavailable, RoomLog
from server.log.factory import create_room_log
from server.metrics import Metrics, Resync
from server.replica import Replica
from server.room_setup import RoomSetup, log_ttl_seconds
from server.stalls import StallWatch

log = logging.getLogger("hearth.hub")

APPEND_TIMEOUT = 5.0
OUTCOME_TIMEOUT = 10.0
HEARTBEAT_SECONDS = 3.0
HEARTBEAT_TTL = 10

# Where an ended room's figures go (the app stores them: server/db/stats.py), given the
# meeting's group id: called once per room per worker, so it must not mind a repeat.
StatsSink = Callable[[str, MeetingTally], Coroutine[Any, Any, None]]


@dataclass(slots=True)
class _Pending:
    """A command this worker appended, waiting for its own replica to apply it.

    `joining` connections are attached at that moment; others get their ack or
    error at that moment, so it is ordered right after the command's own events.
    """

    future: asyncio.Future[protocol.Outcome]
    connection: Connection | None
    last_seq: int
    joining: bool
    request_id: str | None
    admitted_at: int | None = None  # the AdmissionWatch count the join was decided on


class Hub:
    def __init__(
        self,
        settings: Settings,
        room_log: RoomLog,
        stats: StatsSink | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.settings = settings
        self.log = room_log
        self.stats = stats
        self.worker_id = secrets.token_hex(4)
        self.metrics = metrics or Metrics()
        self.metrics.identify(self.worker_id)
        self.metrics.watch(rooms=self._room_count, participants=self._participant_count)
        self.replicas: dict[str, Replica] = {}
        self._opening: dict[str, asyncio.Task[Replica]] = {}
        self._pending: dict[str, _Pending] = {}
        self._timers: dict[str, asyncio.Task[None]] = {}
        self._releases: dict[str, asyncio.Task[None]] = {}
        self._records: set[asyncio.Task[None]] = set()
        self._counter = itertools.count(1)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False
        self.stalls = StallWatch()
        self.admissions = AdmissionCache(settings.admission_cache_seconds)

    @classmethod
    async def start(
        cls,
        settings: Settings,
        room_log: RoomLog | None = None,
        stats: StatsSink | None = None,
        metrics: Metrics | None = None,
    ) -> Hub:
        hub = cls(settings, room_log or create_room_log(settings), stats, metrics)
        hub.log.on_reconnect(hub.resync_all)
        await hub.log.start(hub._deliver)
        hub.spawn(hub._heartbeat(), "heartbeat")
        hub.stalls.start()
        return hub

    async def stop(self) -> None:
        self._closing = True
        self.stalls.stop()
        for replica in list(self.replicas.values()):
            for conn in list(replica.connections.values()):
                conn.close(protocol.CloseCode.RESTARTING, "server restarting")
                with contextlib.suppress(Exception):
                    await conn.finish()
        for replica in list(self.replicas.values()):
            if not replica.ended and replica.room.config is not None:
                self._offer_tally(replica)
        if self._records:
            # Figures are written before the rest is cut off: a restart is not an end.
            await asyncio.wait(list(self._records), timeout=5)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            # Let them finish before the lifespan disposes of the database: an audit
            # write cut off mid-session would otherwise wait on a closed connection.
            await asyncio.wait(tasks, timeout=5)
        await self.log.close()

    async def readiness(self) -> str:
        try:
            await asyncio.wait_for(self.log.ping(), 2)
        except Exception as exc:
            return f"unavailable: {type(exc).__name__}"
        return "ok"

    def _room_count(self) -> float:
        return len(self.replicas)

    def _participant_count(self) -> float:
        return sum(len(replica.connections) for replica in list(self.replicas.values()))

    def new_conn_id(self) -> str:
        return f"{self.worker_id}.{next(self._counter)}"

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # Rooms -----------------------------------------------------------------

    async def room(self, setup: RoomSetup) -> Replica:
        """The replica of a meeting's room, subscribed, caught up and opened.

        Raises LogUnavailable when the log does not answer in time.
        """
        release = self._releases.pop(setup.meeting_id, None)
        if release is not None:
            release.cancel()
        replica = self.replicas.get(setup.meeting_id)
        if replica is not None and replica.ready:
            return replica
        task = self._opening.get(setup.meeting_id)
        if task is None:
            task = asyncio.create_task(self._open(setup))
            self._opening[setup.meeting_id] = task
            task.add_done_callback(lambda _t: self._opening.pop(setup.meeting_id, None))
        try:
            return await asyncio.shield(task)
        except TimeoutError:
            raise LogUnavailable("the room did not open in time") from None

    async def _open(self, setup: RoomSetup) -> Replica:
        meeting_id = setup.meeting_id
        replica = self.replicas.get(meeting_id)
        if replica is None:
            replica = Replica(setup, self.metrics.deliveries)
            self.replicas[meeting_id] = replica
        await self.log.subscribe(meeting_id)
        await self.resync(replica)
        if not replica.opened:
            await self.append(meeting_id, replica.open_submission(), setup.ttl_seconds())
            await replica.wait_opened(OUTCOME_TIMEOUT)
        replica.ready = True
        if meeting_id not in self._timers:
            self._timers[meeting_id] = self.spawn(self._run_timers(replica), f"timers {meeting_id}")
        return replica

    async def resync(self, replica: Replica) -> None:
        """Brings a replica up to date from the log's history, or rebuilds it on a new epoch.

        One resync per replica at a time; a request while one runs makes it run again.
        """
        if replica.resyncing:
            replica.resync_again = True
            return
        replica.resyncing = True
        try:
            while True:
                replica.resync_again = False
                await self._resync_once(replica)
                if not replica.resync_again:
                    break
        finally:
            replica.resyncing = False

    async def _resync_once(self, replica: Replica) -> None:
        epoch = await self.log.epoch(replica.meeting_id)
        lost = bool(replica.epoch) and epoch != replica.epoch
        if lost:
            log.warning("room %s lost its history; starting it over", replica.meeting_id)
            self.metrics.histories_lost.inc()
            rejoin = replica.history_lost()
        replica.epoch = epoch or None
        entries = await self.log.history(replica.meeting_id, replica.applied_seq)
        for entry in entries:
            if entry.epoch != epoch:
                break
            self._apply(replica, entry)
        if lost:
            self.spawn(self._rebuild(replica, rejoin), f"rebuild {replica.meeting_id}")

    async def _rebuild(self, replica: Replica, connections: list[Connection]) -> None:
        """After lost history: opens the room again and rejoins this worker's people."""
        try:
            if not replica.opened:
                await self.append(
                    replica.meeting_id, replica.open_submission(), replica.setup.ttl_seconds()
                )
                await replica.wait_opened(OUTCOME_TIMEOUT)
            for conn in connections:
                outcome = await self.submit(
                    replica, None, conn.rejoin_command(), conn, joining=True
                )
                if isinstance(outcome, protocol.Err):
                    conn.close(protocol.CloseCode.HISTORY_LOST, "history lost")
        except (LogUnavailable, TimeoutError):
            for conn in connections:
                conn.close(protocol.CloseCode.HISTORY_LOST, "history lost")

    def resync_all(self) -> None:
        """After the log reconnected: every replica may have missed deliveries."""
        for replica in list(self.replicas.values()):
            self.spawn(self._safe_resync(replica, "reconnect"), f"resync {replica.meeting_id}")

    async def _safe_resync(self, replica: Replica, reason: Resync) -> None:
        self.metrics.resynced(reason)
        with contextlib.suppress(LogUnavailable, TimeoutError):
            await self.resync(replica)

    async def _heartbeat(self) -> None:
        """Marks this worker alive, and sweeps participants whose worker died.

        A dead worker never appends `disconnect` for its connections; the survivors
        do it for them, and the usual grace period then applies.
        """
        while True:
            try:
                await self.log.mark_alive(self.worker_id, HEARTBEAT_TTL)
                for replica in list(self.replicas.values()):
                    orphans = replica.foreign_connections(self.worker_id)
                    if not orphans:
                        continue
                    alive = await self.log.alive(sorted({w for w, _, _ in orphans}))
                    for worker, pid, conn_id in orphans:
                        if worker not in alive:
                            await self.submit(
                                replica, None, protocol.Disconnect(participant_id=pid, conn=conn_id)
                            )
            except (LogUnavailable, TimeoutError):
                pass
            except Exception:
                log.exception("heartbeat failed")
            await asyncio.sleep(HEARTBEAT_SECONDS)

    async def _run_timers(self, replica: Replica) -> None:
        """Appends a room's due timer entries (share expiry, grace timeouts, the end).

        Every worker holding the room does this; the reducer ignores the duplicates.
        """
        changed = replica.changed
        while True:
            changed.clear()
            deadline = replica.next_deadline_ms()
            now = now_ms()
            if deadline is None:
                await changed.wait()
                continue
            if deadline > now:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for returns instead of
                # raising when it is cancelled just as the event is set, and the loop would
                # then wait out the next deadline (an hour) during shutdown.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout((deadline - now) / 1000):
                        await changed.wait()
                continue
            progressed = False
            for command in replica.due_commands(now):
                try:
                    outcome = await self.submit(replica, None, command)
                    progressed = progressed or outcome_seq(outcome) is not None
                except LogUnavailable:
                    await asyncio.sleep(1)
            # Nothing happened: this worker's clock runs ahead of the log's. Back off.
            await asyncio.sleep(0.05 if progressed else 0.5)

    def release(self, replica: Replica) -> None:
        """Forgets a room once no local connection needs it (after a grace period)."""
        if replica.connections or self._closing:
            return
        meeting_id = replica.meeting_id

        async def later() -> None:
            await asyncio.sleep(self.settings.resume_grace_seconds + 5)
            if not replica.connections and self.replicas.get(meeting_id) is replica:
                if not replica.ended and replica.room.config is not None:
                    # Nobody may be left anywhere to see the end: keep the figures so far.
                    self._offer_tally(replica)
                self._releases.pop(meeting_id, None)
                timers = self._timers.pop(meeting_id, None)
                if timers is not None:
                    timers.cancel()
                del self.replicas[meeting_id]
                self.admissions.forget(meeting_id)
                with contextlib.suppress(LogUnavailable):
                    await self.log.unsubscribe(meeting_id)

        previous = self._releases.pop(meeting_id, None)
        if previous is not None:
            previous.cancel()
        self._releases[meeting_id] = self.spawn(later(), f"release {meeting_id}")

    # Log -------------------------------------------------------------------

    async def append(self, meeting_id: str, payload: bytes, ttl: int) -> LogEntry:
        started = time.perf_counter()
        try:
            entry = await asyncio.wait_for(
                self.log.append(meeting_id, payload, ttl), APPEND_TIMEOUT
            )
        except TimeoutError:
            self.metrics.append_failures.inc()
            raise LogUnavailable("the room log did not answer in time") from None
        except LogUnavailable:
            self.metrics.append_failures.inc()
            raise
        self.metrics.append_seconds.observe(time.perf_counter() - started)
        return entry

    async def tell_room(
        self, meeting_id: str, command: protocol.SystemCommand, ends_at_ms: int
    ) -> None:
        """Appends a system command from outside the room (the HTTP API): every worker
        with people in the room applies it, whether or not this one has a replica."""
        payload = protocol.encode_submission(
            protocol.Submission(actor=None, origin=None, command=command)
        )
        ttl = log_ttl_seconds(ends_at_ms, self.settings.room_retention_seconds)
        await self.append(meeting_id, payload, ttl)

    async def submit(
        self,
        replica: Replica,
        actor: str | None,
        command: protocol.Command,
        connection: Connection | None = None,
        last_seq: int = 0,
        *,
        joining: bool = False,
        request_id: str | None = None,
        admitted_at: int | None = None,
    ) -> protocol.Outcome:
        """Appends a command and waits for this worker's replica to apply it.

        A joining connection is attached when its join applies, unless `admitted_at`
        says which edit count its admission was decided on and an edit came first in
        the log: then it is left unattached, for the caller to decide again.
        Raises LogUnavailable when the log does not take it or deliver it in time.
        """
        origin = f"{self.worker_id}:{next(self._counter)}"
        future: asyncio.Future[protocol.Outcome] = asyncio.get_running_loop().create_future()
        self._pending[origin] = _Pending(
            future, connection, last_seq, joining, request_id, admitted_at
        )
        try:
            payload = replica.submission(actor, origin, command)
            entry = await self.append(replica.meeting_id, payload, replica.setup.ttl_seconds())
            if entry.seq > replica.applied_seq + 1:
                self.spawn(self._safe_resync(replica, "gap"), "resync")
            return await asyncio.wait_for(asyncio.shield(future), OUTCOME_TIMEOUT)
        except TimeoutError:
            raise LogUnavailable("the room log did not deliver the command in time") from None
        finally:
            self._pending.pop(origin, None)

    def _deliver(self, entry: LogEntry) -> None:
        replica = self.replicas.get(entry.room)
        if replica is None:
            return
        if entry.epoch != replica.epoch:
            self.spawn(self._safe_resync(replica, "epoch"), "resync epoch")
            return
        if entry.seq <= replica.applied_seq:
            return
        if entry.seq > replica.applied_seq + 1:
            self.spawn(self._safe_resync(replica, "gap"), "resync gap")
            return
        self._apply(replica, entry)

    def _apply(self, replica: Replica, entry: LogEntry) -> None:
        if entry.seq != replica.applied_seq + 1:
            return
        was_ended = replica.ended
        origin, outcome = replica.apply(entry)
        pending = self._pending.get(origin) if origin else None
        if pending is not None and not pending.future.done():
            conn = pending.connection
            if conn is not None and pending.joining:
                if pending.admitted_at in (None, replica.admission.changes):
                    replica.attach(conn, outcome, pending.last_seq)
            elif conn is not None:
                conn.send(frames.reply(outcome, pending.request_id))
            pending.future.set_result(outcome)
        replica.flush_closes()
        if replica.swept:
            swept, replica.swept = replica.swept, []
            for conn in swept:
                self.spawn(self._reclaim(replica, conn), "reclaim")
        if replica.ended:
            if not was_ended:
                self._offer_tally(replica)
            self.spawn(self._expire(replica.meeting_id), "expire")

    def _offer_tally(self, replica: Replica) -> None:
        if self.stats is not None:
            tally = replica.tally(now_ms())
            task = self.spawn(self._record(replica.setup.group_id, tally), "stats")
            self._records.add(task)
            task.add_done_callback(self._records.discard)

    async def _record(self, group_id: str, tally: MeetingTally) -> None:
        """Hands an ended room's figures to the sink, off the hub's path; a failure
        is logged by name only (the figures hold nothing worth a traceback)."""
        assert self.stats is not None
        try:
            await self.stats(group_id, tally)
        except Exception as exc:
            log.warning(
                "could not record the figures of %s: %s", tally.meeting_id, type(exc).__name__
            )

    async def _reclaim(self, replica: Replica, conn: Connection) -> None:
        """Takes back a live connection another worker swept: same participant, same
        place. Past the grace period it is gone, and the client is told to resume."""
        command = protocol.Resume(conn=conn.conn_id, token_hash=conn.token_hash)
        try:
            outcome = await self.submit(replica, None, command)
        except LogUnavailable:
            outcome = protocol.Err("unavailable", "")
        if isinstance(outcome, protocol.Err) and not conn.closed:
            conn.close(protocol.CloseCode.TRY_AGAIN, "resume")

    async def _expire(self, meeting_id: str) -> None:
        with contextlib.suppress(LogUnavailable):
            await self.log.expire(meeting_id, self.settings.room_retention_seconds)


def outcome_seq(outcome: protocol.Outcome) -> int | None:
    """The seq of the first event a command caused; None for a refusal or no event."""
    return outcome.seq if isinstance(outcome, protocol.Ok) else None
