"""API.md's error shape, raised as exceptions and rendered in one place."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from server.api.jsonio import json_response

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, "not_found", f"No such {what}.")


def forbidden(message: str = "You may not do that.") -> ApiError:
    return ApiError(403, "forbidden", message)


def invalid(fields: dict[str, str], message: str = "Some fields are not valid.") -> ApiError:
    return ApiError(400, "invalid", message, fields)


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
