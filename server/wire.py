"""Outgoing text frames, framed for the wire once and written as they are.

Frames from a server are unmasked and this server sends them uncompressed
(`hearth serve` turns permessage-deflate off), so an event's whole WebSocket frame,
header and payload, is the same bytes for everyone who receives it: the fan-out builds
it once and writes those bytes to each socket, where going through ASGI would encode
the text and frame it again per recipient.
"""

from __future__ import annotations

from typing import Protocol

from websockets.frames import Frame, Opcode


class Text:
    """One text frame: its str, for ASGI, and its bytes on the wire, built on first use."""

    __slots__ = ("_wire", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._wire: bytes | None = None

    @classmethod
    def from_utf8(cls, payload: bytes) -> Text:
        """An event as its encoder made it: framed from these bytes, not encoded again."""
        text = cls(payload.decode())
        text._wire = framed(payload)
        return text

    @property
    def wire(self) -> bytes:
        if self._wire is None:
            self._wire = framed(self.text.encode())
        return self._wire


def framed(payload: bytes) -> bytes:
    """A whole unmasked, uncompressed text frame, as websockets itself would write it."""
    return Frame(Opcode.TEXT, payload).serialize(mask=False)


def batch_wire(texts: tuple[Text, ...]) -> bytes:
    """Consecutive frames are a valid stream: a resume's replay goes out as one write."""
    return b"".join(t.wire for t in texts)


LINK = "hearth.link"
"""The ASGI scope extension under which server/http_guard.py's WebSocket protocol offers
itself to server/connection.py as a `Link` (absent elsewhere, e.g. in Starlette's test
client, where every frame takes the ASGI path)."""


class Link(Protocol):
    """What the fan-out needs of a WebSocket beyond ASGI."""

    def write_frame(self, data: bytes) -> bool:
        """Writes whole frames now if the socket is open and its buffer is not full; else
        writes nothing and says so."""
        ...

    async def drained(self) -> bool:
        """Waits until the socket takes writes again; False once it never will."""
        ...
