"""What a running app holds: one instance per worker, built in the lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection

from server.config import Settings
from server.hub import Hub
from server.security import Signer


@dataclass
class AppContext:
    settings: Settings
    engine: AsyncEngine | None = None
    db: async_sessionmaker[AsyncSession] | None = None
    signer: Signer | None = None
    hub: Hub | None = None

    def session(self) -> AsyncSession:
        assert self.db is not None, "the database opens in the lifespan"
        return self.db()


def ctx(conn: HTTPConnection) -> AppContext:
    context: AppContext = conn.app.state.ctx
    return context
