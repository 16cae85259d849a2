"""What a room's log says about admission, seen by the replica that applies it.

A worker's admission cache (server/admission_cache.py) holds what the database said
about a meeting and its group; it stays true only until an organiser edit reaches the
room. Every such edit goes through the room log, so every worker holding the room
notices it in log order here, and the cache entry taken before it is no longer used.

A removal is remembered as well: the removed browser's keep-out and the group's lobby
reach the database a moment later (server/audit.py), and until the reconfigure that
follows that write, this memory is what keeps the browser out on every worker.
"""

from __future__ import annotations

from rooms import protocol
from rooms.state import Participant, Room

# Commands after which what the database said about admission may be out of date.
_EDITS = (protocol.Reconfigure, protocol.SetResources, protocol.Close, protocol.Remove)


def removal_target(room: Room, command: protocol.Command) -> Participant | None:
    """The attendee `command` would remove, read before it applies (by the time it has,
    the removed person may be freed from the room); None for anything else."""
    if not isinstance(command, protocol.Remove):
        return None
    target = room.participants.get(command.participant_id)
    if target is None or target.role == "facilitator":
        return None
    return target


class AdmissionWatch:
    def __init__(self) -> None:
        self.changes = 0  # bumped by every edit: a cache entry is good for one value
        self.removed: dict[str, int] = {}  # device hash -> when (ms), since the last edit
        self.last_removal_ms: int | None = None
        self._ended = False

    @staticmethod
    def target_device(room: Room, command: protocol.Command) -> str | None:
        """The device of an attendee `command` would remove, read before it applies."""
        target = removal_target(room, command)
        return target.device_hash if target is not None else None

    def observe(
        self,
        command: protocol.Command,
        outcome: protocol.Outcome,
        device: str | None,
        at_ms: int,
        ended: bool,
    ) -> None:
        if isinstance(command, protocol.Reconfigure):
            # Sent after the database was written (server/api/live_rooms.py): from now
            # on the database knows every removal this room saw before.
            self.removed.clear()
            self.last_removal_ms = None
        if isinstance(command, protocol.Remove):
            if not isinstance(outcome, protocol.Ok):
                return
            self.last_removal_ms = at_ms
            if device is not None:
                self.removed[device] = at_ms
        if isinstance(command, _EDITS) or (ended and not self._ended):
            self.changes += 1
        self._ended = ended
