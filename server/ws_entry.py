"""The meeting WebSocket's way in, around the HTTP middleware and the router.

Every layer an ASGI request passes through stays on the stack, as a suspended
coroutine frame, for as long as the request lasts: a few hundred bytes each. An HTTP
request lasts milliseconds; a meeting's WebSocket lasts the meeting, and a thousand of
them open on the hour. So a meeting socket skips the layers that do nothing for it
(Starlette's error and exception middleware, the security headers and cross-site guard,
which are HTTP only, and the router) and keeps only those that do: the NUL check and the
address guard, in the same order as for every other request.
"""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from server import ws

MEETING_PATH = re.compile(r"/ws/meetings/([^/]+)")


async def meeting_socket(scope: Scope, receive: Receive, send: Send) -> None:
    await ws.endpoint(WebSocket(scope, receive, send))


class HearthApp(Starlette):
    """Starlette, with the meeting socket's short path (`ws_stack`, set by create_app)."""

    ws_stack: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and self.ws_stack is not None:
            match = MEETING_PATH.fullmatch(scope["path"])
            if match is not None:
                scope["app"] = self
                scope["path_params"] = {"meeting_id": match[1]}
                await self.ws_stack(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
