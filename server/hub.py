"""Per-worker hub: local connections per room, room replicas, fan-out."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.context import AppContext


class Hub:
    def __init__(self, context: AppContext) -> None:
        self.context = context

    @classmethod
    async def start(cls, context: AppContext) -> Hub:
        return cls(context)

    async def stop(self) -> None:
        return None

    async def readiness(self) -> str:
        return "ok"
