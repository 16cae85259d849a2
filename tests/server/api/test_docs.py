"""docs/api.md stays true: every HTTP endpoint the app serves is documented."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Route

from server.app import create_app
from server.config import Settings

DOC = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text()


def test_every_endpoint_is_in_docs_api_md(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, secret_key="x"))
    missing = []
    for route in app.routes:
        if not isinstance(route, Route) or not route.path.startswith(("/api", "/groups", "/h")):
            continue
        if "{rest:path}" in route.path:
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            if f"{method} {route.path}" not in DOC and not any(
                f"{method} {route.path}{suffix}" in DOC for suffix in ("?", "`")
            ):
                missing.append(f"{method} {route.path}")
    assert missing == []
