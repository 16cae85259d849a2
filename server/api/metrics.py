"""GET /metrics: this worker's figures for Prometheus (server/metrics.py).

Open by default, like /healthz: the figures are counts with no meeting, person or
address in them. An operator whose port is reachable from outside sets
HEARTH_METRICS_TOKEN, and the scraper then sends it as a bearer token.
"""

from __future__ import annotations

import hmac

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.errors import ApiError
from server.context import ctx


def _authorised(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


async def metrics(request: Request) -> Response:
    app = ctx(request)
    token = app.settings.metrics_token
    if token and not _authorised(request, token):
        raise ApiError(
            401,
            "unauthorised",
            "Send the metrics token as `Authorization: Bearer <token>`.",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    assert app.hub is not None, "the hub starts in the lifespan"
    body = generate_latest(app.hub.metrics.registry)
    return Response(body, headers={"Content-Type": CONTENT_TYPE_LATEST})


routes: list[BaseRoute] = [Route("/metrics", metrics, methods=["GET"])]
