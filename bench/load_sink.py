"""A joined load client that reads its frames in the transport's callback.

websockets' asyncio connection wakes a task for every frame it hands to `recv()`; at
40,000 frames a second that alone costs the load process most of a core, and a load
generator that falls behind measures itself. Once a client is joined, its transport is
handed to this protocol, which feeds websockets' own sans-I/O protocol (parsing, pong,
close handshake, masking of what it sends) and passes each text frame to a callback.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State


class Sink(asyncio.Protocol):
    def __init__(
        self, ws: ClientConnection, on_text: Callable[[str], None], on_close: Callable[[int], None]
    ) -> None:
        self.protocol = ws.protocol
        self.transport = ws.transport
        self.on_text = on_text
        self.on_close = on_close
        self.closed = asyncio.get_running_loop().create_future()
        self.transport.set_protocol(self)
        self.transport.resume_reading()  # websockets pauses it when its own queue fills

    def data_received(self, data: bytes) -> None:
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                self.on_text(bytes(event.data).decode())
        self._flush()

    def eof_received(self) -> None:
        self.protocol.receive_eof()
        self._flush()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)
            self.on_close(self.protocol.close_code or 1006)

    def _flush(self) -> None:
        for out in self.protocol.data_to_send():
            if out:
                self.transport.write(out)
            elif self.transport.can_write_eof():
                self.transport.write_eof()

    def send(self, text: str) -> None:
        if self.protocol.state is State.OPEN:
            self.protocol.send_text(text.encode())
            self._flush()

    async def close(self) -> None:
        if self.protocol.state is State.OPEN:
            self.protocol.send_close(1000)
            self._flush()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self.closed), 2)
        self.transport.abort()
