"""Pages rendered on the server (Jinja2, autoescaped), for people with scripts off and
for crawlers, meeting finders and link previews; the browser's modules enhance them.

Every page gets its language from `?lang=` (the browser's own choice otherwise takes
over once scripts run), absolute links from HEARTH_PUBLIC_URL or the request, and the
alternates of itself in each interface language for `hreflang`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from server.context import ctx
from server.page_strings import LANGUAGES, translator

TEMPLATES = Path(__file__).resolve().parent / "templates"
environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(("html", "xml")),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
HEADERS = {"Cache-Control": "no-cache"}


def page_lang(request: Request) -> str:
    lang = request.query_params.get("lang", "")
    return lang if lang in LANGUAGES else "en"


def base_url(request: Request) -> str:
    """Where people reach Hearth, without a trailing slash."""
    configured = ctx(request).settings.public_url
    return configured or str(request.base_url).rstrip("/")


def absolute(request: Request, path: str, **query: str) -> str:
    kept = {k: v for k, v in query.items() if v}
    return base_url(request) + path + (f"?{urlencode(kept)}" if kept else "")


def render(
    request: Request,
    template: str,
    *,
    canonical: str,
    status: int = 200,
    indexable: bool = True,
    **context: Any,
) -> HTMLResponse:
    """`canonical` is the page's own path (its query of filters included, not `lang`)."""
    lang = page_lang(request)
    path, _, query = canonical.partition("?")
    pairs = parse_qsl(query)  # decoded, or absolute() would encode them a second time
    alternates = {
        code: absolute(request, path, **dict(pairs), lang="" if code == "en" else code)
        for code in LANGUAGES
    }
    page = environment.get_template(template).render(
        request=request,
        lang=lang,
        dir=LANGUAGES[lang][1],
        languages=LANGUAGES,
        t=translator(ctx(request).settings.static_dir, lang),
        canonical_url=alternates["en"],
        alternates=alternates,
        indexable=indexable,
        **context,
    )
    headers = dict(HEADERS)
    if not indexable:
        headers["X-Robots-Tag"] = "noindex"
    return HTMLResponse(page, status_code=status, headers=headers)
