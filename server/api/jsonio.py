"""JSON in and out with msgspec: one pass to decode and validate a body."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from server.api.errors import ApiError

T = TypeVar("T")

_encoder = msgspec.json.Encoder()
_PATH = re.compile(r" - at `\$\.?([^`]*)`$")


def json_response(
    content: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        _encoder.encode(content), status_code=status, headers=headers, media_type="application/json"
    )


async def read_body(request: Request, limit: int) -> bytes:
    """Reads at most `limit` bytes, refusing early on a declared or actual excess."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"The request body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "too_large", f"The request body is larger than {limit} bytes.")
            chunks.append(chunk)
    except ClientDisconnect:
        # Nobody reads this answer; it keeps a client's hang-up out of the 500s in the log.
        raise ApiError(400, "incomplete_body", "The body ended before it was complete.") from None
    return b"".join(chunks)


async def decode_body(request: Request, kind: type[T]) -> T:
    """Decodes and validates a JSON body into `kind`, or raises a 400 naming the field."""
    limit: int = request.app.state.ctx.settings.max_body_bytes
    body = await read_body(request, limit)
    ctype = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if body and ctype not in {"application/json", "text/json", ""} and not ctype.endswith("+json"):
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    if not body.strip():
        body = b"{}"
    try:
        return msgspec.json.decode(body, type=kind, strict=True)
    except msgspec.ValidationError as exc:
        message = str(exc)
        match = _PATH.search(message)
        field = match.group(1) if match else ""
        text = _PATH.sub("", message)
        if text.startswith("Object missing required field"):
            field = ".".join(p for p in (field, text.split("`")[1]) if p) if "`" in text else field
            text = "This field is required."
        elif text.startswith("Object contains unknown field"):
            field = ".".join(p for p in (field, text.split("`")[1]) if p) if "`" in text else field
            text = "Unknown field."
        fields = {field or "body": text}
        raise ApiError(400, "invalid", "Some fields are not valid.", fields) from None
    except msgspec.DecodeError:
        raise ApiError(400, "bad_json", "The body is not valid JSON.") from None
    except RecursionError:
        raise ApiError(400, "bad_json", "The body is nested too deeply.") from None
