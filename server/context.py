"""What a running app holds: one instance per worker, built in the lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection

from server.config import Settings
from server.security import Signer

if TYPE_CHECKING:
    from server.hub import Hub


@dataclass
class AppContext:
    settings: Settings
    engine: AsyncEngine | None = None
    db: async_sessionmaker[AsyncSession] | None = None
    signer: Signer | None = None
    hub: Hub | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def session(self) -> AsyncSession:
        assert self.db is not None, "the database opens in the lifespan"
        return self.db()


def ctx(conn: HTTPConnection) -> AppContext:
    context: AppContext = conn.app.state.ctx
    return context
