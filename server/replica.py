"""A worker's replica of one room: the pure state, its event history and local connections.

Only this module talks to the room core (rooms/): it applies log entries with the
reducer, encodes each event once, and hands the same frame to every local
connection allowed to see it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rooms import protocol, reducer, state, views
from server.connection import Connection
from server.log.base import LogEntry, LogUnavailable
from server.meeting_setup import RoomSetup

if TYPE_CHECKING:
    from server.hub import Hub

log = logging.getLogger("hearth.room")

MAX_EVENT_HISTORY = 20_000
CLOSE_REMOVED = 4403
CLOSE_ENDED = 1000
CLOSE_HISTORY_LOST = 4410


@dataclass(frozen=True, slots=True)
class Outcome:
    """A command's result as the submitting connection reports it."""

    ok: bool
    code: str = ""
    message: str = ""
    seq: int | None = None
    participant_id: str | None = None
    waiting: bool = False


@dataclass(frozen=True, slots=True)
class _Sent:
    event: Any
    frame: str


class Replica:
    def __init__(self, hub: Hub, setup: RoomSetup) -> None:
        self.hub = hub
        self.setup = setup
        self.meeting_id = setup.meeting_id
        self.room = state.Room.empty(setup.meeting_id)
        self.epoch: str | None = None
        self.applied_seq = 0
        self.ready = False
        self.connections: dict[str, Connection] = {}
        self.events: list[_Sent] = []
        self._opened = asyncio.Event()
        self._changed = asyncio.Event()
        self._timer: asyncio.Task[None] | None = None
        self._release: asyncio.Task[Any] | None = None
        self._closes: list[tuple[Connection, int, str]] = []
        self.resyncing = False
        self.resync_again = False

    # Properties of the room -----------------------------------------------

    @property
    def opened(self) -> bool:
        return views.is_open(self.room)

    @property
    def ended(self) -> bool:
        return views.is_ended(self.room)

    def is_member(self, participant_id: str) -> bool:
        return views.is_member(self.room, participant_id)

    async def wait_opened(self, timeout: float) -> None:
        await asyncio.wait_for(self._opened.wait(), timeout)

    # Building log payloads ------------------------------------------------

    def open_submission(self) -> bytes:
        return protocol.encode_submission(
            protocol.Submission(actor=None, origin=None, command=self.setup.open_command())
        )

    def submission(self, actor: str | None, origin: str, command: Any) -> bytes:
        return protocol.encode_submission(
            protocol.Submission(actor=actor, origin=origin, command=command)
        )

    # Applying entries -----------------------------------------------------

    def apply(self, entry: LogEntry) -> tuple[str | None, Outcome]:
        """Applies one entry in seq order; returns its origin and outcome."""
        self.applied_seq = entry.seq
        try:
            submission = protocol.decode_submission(entry.payload)
        except Exception:
            log.error("undecodable log entry %s in %s", entry.seq, self.meeting_id)
            return None, Outcome(False, "bad_request", "undecodable")
        result = reducer.apply(self.room, submission, entry.at_ms)
        for event in result.events:
            self._fan_out(event)
        if self.opened:
            self._opened.set()
        self._changed.set()
        if submission.actor is not None and not self.opened:
            # A participant's command landed in a log that lost the room's history.
            return submission.origin, Outcome(False, "unavailable", "The room is being restored.")
        return submission.origin, self._outcome(result.outcome)

    @staticmethod
    def _outcome(outcome: Any) -> Outcome:
        if isinstance(outcome, protocol.Err):
            return Outcome(False, outcome.code, outcome.message)
        return Outcome(
            True,
            seq=outcome.seq,
            participant_id=outcome.participant_id,
            waiting=outcome.waiting,
        )

    def _fan_out(self, event: Any) -> None:
        frame = protocol.encode_event(event).decode()
        self.events.append(_Sent(event, frame))
        if len(self.events) > MAX_EVENT_HISTORY:
            del self.events[: len(self.events) - MAX_EVENT_HISTORY]
        kind = event.type
        for conn in list(self.connections.values()):
            pid = conn.participant_id
            if pid is None:
                continue
            if event.seq > conn.last_seq and views.can_see(self.room, event, pid):
                conn.send(frame)
            if kind == "admitted" and event.body.get("participant_id") == pid:
                conn.waiting = False
                conn.send(self.welcome(conn, 0))
                conn.last_seq = views.last_event_seq(self.room)  # its own `joined` is in it
            elif kind == "denied" and event.body.get("participant_id") == pid:
                conn.send(_error("denied", "A facilitator did not admit you."))
                self._closes.append((conn, CLOSE_REMOVED, "denied"))
                self.connections.pop(conn.conn_id, None)
            elif kind == "left" and event.body.get("participant_id") == pid:
                if event.body.get("reason") == "removed":
                    conn.send(_error("removed", "A facilitator removed you from this meeting."))
                    self._closes.append((conn, CLOSE_REMOVED, "removed"))
                else:
                    self._closes.append((conn, CLOSE_ENDED, "left"))
                self.connections.pop(conn.conn_id, None)
            elif kind == "meeting_ended":
                self._closes.append((conn, CLOSE_ENDED, "meeting ended"))

    def flush_closes(self) -> None:
        """Closes what the last entry ended, after its submitter got its ack."""
        closes, self._closes = self._closes, []
        for conn, code, reason in closes:
            conn.close(code, reason)

    # Local connections ----------------------------------------------------

    def attach(self, conn: Connection, outcome: Outcome, last_seq: int) -> None:
        """Attaches a joining connection at the exact point its join was applied.

        Called synchronously from apply's caller, so no event can fall between the
        welcome (with its seq) and the live events that follow it.
        """
        if not outcome.ok or outcome.participant_id is None:
            return
        if self._release is not None:
            self._release.cancel()
            self._release = None
        conn.participant_id = outcome.participant_id
        conn.waiting = outcome.waiting
        person = self.room.participants[outcome.participant_id]
        conn.pseudonym, conn.role, conn.token_hash = (
            person.pseudonym,
            person.role,
            person.token_hash,
        )
        self.connections[conn.conn_id] = conn
        if outcome.waiting:
            conn.send(self.waiting_frame(conn))
            return
        missed = [
            sent.frame
            for sent in self.events
            if last_seq
            and sent.event.seq > last_seq
            and views.can_see(self.room, sent.event, outcome.participant_id)
        ]
        conn.send_batch([self.welcome(conn, last_seq), *missed])
        conn.last_seq = views.last_event_seq(self.room)

    def detach(self, conn: Connection) -> None:
        if self.connections.get(conn.conn_id) is conn:
            del self.connections[conn.conn_id]

    def waiting_frame(self, conn: Connection) -> str:
        assert conn.participant_id is not None
        return protocol.encode_server_message(
            {
                "type": "waiting",
                "protocol": 1,
                "you": views.you(self.room, conn.participant_id),
                "resume_token": conn.resume_token,
                "meeting": views.meeting_view(self.room),
            }
        )

    def welcome(self, conn: Connection, last_seq: int) -> str:
        pid = conn.participant_id
        assert pid is not None
        recent: list[Any] = []
        if not last_seq and self.setup.config.late_joiners_see_history:
            recent = views.recent_messages(self.room)
        return protocol.encode_server_message(
            {
                "type": "welcome",
                "protocol": 1,
                "you": views.you(self.room, pid),
                "resume_token": conn.resume_token,
                "meeting": views.meeting_view(self.room),
                "state": views.snapshot(self.room, pid),
                "seq": views.last_event_seq(self.room),
                "recent": recent,
                "resumed": bool(last_seq),
            }
        )

    def local_answer(self, pid: str | None, frame: Any, now_ms: int) -> str | None:
        """Answers from the replica what needs no log entry: stats, obvious refusals."""
        request_id = getattr(frame, "id", None)
        if isinstance(frame, protocol.Stats):
            if pid is None or not views.is_facilitator(self.room, pid):
                return _error("not_allowed", "Only facilitators see statistics.", request_id)
            return protocol.encode_server_message(
                {
                    "type": "stats",
                    "id": request_id,
                    "speakers": views.speaker_stats(self.room, now_ms),
                }
            )
        return None

    # Timers ---------------------------------------------------------------

    def start_timers(self) -> None:
        if self._timer is None:
            self._timer = asyncio.create_task(self._run_timers(), name=f"timers {self.meeting_id}")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def schedule_release(self, task: asyncio.Task[Any]) -> None:
        if self._release is not None:
            self._release.cancel()
        self._release = task

    async def _run_timers(self) -> None:
        """Appends the due timer entries (share expiry, grace timeouts, the scheduled end).

        Every worker holding the room does this; the reducer ignores the duplicates.
        """
        while True:
            self._changed.clear()
            deadline = reducer.next_deadline_ms(self.room)
            now = time.time() * 1000
            if deadline is None:
                await self._changed.wait()
                continue
            if deadline > now:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), (deadline - now) / 1000)
                continue
            progressed = False
            for command in reducer.due_actions(self.room, int(now)):
                try:
                    outcome = await self.hub.submit(self, None, command)
                    progressed = progressed or outcome.seq is not None
                except LogUnavailable:
                    await asyncio.sleep(1)
            # Nothing happened: this worker's clock runs ahead of the log's. Back off.
            await asyncio.sleep(0.05 if progressed else 0.5)

    def history_lost(self) -> list[Connection]:
        """The log lost this room's history: start over, and tell everyone here.

        Returns the connections to rejoin; each gets a fresh welcome when it is back.
        """
        connections = [c for c in self.connections.values() if not c.closed]
        for conn in connections:
            conn.send(protocol.encode_server_message({"type": "history_lost"}))
            conn.participant_id = None
            conn.last_seq = 0
        self.connections.clear()
        self.room = state.Room.empty(self.meeting_id)
        self.events.clear()
        self.applied_seq = 0
        self._opened.clear()
        return connections

    def foreign_connections(self, worker_id: str) -> list[tuple[str, str, str]]:
        """(worker, participant, conn) for people connected through other workers."""
        out = []
        for person in self.room.participants.values():
            if person.status == "gone" or person.disconnected_at_ms is not None:
                continue
            worker = person.conn.split(".", 1)[0]
            if worker != worker_id:
                out.append((worker, person.id, person.conn))
        return out


def reply_frame(outcome: Outcome, request_id: str | None) -> str:
    if outcome.ok:
        return protocol.encode_server_message({"type": "ack", "id": request_id, "seq": outcome.seq})
    return _error(outcome.code, outcome.message, request_id)


def _error(code: str, message: str, request_id: str | None = None) -> str:
    return protocol.encode_server_message(
        {"type": "error", "id": request_id, "code": code, "message": message}
    )
