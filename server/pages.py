"""HTML pages of the browser client, served from static/."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from server.api.errors import ApiError
from server.context import ctx

PAGES = {
    "/": "index.html",
}


def _page(name: str):  # type: ignore[no-untyped-def]
    async def endpoint(request: Request) -> Response:
        path = ctx(request).settings.static_dir / name
        if not path.is_file():
            raise ApiError(404, "not_found", "No such page.")
        return FileResponse(path, media_type="text/html")

    return endpoint


routes: list[BaseRoute] = [Route(url, _page(name), methods=["GET"]) for url, name in PAGES.items()]
