"""Per worker: room replicas, local connections per room, and the fan-out.

Every command goes through the room log; every worker holding a connection in a
room applies the log's entries to its own replica, in seq order, with the pure
reducer, and sends the resulting events to its own connections. The worker that
appended a command also resolves the command's ack or error from the outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rooms import protocol
from server.connection import Connection
from server.log.base import LogEntry, LogUnavailable, RoomLog
from server.meeting_setup import RoomSetup, log_ttl_seconds
from server.replica import CLOSE_HISTORY_LOST, Outcome, Replica, reply_frame

if TYPE_CHECKING:
    from server.context import AppContext

log = logging.getLogger("hearth.hub")

APPEND_TIMEOUT = 5.0
OUTCOME_TIMEOUT = 10.0
HEARTBEAT_SECONDS = 3.0
HEARTBEAT_TTL = 10


@dataclass(slots=True)
class _Pending:
    """A command this worker appended, waiting for its own replica to apply it.

    `joining` connections are attached at that moment; others get their ack or
    error at that moment, so it is ordered right after the command's own events.
    """

    future: asyncio.Future[Outcome]
    connection: Connection | None
    last_seq: int
    joining: bool
    request_id: str | None


class Hub:
    def __init__(self, context: AppContext, room_log: RoomLog) -> None:
        self.context = context
        self.settings = context.settings
        self.log = room_log
        self.worker_id = secrets.token_hex(4)
        self.replicas: dict[str, Replica] = {}
        self._opening: dict[str, asyncio.Task[Replica]] = {}
        self._pending: dict[str, _Pending] = {}
        self._counter = itertools.count(1)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False

    @classmethod
    async def start(cls, context: AppContext) -> Hub:
        settings = context.settings
        room_log: RoomLog
        if settings.redis_url:
            from server.log.redis import RedisRoomLog

            room_log = RedisRoomLog(settings.redis_url)
        else:
            from server.log.memory import MemoryRoomLog

            room_log = MemoryRoomLog()
        hub = cls(context, room_log)
        reconnect_hooks = getattr(room_log, "on_reconnect", None)
        if reconnect_hooks is not None:
            reconnect_hooks.append(hub._resync_all)
        await room_log.start(hub._deliver)
        hub.spawn(hub._heartbeat(), "heartbeat")
        return hub

    async def stop(self) -> None:
        self._closing = True
        for replica in list(self.replicas.values()):
            replica.stop()
            for conn in list(replica.connections.values()):
                conn.close(1012, "server restarting")
                with contextlib.suppress(Exception):
                    await conn.finish()
        for task in list(self._tasks):
            task.cancel()
        await self.log.close()

    async def readiness(self) -> str:
        try:
            await asyncio.wait_for(self.log.ping(), 2)
        except Exception as exc:
            return f"unavailable: {type(exc).__name__}"
        return "ok"

    def new_conn_id(self) -> str:
        return f"{self.worker_id}.{next(self._counter)}"

    def spawn(self, coro: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # Rooms -----------------------------------------------------------------

    async def room(self, setup: RoomSetup) -> Replica:
        """The replica of a meeting's room, subscribed, caught up and opened."""
        replica = self.replicas.get(setup.meeting_id)
        if replica is not None and replica.ready:
            return replica
        task = self._opening.get(setup.meeting_id)
        if task is None:
            task = asyncio.create_task(self._open(setup))
            self._opening[setup.meeting_id] = task
            task.add_done_callback(lambda _t: self._opening.pop(setup.meeting_id, None))
        return await asyncio.shield(task)

    async def _open(self, setup: RoomSetup) -> Replica:
        meeting_id = setup.meeting_id
        replica = self.replicas.get(meeting_id)
        if replica is None:
            replica = Replica(self, setup)
            self.replicas[meeting_id] = replica
        await self.log.subscribe(meeting_id)
        await self.resync(replica)
        if not replica.opened:
            await self.append(meeting_id, replica.open_submission(), setup.ttl_seconds())
            await replica.wait_opened(OUTCOME_TIMEOUT)
        replica.ready = True
        replica.start_timers()
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
                if not outcome.ok:
                    conn.close(CLOSE_HISTORY_LOST, "history lost")
        except (LogUnavailable, TimeoutError):
            for conn in connections:
                conn.close(CLOSE_HISTORY_LOST, "history lost")

    def _resync_all(self) -> None:
        for replica in list(self.replicas.values()):
            self.spawn(self._safe_resync(replica), f"resync {replica.meeting_id}")

    async def _safe_resync(self, replica: Replica) -> None:
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

    def release(self, replica: Replica) -> None:
        """Forgets a room once no local connection needs it (after a grace period)."""
        if replica.connections or self._closing:
            return

        async def later() -> None:
            await asyncio.sleep(self.settings.resume_grace_seconds + 5)
            if not replica.connections and self.replicas.get(replica.meeting_id) is replica:
                replica.stop()
                del self.replicas[replica.meeting_id]
                with contextlib.suppress(LogUnavailable):
                    await self.log.unsubscribe(replica.meeting_id)

        replica.schedule_release(self.spawn(later(), f"release {replica.meeting_id}"))

    # Log -------------------------------------------------------------------

    async def append(self, meeting_id: str, payload: bytes, ttl: int) -> LogEntry:
        try:
            return await asyncio.wait_for(self.log.append(meeting_id, payload, ttl), APPEND_TIMEOUT)
        except TimeoutError:
            raise LogUnavailable("the room log did not answer in time") from None

    async def tell_room(self, meeting_id: str, command: Any, ends_at_ms: int) -> None:
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
        command: Any,
        connection: Connection | None = None,
        last_seq: int = 0,
        *,
        joining: bool = False,
        request_id: str | None = None,
    ) -> Outcome:
        """Appends a command and waits for this worker's replica to apply it."""
        origin = f"{self.worker_id}:{next(self._counter)}"
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._pending[origin] = _Pending(future, connection, last_seq, joining, request_id)
        try:
            payload = replica.submission(actor, origin, command)
            entry = await self.append(replica.meeting_id, payload, replica.setup.ttl_seconds())
            if entry.seq > replica.applied_seq + 1:
                self.spawn(self._safe_resync(replica), "resync")
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
            self.spawn(self._safe_resync(replica), "resync epoch")
            return
        if entry.seq <= replica.applied_seq:
            return
        if entry.seq > replica.applied_seq + 1:
            self.spawn(self._safe_resync(replica), "resync gap")
            return
        self._apply(replica, entry)

    def _apply(self, replica: Replica, entry: LogEntry) -> None:
        if entry.seq != replica.applied_seq + 1:
            return
        origin, outcome = replica.apply(entry)
        pending = self._pending.get(origin) if origin else None
        if pending is not None and not pending.future.done():
            conn = pending.connection
            if conn is not None and pending.joining:
                replica.attach(conn, outcome, pending.last_seq)
            elif conn is not None:
                conn.send(reply_frame(outcome, pending.request_id))
            pending.future.set_result(outcome)
        replica.flush_closes()
        if replica.ended:
            self.spawn(self._expire(replica.meeting_id), "expire")

    async def _expire(self, meeting_id: str) -> None:
        with contextlib.suppress(LogUnavailable):
            await self.log.expire(meeting_id, self.settings.room_retention_seconds)

    @staticmethod
    def now_ms() -> int:
        return int(time.time() * 1000)
