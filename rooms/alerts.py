"""How often anyone may alert the facilitators: help requests, reports, raised hands.

Pure, like the reducer: every time is an entry's `at_ms` from the log, so every
worker refuses the same requests. Each `take_*` either returns a refusal (the
reducer answers `rate_limited` with it) or records the request and returns what
to tell the facilitators. Repeated reports of one message collapse into one alert
whose count goes up; a participant reporting the same message again changes nothing.
"""

from __future__ import annotations

from typing import Literal

from rooms.protocol import RoomLimits
from rooms.state import Participant, ReportAlert, Room

MINUTE_MS = 60_000
MAX_REPORTED_MESSAGES = 2000  # as many as the room keeps messages
MAX_REPORTERS = 500  # per message; the count stops there


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
        room.counter_reports += 1
        alert = room.reports[message_id] = ReportAlert(f"r{room.counter_reports}")
        if len(room.reports) > MAX_REPORTED_MESSAGES:
            del room.reports[next(iter(room.reports))]
        alert.reporters.add(person.id)
        return ("new", alert)
    alert.reporters.add(person.id)
    return ("update" if room_ok else "silent", alert)
