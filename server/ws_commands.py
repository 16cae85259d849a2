"""A joined participant's side of the socket: reading frames, and carrying out each
command through the hub (server/ws.py runs the loop, the limits and the goodbye)."""

from __future__ import annotations

import asyncio

from starlette.websockets import WebSocket

from rooms import protocol
from server import frames
from server.admission_watch import removal_target
from server.audit import audit_row, record, record_removal
from server.clock import now_ms
from server.connection import Connection
from server.context import AppContext
from server.hub import Hub
from server.log.base import LogUnavailable
from server.replica import Replica


async def receive_text(websocket: WebSocket) -> str | bytes | None:
    """The next frame's data; None when the client has gone."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        return None
    text = message.get("text")
    if text is not None:
        return str(text)
    return bytes(message.get("bytes") or b"")


def frame_too_big(data: str | bytes, limit: int) -> bool:
    if isinstance(data, bytes):
        return len(data) > limit
    return len(data) > limit // 4 and len(data.encode()) > limit


async def receive_unless_closing(conn: Connection, websocket: WebSocket) -> str | bytes | None:
    """The next frame, or None once this side is closing: a client that stopped
    reading never answers its close frame, and must not keep its place for ever.

    The connection interrupts the receive when it starts closing, by cancelling this
    very task: no second task waits for that, nor for the frame, so an idle
    connection holds one task.
    """
    task = asyncio.current_task()
    assert task is not None
    interrupted = False

    def interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        task.cancel()

    conn.on_close = interrupt
    try:
        return await receive_text(websocket)
    except asyncio.CancelledError:
        if not interrupted or task.uncancel() > 0:
            raise  # this session itself is being cancelled
        return None
    finally:
        conn.on_close = None


async def carry_out(
    app: AppContext,
    hub: Hub,
    replica: Replica,
    conn: Connection,
    group_id: str | None,
    frame: protocol.ClientFrame,
) -> bool:
    """Answers or submits one command of a joined participant; True once they have left."""
    request_id = frame.id
    pid = conn.participant_id
    if isinstance(frame, protocol.Hello):
        conn.send(frames.error("bad_request", "Already joined.", request_id))
        return False
    if isinstance(frame, protocol.Ping):
        conn.send(frames.pong(request_id))
        return False
    if pid is None:
        conn.send(frames.error("unavailable", "The room is being restored; try again.", request_id))
        return False
    local = replica.local_answer(pid, frame, now_ms())
    if local is not None:
        conn.send(local)
        return False
    # Read before the command is applied: by the time it returns, a removed or denied
    # target may already have been freed from the room.
    row = audit_row(replica.room, replica.meeting_id, pid, frame)
    removed = removal_target(replica.room, frame)
    try:
        outcome = await hub.submit(replica, pid, frame, conn, request_id=request_id)
    except LogUnavailable:
        conn.send(frames.error("unavailable", "The meeting is unreachable; try again.", request_id))
        return False
    if isinstance(outcome, protocol.Err):
        return False
    if row is not None:
        hub.spawn(record(app, row, isinstance(frame, protocol.End)), "audit")
    if removed is not None and group_id is not None:
        hub.spawn(record_removal(app, group_id, removed.device_hash), "keep-out")
    return isinstance(frame, protocol.Leave)
