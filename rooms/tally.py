"""What a meeting leaves behind for its organisers: counts, never people.

The room keeps the running figures as it goes (`let_in`, called wherever someone's
status becomes "in"); `meeting_tally` reads them once the meeting is over. Nothing
here names anyone, quotes anything or says who chose what in a poll: a tally is what
the database may keep of a meeting, and it must be the same on every worker, so time
comes in as an argument and the room's own log times are used wherever it has them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rooms.agenda import minutes_per_segment
from rooms.state import Participant, Room

# Past this many distinct browsers a room stops remembering them, and someone who
# leaves and comes back counts again: a stream of fresh devices must not grow the room.
MAX_ATTENDED_DEVICES = 500


@dataclass(frozen=True, slots=True)
class SegmentMinutes:
    title: str
    minutes: int


@dataclass(frozen=True, slots=True)
class MeetingTally:
    meeting_id: str
    starts_at_ms: int
    ended_at_ms: int
    peak_present: int
    attended: int
    let_in: int
    shares: int
    polls: int
    format_name: str | None
    segments: tuple[SegmentMinutes, ...]
    # The room's event seq the figures are as of, and whether the room had ended: a
    # room everyone left is tallied as it stands, and a later tally replaces it.
    seq: int = 0
    final: bool = True


def let_in(room: Room, person: Participant, from_lobby: bool) -> None:
    """Counts someone now in the room: once per participant (a resume is the same one),
    once per browser that leaves and comes back (two tabs in at once are two, so that
    the most in at once never exceeds those who attended), and the most in at once."""
    if from_lobby:
        room.counter_let_in += 1
    device = person.device_hash
    back = (
        device is not None
        and device in room.attended_devices
        and not any(x.device_hash == device and x.id != person.id for x in room.present())
    )
    if not back:
        room.counter_attended += 1
        if device is not None and len(room.attended_devices) < MAX_ATTENDED_DEVICES:
            room.attended_devices.add(device)
    room.peak_present = max(room.peak_present, len(room.present()))


def meeting_tally(room: Room, now_ms: int) -> MeetingTally:
    """The figures as of the end, or as of `now_ms` while the room may still run (its
    last person left this worker; they may come back before the scheduled end)."""
    config = room.config
    assert config is not None, "a room is tallied after it opened"
    until = room.ended_at_ms if room.ended_at_ms is not None else now_ms
    minutes = minutes_per_segment(room, until)
    segments = tuple(
        SegmentMinutes(segment.title, used)
        for segment, used in zip(config.agenda, minutes, strict=True)
    )
    return MeetingTally(
        meeting_id=room.meeting_id,
        starts_at_ms=config.starts_at_ms,
        ended_at_ms=until,
        peak_present=room.peak_present,
        attended=room.counter_attended,
        let_in=room.counter_let_in,
        shares=room.counter_turns,
        polls=room.counter_polls,
        format_name=config.format_name,
        segments=segments,
        seq=room.event_seq,
        final=room.ended_at_ms is not None,
    )
