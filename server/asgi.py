"""The entry point uvicorn imports in each worker."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from server.app import create_app
from server.config import Settings


def create() -> Starlette:
    migrate = os.environ.get("HEARTH_MIGRATE_ON_START", "1") != "0"
    return create_app(Settings.from_env(), migrate=migrate)
