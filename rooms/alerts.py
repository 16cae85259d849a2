"""The facilitators' shared alerts, and how often anyone may raise one.

Help requests, reports and knocks are room state (`Room.alerts`): open, claimed by
a facilitator, resolved. Every facilitator's `welcome.alerts` holds them; `alert`
and `alert_updated` events tell facilitators what changed. A resolved alert stays a
while (MAX_RESOLVED_ALERTS), then goes; so do the oldest beyond MAX_ALERTS.

Pure, like the reducer: every time is an entry's `at_ms` from the log, so every
worker refuses the same requests. Each `take_*` either returns a refusal (the
reducer answers `rate_limited` with it) or records the request and returns what
to tell the facilitators. Repeated reports of one message collapse into one alert
whose count goes up; a participant reporting the same message again changes nothing.
"""

from __future__ import annotations

from typing import Literal

from rooms import protocol as p
from rooms.config import RoomLimits
from rooms.entry import Ctx, Refused, limited
from rooms.state import (
    FACILITATORS,
    MAX_ALERTS,
    MAX_RESOLVED_ALERTS,
    Alert,
    AlertKind,
    Message,
    Participant,
    ReportAlert,
    Room,
)

MINUTE_MS = 60_000
MAX_REPORTED_MESSAGES = 2000  # as many as the room keeps messages
MAX_REPORTERS = 500  # per message; the count stops there
WHISPERS_PER_MINUTE = 10  # per attendee; facilitators are not limited beyond the frame rate


def _limits(room: Room) -> RoomLimits:
    assert room.config is not None
    return room.config.limits


def _within(times: list[int], at_ms: int, window_ms: int) -> list[int]:
    """The times in the window that ends at `at_ms`, in place (so the list stays short)."""
    times[:] = [t for t in times if 0 <= at_ms - t < window_ms]
    return times


def _room_has_room(room: Room, at_ms: int) -> bool:
    """Whether the facilitators may get one more alert this minute (help and reports)."""
    return len(_within(room.alert_times, at_ms, MINUTE_MS)) < _limits(room).room_alerts_per_minute


def take_hand(room: Room, person: Participant, at_ms: int) -> str | None:
    limit = _limits(room).hand_raises_per_minute
    raised = _within(person.hand_times, at_ms, MINUTE_MS)
    if len(raised) >= limit:
        return f"You can raise your hand {limit} times a minute; wait a little."
    raised.append(at_ms)
    return None


def take_help(room: Room, person: Participant, at_ms: int) -> str | None:
    seconds = _limits(room).help_interval_seconds
    last = person.help_at_ms
    if last is not None and 0 <= at_ms - last < seconds * 1000:
        return f"The facilitators have your request; you can ask again after {seconds} seconds."
    if not _room_has_room(room, at_ms):
        return "The facilitators have many requests right now; try again in a minute."
    person.help_at_ms = at_ms
    room.alert_times.append(at_ms)
    return None


Report = tuple[Literal["new", "update", "silent", "again"], ReportAlert | None]


def take_report(room: Room, person: Participant, message_id: str, at_ms: int) -> str | Report:
    """A refusal, or what this report does: a `new` alert, an `update` of an alert's
    count, a `silent` update (the room's alerts are spent this minute: the next update
    carries the count), or nothing `again` (this participant reported it already)."""
    alert = room.reports.get(message_id)
    if alert is not None and (
        person.id in alert.reporters or len(alert.reporters) >= MAX_REPORTERS
    ):
        return ("again", alert)
    limit = _limits(room).reports_per_minute
    reported = _within(person.report_times, at_ms, MINUTE_MS)
    if len(reported) >= limit:
        return f"You can send {limit} reports a minute; the facilitators have the others."
    room_ok = _room_has_room(room, at_ms)
    if alert is None and not room_ok:
        return "The facilitators have many reports right now; try again in a minute."
    reported.append(at_ms)
    if room_ok:
        room.alert_times.append(at_ms)
    if alert is None:
        alert = room.reports[message_id] = ReportAlert()
        if len(room.reports) > MAX_REPORTED_MESSAGES:
            del room.reports[next(iter(room.reports))]
        alert.reporters.add(person.id)
        return ("new", alert)
    alert.reporters.add(person.id)
    return ("update" if room_ok else "silent", alert)


def take_whisper(person: Participant, at_ms: int) -> str | None:
    if person.role == "facilitator":
        return None
    sent = _within(person.whisper_times, at_ms, MINUTE_MS)
    if len(sent) >= WHISPERS_PER_MINUTE:
        return f"You can send {WHISPERS_PER_MINUTE} private messages a minute; wait a little."
    sent.append(at_ms)
    return None


# The shared alerts ------------------------------------------------------------------


def raise_alert(
    ctx: Ctx,
    kind: AlertKind,
    participant_id: str,
    pseudonym: str,
    *,
    note: str = "",
    message_id: str | None = None,
    text: str | None = None,
    count: int = 1,
) -> Alert:
    """A new open alert, told to the facilitators (`alert`)."""
    room = ctx.room
    room.counter_alerts += 1
    alert = Alert(
        id=f"a{room.counter_alerts}",
        kind=kind,
        participant_id=participant_id,
        pseudonym=pseudonym,
        at_ms=ctx.at,
        note=note,
        message_id=message_id,
        text=text,
        count=count,
    )
    room.alerts[alert.id] = alert
    _bound(room)
    ctx.emit("alert", {"alert": alert.public()}, FACILITATORS)
    return alert


def updated(ctx: Ctx, alert: Alert) -> None:
    """What changed, without the reported text (it travelled once, in `alert`)."""
    body = {
        "alert_id": alert.id,
        "status": alert.status,
        "claimed_by": alert.claimed_by,
        "count": alert.count,
        "note": alert.note,
    }
    ctx.emit("alert_updated", body, FACILITATORS)


def _bound(room: Room) -> None:
    resolved = [a.id for a in room.alerts.values() if a.status == "resolved"]
    for alert_id in resolved[: max(0, len(resolved) - MAX_RESOLVED_ALERTS)]:
        del room.alerts[alert_id]
    while len(room.alerts) > MAX_ALERTS:
        oldest = next(
            (a.id for a in room.alerts.values() if a.status == "resolved"),
            next(iter(room.alerts)),
        )
        del room.alerts[oldest]


def open_alert_of(room: Room, kind: AlertKind, participant_id: str) -> Alert | None:
    """This participant's open or claimed alert of this kind (help, knock), if any."""
    for alert in room.alerts.values():
        if (
            alert.kind == kind
            and alert.participant_id == participant_id
            and alert.status != "resolved"
        ):
            return alert
    return None


def alert_of(room: Room, alert_id: str) -> Alert:
    alert = room.alerts.get(alert_id)
    if alert is None:
        raise Refused("no_such_alert", "No such alert (it may have been resolved long ago).")
    return alert


def claim(ctx: Ctx, person: Participant, alert_id: str) -> None:
    """A facilitator takes an alert on (or over from another); a resolved one stays."""
    alert = alert_of(ctx.room, alert_id)
    if alert.status == "resolved":
        raise Refused("not_allowed", "That alert is resolved already.")
    if alert.claimed_by == person.id:
        return
    alert.status = "claimed"
    alert.claimed_by = person.id
    updated(ctx, alert)


def resolve(ctx: Ctx, alert: Alert) -> None:
    if alert.status == "resolved":
        return
    alert.status = "resolved"
    updated(ctx, alert)
    _bound(ctx.room)


def resolve_knock(ctx: Ctx, participant_id: str) -> None:
    """Someone left the lobby (admitted, denied or gone): their knock is resolved."""
    alert = open_alert_of(ctx.room, "knock", participant_id)
    if alert is not None:
        resolve(ctx, alert)


# Raising them --------------------------------------------------------------------------


def ask_help(ctx: Ctx, person: Participant, command: p.Help) -> p.Ok:
    """The asker's confirmation is the command's ack; the alert goes to facilitators."""
    if person.role == "facilitator":
        raise Refused("not_allowed", "Help requests go to facilitators.")
    limited(take_help(ctx.room, person, ctx.at))
    # One open help alert per person: asking again while it is open updates its note.
    alert = open_alert_of(ctx.room, "help", person.id)
    if alert is None:
        raise_alert(ctx, "help", person.id, person.pseudonym, note=command.note)
    else:
        alert.note = command.note
        updated(ctx, alert)
    return p.Ok()


def report(ctx: Ctx, person: Participant, message: Message, command: p.Report) -> p.Ok:
    """The first report of a message is one alert with its text; later ones (one per
    participant) only raise its count, so the text reaches the facilitators once."""
    taken = take_report(ctx.room, person, message.id, ctx.at)
    if isinstance(taken, str):
        raise Refused("rate_limited", taken)
    kind, reported = taken
    assert reported is not None
    if kind == "again":
        return p.Ok()
    shared = ctx.room.alerts.get(reported.alert_id)
    if shared is None:
        # The first report, or its alert was dropped long after it was resolved.
        shared = raise_alert(
            ctx,
            "report",
            message.participant_id,
            message.pseudonym,
            note=command.reason,
            message_id=message.id,
            text=message.text,
            count=len(reported.reporters),
        )
        reported.alert_id = shared.id
        return p.Ok()
    shared.count = len(reported.reporters)
    shared.note = command.reason
    reopened = shared.status == "resolved"
    if reopened:
        # Someone else reports it after it was dealt with: it is open again.
        shared.status = "open"
        shared.claimed_by = None
    if kind == "update" or reopened:
        updated(ctx, shared)
    return p.Ok()
