"""API.md's error shape, raised as exceptions (rendered by handlers.py)."""

from __future__ import annotations

from typing import Any

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
