"""Telling "the database is not there" from a bug, so the first is a 503 and the second a 500.

A refused or lost connection, a pool that found no connection in time, or a lock the
database gave up on are worth retrying; an integrity error or bad SQL is not.
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

UNAVAILABLE_TYPES: tuple[type[BaseException], ...] = (
    sa_exc.DBAPIError,
    sa_exc.TimeoutError,
    OSError,
)


def database_unavailable(error: BaseException) -> bool:
    if isinstance(error, sa_exc.TimeoutError | OSError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        return (
            error.connection_invalidated
            or error.statement is None  # failed while connecting, before any statement
            or isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError)
        )
    return False
