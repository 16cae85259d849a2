"""The ceiling for bench/load.py: the least a broadcast server can do in Python.

websockets' asyncio server, one room per path; `hello` gets a small `welcome`, `say`
is broadcast to the room as a frame shaped like Hearth's `message` event (with a seq
per room), encoded once and written with websockets' `broadcast()`, then acked to the
sender as Hearth does. No database, no room log, no rules: whatever Hearth spends
beyond this is the price of what it does.

    .venv/bin/python bench/bare_server.py --port 8765
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import resource
import signal
from datetime import UTC, datetime

from websockets.asyncio.server import ServerConnection, broadcast, serve

ROOMS: dict[str, set[ServerConnection]] = {}
SEQS: dict[str, itertools.count[int]] = {}
IDS = itertools.count(1)


async def handler(ws: ServerConnection) -> None:
    path = ws.request.path if ws.request is not None else "/"
    hello = json.loads(await ws.recv())
    if hello.get("type") != "hello":
        await ws.close(4400)
        return
    me = f"p{next(IDS)}"
    pseudonym = str(hello.get("pseudonym", me))
    room = ROOMS.setdefault(path, set())
    seqs = SEQS.setdefault(path, itertools.count(1))
    welcome = {"type": "welcome", "protocol": 1, "you": {"id": me, "pseudonym": pseudonym}}
    await ws.send(json.dumps(welcome, separators=(",", ":")))
    room.add(ws)
    try:
        async for raw in ws:
            frame = json.loads(raw)
            if frame.get("type") != "say":
                continue
            seq = next(seqs)
            event = {
                "type": "message", "seq": seq,
                "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "message_id": f"m{seq}", "participant_id": me, "pseudonym": pseudonym,
                "text": str(frame.get("text", "")), "share": None, "masked": 0,
            }  # fmt: skip
            broadcast(room, json.dumps(event, separators=(",", ":"), ensure_ascii=False))
            await ws.send(json.dumps({"type": "ack", "id": frame.get("id"), "seq": seq}))
    finally:
        room.discard(ws)


async def main(port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with serve(
        handler, "127.0.0.1", port, compression=None, max_size=64 * 1024, backlog=4096
    ):
        print("ready", flush=True)
        await stop


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main(parser.parse_args().port))
