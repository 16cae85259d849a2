"""A worker's replica of one room: the pure state, its event history and local connections.

Only this module applies log entries to the room core (rooms/): it encodes each
event once, hands the same frame to every local connection allowed to see it, and
carries out the effects the core decided (a welcome after the lobby, a close after
a removal). It reads no event bodies to decide anything itself.
"""

from __future__ import annotations

import asyncio
import bisect
import dataclasses
import logging
from dataclasses import dataclass

import msgspec
from prometheus_client import Counter

from rooms import messages, protocol, reducer, state, views
from rooms.reducer import Closing, Effect, Forget, Greet
from rooms.tally import MeetingTally, meeting_tally
from server import frames
from server.admission_watch import AdmissionWatch
from server.connection import Connection
from server.log.base import LogEntry
from server.room_setup import RoomSetup
from server.wire import Text

log = logging.getLogger("hearth.room")

MAX_EVENT_HISTORY = 20_000


@dataclass(frozen=True, slots=True)
class _Sent:
    event: state.Event
    frame: Text


class Replica:
    def __init__(self, setup: RoomSetup, deliveries: Counter | None = None) -> None:
        self.setup = setup
        self.deliveries = deliveries  # hearth_deliveries_total: one add per event
        self.meeting_id = setup.meeting_id
        self.room = state.Room.empty(setup.meeting_id)
        self.epoch: str | None = None
        self.applied_seq = 0
        self.ready = False
        self.connections: dict[str, Connection] = {}
        self.events: list[_Sent] = []
        self.changed = asyncio.Event()  # set after every entry: the timers look again
        self._opened = asyncio.Event()
        self._closes: list[tuple[Connection, protocol.CloseCode, str]] = []
        self.swept: list[Connection] = []  # live here, marked dropped by another worker
        self.resyncing = False
        self.resync_again = False
        self.admission = AdmissionWatch()

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
        """Raises TimeoutError; a cancellation always propagates (see Hub._run_timers)."""
        async with asyncio.timeout(timeout):
            await self._opened.wait()

    def tally(self, now_ms: int) -> MeetingTally:
        return meeting_tally(self.room, now_ms)

    def next_deadline_ms(self) -> int | None:
        return reducer.next_deadline_ms(self.room)

    def due_commands(self, now_ms: int) -> list[protocol.Command]:
        return reducer.due_actions(self.room, now_ms)

    # Building log payloads ------------------------------------------------

    def open_submission(self) -> bytes:
        return self.submission(None, None, self.setup.open_command())

    def submission(self, actor: str | None, origin: str | None, command: protocol.Command) -> bytes:
        """The log entry; a `say` with the group's words already masked, so that what
        was masked never reaches the room log either."""
        listed = self.setup.config.masked_words
        if isinstance(command, protocol.Say) and listed:
            text, masked = messages.mask(command.text, listed)
            command = protocol.Say(text=text, id=command.id, masked=masked)
        return protocol.encode_submission(
            protocol.Submission(actor=actor, origin=origin, command=command)
        )

    # Applying entries -----------------------------------------------------

    def apply(self, entry: LogEntry) -> tuple[str | None, protocol.Outcome]:
        """Applies one entry in seq order; returns its origin and outcome."""
        self.applied_seq = entry.seq
        try:
            submission = protocol.decode_submission(entry.payload)
        except (msgspec.DecodeError, msgspec.ValidationError):
            log.error("undecodable log entry %s in %s", entry.seq, self.meeting_id)
            return None, protocol.Err("bad_request", "undecodable")
        device = self.admission.target_device(self.room, submission.command)
        result = reducer.apply(self.room, submission, entry.at_ms)
        self.admission.observe(submission.command, result.outcome, device, entry.at_ms, self.ended)
        if isinstance(submission.command, protocol.Disconnect):
            self._note_sweep(submission.command)
        elif isinstance(submission.command, protocol.Promote | protocol.Demote):
            self._note_role(submission.command.participant_id)
        elif self.room.config is not None and self.room.config is not self.setup.config:
            # An organiser's edit (reconfigure): masking, the log's expiry and a reopening
            # after lost history follow the room's config as it is now.
            self.setup = dataclasses.replace(self.setup, config=self.room.config)
        effects = list(result.effects)
        for event in result.events:
            self._fan_out(event)
            while effects and effects[0].after_seq <= event.seq:
                self._carry_out(effects.pop(0))
        for effect in effects:
            self._carry_out(effect)
        if self.opened:
            self._opened.set()
        self.changed.set()
        if submission.actor is not None and not self.opened:
            # A participant's command landed in a log that lost the room's history.
            return submission.origin, protocol.Err("unavailable", "The room is being restored.")
        return submission.origin, result.outcome

    def _note_sweep(self, command: protocol.Disconnect) -> None:
        """Another worker took this one for dead (it was stopped, or cut off from Redis)
        and dropped a connection that is in fact still open here: the hub reclaims it."""
        conn = self.connections.get(command.conn)
        if conn is not None and not conn.closed and conn.participant_id == command.participant_id:
            self.swept.append(conn)

    def _note_role(self, participant_id: str) -> None:
        """A co-host made or unmade: what this worker's connections remember of them
        (a rejoin after the log lost the room's history comes back in that role)."""
        person = self.room.participants.get(participant_id)
        if person is None:
            return
        for conn in self._local(participant_id):
            conn.role = person.role

    def _fan_out(self, event: state.Event) -> None:
        frame = Text.from_utf8(protocol.encode_event(event))
        self.events.append(_Sent(event, frame))
        if len(self.events) > MAX_EVENT_HISTORY:
            del self.events[: len(self.events) - MAX_EVENT_HISTORY]
        sent = 0
        for conn in list(self.connections.values()):
            pid = conn.participant_id
            if (
                pid is not None
                and event.seq > conn.last_seq
                and views.can_see(self.room, event, pid)
            ):
                sent += conn.send(frame)
        if sent and self.deliveries is not None:
            self.deliveries.inc(sent)

    def _carry_out(self, effect: Effect) -> None:
        if isinstance(effect, Forget):
            at = bisect.bisect_left(self.events, effect.seq, key=lambda sent: sent.event.seq)
            if at < len(self.events) and self.events[at].event.seq == effect.seq:
                del self.events[at]
            return
        if isinstance(effect, Greet):
            for conn in self._local(effect.participant_id):
                conn.waiting = False
                conn.send(self.welcome(conn, 0))
                conn.last_seq = views.last_event_seq(self.room)
            return
        self._close(effect)

    def _close(self, closing: Closing) -> None:
        for conn in self._local(closing.participant_id):
            if closing.error is not None:
                conn.send(frames.refusal(closing.error))
            self._closes.append((conn, closing.code, closing.reason))
            if closing.participant_id is not None:
                self.connections.pop(conn.conn_id, None)

    def _local(self, participant_id: str | None) -> list[Connection]:
        """This worker's connections of one participant (of everyone's, for None)."""
        return [
            conn
            for conn in self.connections.values()
            if conn.participant_id is not None
            and (participant_id is None or conn.participant_id == participant_id)
        ]

    def flush_closes(self) -> None:
        """Closes what the last entry ended, after its submitter got its ack."""
        closes, self._closes = self._closes, []
        for conn, code, reason in closes:
            conn.close(code, reason)

    # Local connections ----------------------------------------------------

    def attach(self, conn: Connection, outcome: protocol.Outcome, last_seq: int) -> None:
        """Attaches a joining connection at the exact point its join was applied.

        Called synchronously from apply's caller, so no event can fall between the
        welcome (with its seq) and the live events that follow it.
        """
        if not isinstance(outcome, protocol.Ok) or outcome.participant_id is None:
            return
        conn.participant_id = outcome.participant_id
        conn.waiting = outcome.waiting
        person = self.room.participants[outcome.participant_id]
        conn.pseudonym, conn.role, conn.token_hash, conn.device_hash = (
            person.pseudonym,
            person.role,
            person.token_hash,
            person.device_hash,
        )
        self.connections[conn.conn_id] = conn
        if outcome.waiting:
            conn.send(frames.waiting(self.room, outcome.participant_id, conn.resume_token))
            return
        missed: list[str | Text] = [
            sent.frame
            for sent in self.events
            if last_seq
            and sent.event.seq > last_seq
            and views.can_replay(self.room, sent.event, outcome.participant_id)
        ]
        conn.send_batch([self.welcome(conn, last_seq), *missed])
        conn.last_seq = views.last_event_seq(self.room)

    def detach(self, conn: Connection) -> None:
        if self.connections.get(conn.conn_id) is conn:
            del self.connections[conn.conn_id]

    def welcome(self, conn: Connection, last_seq: int) -> str:
        assert conn.participant_id is not None
        return frames.welcome(
            self.room,
            conn.participant_id,
            conn.resume_token,
            resumed=bool(last_seq),
            history=not last_seq and self.setup.config.late_joiners_see_history,
        )

    def local_answer(self, pid: str | None, frame: protocol.ClientFrame, now_ms: int) -> str | None:
        """Answers from the replica what needs no log entry: stats, obvious refusals."""
        if isinstance(frame, protocol.Stats):
            if pid is None or not views.is_facilitator(self.room, pid):
                return frames.error("not_allowed", "Only facilitators see statistics.", frame.id)
            return frames.stats(self.room, frame.id, now_ms)
        if isinstance(frame, protocol.Say) and pid is not None:
            # Before masking, which could break a link up ("•••.com").
            person = self.room.participants.get(pid)
            config = self.setup.config
            if person is not None and messages.refuses_link(config, person, frame.text):
                return frames.error("links_not_allowed", messages.LINKS_REFUSED, frame.id)
        return None

    def history_lost(self) -> list[Connection]:
        """The log lost this room's history: start over, and tell everyone here.

        Returns the connections to rejoin, each remembering whether it waited in the
        lobby and was muted; each gets a fresh welcome (or `waiting`) when it is back.
        """
        connections = [c for c in self.connections.values() if not c.closed]
        for conn in connections:
            conn.send(frames.history_lost())
            person = self.room.participants.get(conn.participant_id or "")
            if person is not None:  # what this worker last knew: the rejoin keeps it
                conn.waiting = person.status == "waiting"
                conn.muted = person.muted
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
