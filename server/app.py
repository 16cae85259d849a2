"""create_app(settings) -> Starlette. Nothing happens at import time."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import AsyncIterator

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from server.address_limits import AddressGuard, AddressLimits
from server.api import (
    audit,
    auth,
    catalogue,
    facilitators,
    formats,
    groups,
    invites,
    keep_outs,
    meetings,
    metrics,
    resources,
    stats,
)
from server.api.errors import ApiError, error_body
from server.api.handlers import (
    api_error_handler,
    database_error_handler,
    http_exception_handler,
    server_error_handler,
)
from server.api.jsonio import json_response
from server.config import Settings
from server.context import AppContext, ctx
from server.db.availability import UNAVAILABLE_TYPES
from server.db.engine import create_engine, sessionmaker
from server.db.migrate import upgrade
from server.db.stats import record_meeting_stats
from server.feeds import hsds, meeting_guide, series_link
from server.hub import Hub
from server.metrics import Metrics
from server.middleware import CrossSiteGuard, RejectNul, SecurityHeadersAndAccessLog
from server.security import Signer
from server.ws_entry import HearthApp, meeting_socket

log = logging.getLogger("hearth")


async def healthz(request: Request) -> Response:
    return json_response({"status": "ok"})


async def readyz(request: Request) -> Response:
    app = ctx(request)
    checks: dict[str, str] = {}
    ok = True
    try:
        assert app.engine is not None
        async with app.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        ok = False
        checks["database"] = f"unavailable: {type(exc).__name__}"
    if app.hub is not None:
        status = await app.hub.readiness()
        checks["room_log"] = status
        ok = ok and status == "ok"
    return json_response(
        {"status": "ok" if ok else "unavailable", "checks": checks}, 200 if ok else 503
    )


async def api_not_found(request: Request) -> Response:
    raise ApiError(404, "not_found", "No such endpoint.")


def public_pages() -> list[BaseRoute]:
    """The server-rendered pages for crawlers and people with scripts off: after
    catalogue.routes, so /groups/{id}/calendar.ics is not taken for a slug."""
    from server import crawlers, group_page

    return [*group_page.routes, *crawlers.routes]


def build_routes(settings: Settings) -> list[BaseRoute]:
    from server import ws
    from server.api.series import routes as series_routes
    from server.calendars import routes as calendar_routes  # calendars and series (issue 14)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        *metrics.routes,
        *auth.routes,
        *groups.routes,
        *facilitators.routes,
        *invites.routes,
        *keep_outs.routes,
        *resources.routes,
        *formats.routes,
        *meetings.routes,
        *series_routes,
        *calendar_routes,
        *stats.routes,
        *audit.routes,
        *catalogue.routes,
        *public_pages(),
        *meeting_guide.routes,
        *series_link.routes,
        *hsds.routes,
        *ws.routes,
        Route("/api/{rest:path}", api_not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]
    if settings.static_dir.is_dir():
        from server.pages import routes as page_routes

        routes.extend(page_routes)
        routes.append(Mount("/static", StaticFiles(directory=settings.static_dir), name="static"))
    return routes


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> Starlette:
    settings = settings or Settings.from_env()
    context = AppContext(settings=settings)
    limits = AddressLimits(settings)
    figures = Metrics()
    figures.watch(connections=lambda: limits.total)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        context.engine = create_engine(settings)
        if migrate:
            await upgrade(context.engine)
        context.db = sessionmaker(context.engine)
        context.signer = Signer(settings.resolved_secret_key())
        sink = functools.partial(record_meeting_stats, context.db)
        context.hub = await Hub.start(settings, stats=sink, metrics=figures)
        try:
            yield
        finally:
            await context.hub.stop()
            await context.engine.dispose()

    app = HearthApp(
        routes=build_routes(settings),
        middleware=[
            Middleware(SecurityHeadersAndAccessLog),
            Middleware(RejectNul),
            Middleware(CrossSiteGuard, allowed=settings.allowed_origins),
            Middleware(AddressGuard, limits=limits, settings=settings, metrics=figures),
        ],
        exception_handlers={
            ApiError: api_error_handler,
            HTTPException: http_exception_handler,
            **dict.fromkeys(UNAVAILABLE_TYPES, database_error_handler),
            Exception: server_error_handler,
        },
        lifespan=lifespan,
    )
    app.state.ctx = context
    app.state.address_limits = limits
    app.ws_stack = RejectNul(
        AddressGuard(meeting_socket, limits=limits, settings=settings, metrics=figures)
    )
    return app


__all__ = ["create_app", "error_body"]
