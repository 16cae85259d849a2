"""The entry point uvicorn imports in each worker."""

from __future__ import annotations

import gc

from starlette.applications import Starlette

from server.app import create_app
from server.config import Settings

# Young collections after this many new container objects (CPython's default is 700).
GC_YOUNG_THRESHOLD = 20_000


def create() -> Starlette:
    settings = Settings.from_env()
    app = create_app(settings, migrate=settings.migrate_on_start)
    _collect_less()
    return app


def _collect_less() -> None:
    """A meeting's start brings a thousand connections in a second, each a few dozen
    objects and no cycles worth chasing: with the default thresholds the collector ran
    hundreds of times through everything the worker had imported, about a fifth of
    the CPU of the rush. Everything loaded by now lives as long as the worker, so it is
    frozen out of the collector's sight, and young collections come less often."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)
