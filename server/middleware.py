"""Pure-ASGI middleware: cross-site request refusal, security headers, access log.

Pure ASGI rather than BaseHTTPMiddleware so WebSocket traffic and streaming pass
through untouched.
"""

from __future__ import annotations

import logging
import time

from starlette.datastructures import Headers
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api.errors import error_body
from server.api.jsonio import json_response
from server.security import SESSION_COOKIE, origin_allowed

access_log = logging.getLogger("hearth.access")

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class RejectNul:
    """A NUL in the path or query is never meaningful, and PostgreSQL would choke on it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"} and (
            "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"")
        ):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await _refuse(
                scope, receive, send, 400, "bad_request", "The address contains a NUL character."
            )
            return
        await self.app(scope, receive, send)


async def _refuse(
    scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str
) -> None:
    await json_response(error_body(code, message), status=status)(scope, receive, send)


class CrossSiteGuard:
    """Refuses state-changing requests that carry our cookie from a foreign origin."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            headers = Headers(scope=scope)
            has_cookie = SESSION_COOKIE in headers.get("cookie", "")
            origin = headers.get("origin")
            cross = headers.get("sec-fetch-site") == "cross-site"
            if has_cookie and (
                cross
                or (
                    origin is not None
                    and not origin_allowed(origin, headers.get("host"), self.allowed)
                )
            ):
                await _refuse(
                    scope, receive, send, 403, "cross_site", "Cross-site requests are not allowed."
                )
                return
        await self.app(scope, receive, send)


def route_template(scope: Scope) -> str:
    """The route a request went to, as written in the code ("/api/groups/{id}/invites/{code}").

    The access log names this, never the path: a path carries invite codes and ids,
    and whatever bytes a client chose. A request no route takes is "unmatched".
    """
    route = scope.get("route")  # set by the router as it dispatched
    if route is None:  # refused before routing (a NUL, a cross-site request): look it up
        for candidate in getattr(scope.get("app"), "routes", ()):
            match, _ = candidate.matches(scope)
            if match is Match.FULL or (match is Match.PARTIAL and route is None):
                route = candidate
                if match is Match.FULL:
                    break
    if isinstance(route, Mount):
        return f"{route.path}/{{path}}"
    path = getattr(route, "path", None) if isinstance(route, BaseRoute) else None
    return path if isinstance(path, str) else "unmatched"


class SecurityHeadersAndAccessLog:
    """Adds security headers and logs method, route, status and time: never the client
    address, never the raw path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in names)
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %d %.1fms",
                    scope["method"],
                    route_template(scope),
                    status,
                    (time.perf_counter() - started) * 1000,
                )
