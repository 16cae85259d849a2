"""What one worker counts for its operator, in Prometheus form (served at GET /metrics).

Each app has its own registry, never prometheus_client's global one: a test process
builds many apps, and a worker's figures are its own. Labels come from small fixed sets
only (an error code, a command type, a limit's name): a meeting, group, person or
address would make a series per value, and would put what Hearth keeps private into
whatever stores the metrics.

The fan-out counts once per event (the number of connections it queued the event to),
never once per connection; gauges of what the hub already holds (rooms, connections)
are read at scrape time instead of being kept up to date on every join and leave.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    ProcessCollector,
    disable_created_metrics,
)

from rooms import protocol

# Which limit refused something (docs/operations.md, "Limits and abuse").
LimitName = Literal[
    "command_rate",  # over HEARTH_RATE_LIMIT_COMMANDS: the command is refused
    "command_flood",  # far over it: the connection is closed (4429)
    "hello_retries",  # too many hellos on one connection
    "address_joins",  # HEARTH_JOINS_PER_ADDRESS_PER_MINUTE
    "address_seats",  # HEARTH_MAX_SEATS_PER_ADDRESS
    "address_connections",  # HEARTH_MAX_CONNECTIONS_PER_ADDRESS (HTTP 429)
    "server_connections",  # HEARTH_MAX_CONNECTIONS (HTTP 503)
    "login_address",  # HEARTH_LOGIN_FAILURES_ALLOWED (HTTP 429)
    "login_account",  # HEARTH_LOGIN_FAILURES_PER_ACCOUNT (HTTP 429)
]
Resync = Literal["gap", "epoch", "reconnect"]

# Room-log appends take well under a millisecond in memory and a few on a nearby Redis;
# the hub gives up at 5 s (server/hub.py APPEND_TIMEOUT).
APPEND_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


class Metrics:
    def __init__(self) -> None:
        # No `_created` twin of every counter: Prometheus does not need it, and it
        # doubles what each scrape carries (a process-wide switch, the same for all apps).
        disable_created_metrics()  # type: ignore[no-untyped-call]
        registry = CollectorRegistry()
        self.registry = registry
        ProcessCollector(registry=registry)
        self.worker = Info(
            "hearth_worker",
            "This worker's random id (a new one each start), as in its connection ids.",
            registry=registry,
        )
        self.connections = Gauge(
            "hearth_connections",
            "WebSocket connections open on this worker, joined or not.",
            registry=registry,
        )
        self.participants = Gauge(
            "hearth_participants_connected",
            "Joined connections in this worker's rooms (the lobby included).",
            registry=registry,
        )
        self.rooms = Gauge(
            "hearth_rooms", "Rooms this worker holds a replica of.", registry=registry
        )
        self.joins = Counter(
            "hearth_joins",
            "Hellos that got a place in a room (kind: join for newcomers, resume for returns).",
            ["kind"],
            registry=registry,
        )
        self.refusals = Counter(
            "hearth_join_refusals",
            "Hellos refused, by the error code the client was sent.",
            ["code"],
            registry=registry,
        )
        self.commands = Counter(
            "hearth_commands",
            "Commands from joined clients, by frame type.",
            ["type"],
            registry=registry,
        )
        self.deliveries = Counter(
            "hearth_deliveries",
            "Room events queued to connections (one per event per recipient).",
            registry=registry,
        )
        self.slow_consumer_closes = Counter(
            "hearth_slow_consumer_closes",
            "Connections closed because their send queue was full (the client stopped reading).",
            registry=registry,
        )
        self.rate_limited = Counter(
            "hearth_rate_limited",
            "Requests refused by a rate or address limit, by limit.",
            ["limit"],
            registry=registry,
        )
        self.append_seconds = Histogram(
            "hearth_log_append_seconds",
            "Time to append one entry to the room log, answered appends only.",
            buckets=APPEND_BUCKETS,
            registry=registry,
        )
        self.append_failures = Counter(
            "hearth_log_append_failures",
            "Room-log appends that failed or timed out.",
            registry=registry,
        )
        self.resyncs = Counter(
            "hearth_resyncs",
            "Room replicas caught up from the log's history, by cause.",
            ["reason"],
            registry=registry,
        )
        self.histories_lost = Counter(
            "hearth_histories_lost",
            "Rooms whose log history was lost (a new epoch): everyone was rejoined.",
            registry=registry,
        )
        # Children made up front: an expression on a label that was never used would
        # otherwise find no series at all, and each hot call skips the label lookup.
        self.refusal_by_code = {c: self.refusals.labels(c) for c in protocol.ERROR_CODES}
        self.command_by_type = {t: self.commands.labels(t) for t in protocol.COMMAND_TYPES}
        self.limit_hits = {name: self.rate_limited.labels(name) for name in _names(LimitName)}
        self.resync_by_reason = {r: self.resyncs.labels(r) for r in _names(Resync)}
        self.join_by_kind = {k: self.joins.labels(k) for k in ("join", "resume")}

    def watch(
        self,
        *,
        rooms: Callable[[], float] | None = None,
        participants: Callable[[], float] | None = None,
        connections: Callable[[], float] | None = None,
    ) -> None:
        """Reads these gauges from their owner's state at each scrape."""
        if rooms is not None:
            self.rooms.set_function(rooms)
        if participants is not None:
            self.participants.set_function(participants)
        if connections is not None:
            self.connections.set_function(connections)

    def identify(self, worker_id: str) -> None:
        self.worker.info({"worker": worker_id})

    def refused(self, code: protocol.ErrorCode) -> None:
        self.refusal_by_code[code].inc()

    def command(self, frame: protocol.ClientFrame) -> None:
        child = self.command_by_type.get(str(frame.__struct_config__.tag))
        if child is not None:
            child.inc()

    def limited(self, limit: LimitName) -> None:
        self.limit_hits[limit].inc()

    def resynced(self, reason: Resync) -> None:
        self.resync_by_reason[reason].inc()


def _names(literal: object) -> tuple[str, ...]:
    return tuple(str(name) for name in get_args(literal))
