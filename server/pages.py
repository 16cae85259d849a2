"""HTML pages of the browser client, served from static/.

Each page is a static HTML file; its ES modules read what they need from the URL
(the meeting or group id in the path, an invite code in the #fragment, which
never reaches the server) and talk to the JSON API and the WebSocket.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from server.api.errors import ApiError
from server.catalogue_page import routes as catalogue_routes
from server.context import ctx

PAGES = {
    "/g/{group_id}": "group.html",
    "/m/{meeting_id}": "meeting.html",
    "/login": "login.html",
    "/console": "console.html",
}

# Pages change with the code; let browsers revalidate instead of caching stale HTML.
HEADERS = {"Cache-Control": "no-cache"}
# Pages no search engine should list: an invite page, a meeting room, the sign-in and
# the console (their HTML says so too, in <meta name="robots">).
NOINDEX = {"/g/{group_id}", "/m/{meeting_id}", "/login", "/console"}


def _page(name: str, url: str = "") -> Callable[[Request], Awaitable[Response]]:
    headers = {**HEADERS, "X-Robots-Tag": "noindex"} if url in NOINDEX else HEADERS

    async def endpoint(request: Request) -> Response:
        path = ctx(request).settings.static_dir / name
        if not path.is_file():
            raise ApiError(404, "not_found", "No such page.")
        return FileResponse(path, media_type="text/html", headers=headers)

    return endpoint


routes: list[BaseRoute] = [
    *catalogue_routes,  # `/`, rendered on the server
    *(Route(url, _page(name, url), methods=["GET"]) for url, name in PAGES.items()),
]
