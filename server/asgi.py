"""The entry point uvicorn imports in each worker."""

from __future__ import annotations

from starlette.applications import Starlette

from server.app import create_app
from server.config import Settings


def create() -> Starlette:
    settings = Settings.from_env()
    return create_app(settings, migrate=settings.migrate_on_start)
