"""The app's exception handlers: every refusal and failure in API.md's error shape."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from server.api.errors import STATUS_CODES, ApiError, error_body
from server.api.jsonio import json_response
from server.db.availability import database_unavailable

log = logging.getLogger("hearth.api")


async def api_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return json_response(
        error_body(exc.code, exc.message, exc.fields), status=exc.status, headers=exc.headers
    )


async def http_exception_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = STATUS_CODES.get(exc.status_code, "error")
    return json_response(
        error_body(code, str(exc.detail)), status=exc.status_code, headers=exc.headers
    )


async def server_error_handler(request: Request, exc: Exception) -> Response:
    return json_response(error_body("internal", "Something went wrong on our side."), status=500)


async def database_error_handler(request: Request, exc: Exception) -> Response:
    """A database that does not answer is a 503 the client can retry; anything else a 500."""
    if not database_unavailable(exc):
        raise exc
    log.warning("the database is unavailable (%s)", type(exc).__name__)
    return json_response(
        error_body("unavailable", "The service is briefly unavailable; try again."),
        status=503,
        headers={"Retry-After": "5"},
    )
