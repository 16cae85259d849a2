"""Placeholder until written."""

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
