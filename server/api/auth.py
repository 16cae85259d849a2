"""Sign-in with a session cookie, throttled failures, and the users endpoint.

The throttle counts each attempt before the password is checked, in one atomic
upsert per counter, so a burst of concurrent guesses cannot slip past it (before,
each request read the count, hashed, then wrote: 100 at once all read "0"). There are
two counters in the window (HEARTH_LOGIN_FAILURE_WINDOW_SECONDS):

- per account and client address (a keyed hash of both, never the address):
  HEARTH_LOGIN_FAILURES_ALLOWED, 5 by default. One guesser elsewhere reaches this
  and stops; the owner, at another address, is not affected.
- per account, every address together: HEARTH_LOGIN_FAILURES_PER_ACCOUNT, 100 by
  default, against guessing spread over many addresses. Only attempts that passed
  their address's counter count here, so one address cannot use it up.

A correct password gives its own attempt back. Rows whose window has passed are deleted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Literal

import msgspec
from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.address_limits import client_address, trusted_networks
from server.api.errors import ApiError, forbidden
from server.api.jsonio import decode_body, json_response
from server.context import AppContext, ctx
from server.db.models import LoginFailure, User, UTCDateTime, utcnow
from server.metrics import LimitName
from server.security import (
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    hash_password_async,
    password_fingerprint,
    verify_password_async,
)

Username = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
NewUsername = Annotated[
    str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$", min_length=2, max_length=64)
]
NewPassword = Annotated[str, msgspec.Meta(min_length=8, max_length=1024)]
Role = Literal["organiser", "facilitator"]


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    password: Password


class UserIn(msgspec.Struct, forbid_unknown_fields=True):
    username: NewUsername
    password: NewPassword
    role: Role


def user_out(user: User) -> dict[str, object]:
    return {"id": user.id, "username": user.username, "role": user.role}


async def current_user(request: Request, session: AsyncSession) -> User | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    signer = ctx(request).signer
    if not cookie or signer is None:
        return None
    claim = signer.read_session(cookie)
    if claim is None:
        return None
    user = await session.get(User, claim.user_id)
    if user is None or password_fingerprint(user.password_hash) != claim.fingerprint:
        return None
    if user.session_epoch != claim.epoch:
        return None  # signed out since
    return user


async def require_user(request: Request, session: AsyncSession, role: Role | None = None) -> User:
    user = await current_user(request, session)
    if user is None:
        raise ApiError(401, "unauthorised", "Sign in first.")
    if role is not None and user.role != role:
        raise forbidden(f"Only an {role} may do that.")
    return user


@asynccontextmanager
async def signed_in(
    request: Request, role: Role | None = None
) -> AsyncIterator[tuple[AppContext, AsyncSession, User]]:
    """The opening of a signed-in handler: (app, an open session, the user it is for)."""
    app = ctx(request)
    async with app.session() as session:
        yield app, session, await require_user(request, session, role)


async def _count(session: AsyncSession, key: str, request: Request) -> tuple[int, float]:
    """Adds one to the counter `key` (starting a new window if its last one has passed)
    in one statement; the new count and the seconds left in its window."""
    now = utcnow()
    window = timedelta(seconds=ctx(request).settings.login_failure_window_seconds)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stale = LoginFailure.window_started_at <= now - window
    statement = (
        insert(LoginFailure)
        .values(key=key, failures=1, window_started_at=now)
        .on_conflict_do_update(
            index_elements=[LoginFailure.key],
            set_={
                "failures": case((stale, 1), else_=LoginFailure.failures + 1),
                "window_started_at": case(
                    (stale, literal(now, UTCDateTime())), else_=LoginFailure.window_started_at
                ),
            },
        )
        .returning(LoginFailure.failures, LoginFailure.window_started_at)
    )
    failures, started = (await session.execute(statement)).one()
    await session.commit()
    return failures, (started + window - now).total_seconds()


def _too_many(request: Request, limit: LimitName, left: float) -> ApiError:
    hub = ctx(request).hub
    if hub is not None:
        hub.metrics.limited(limit)
    return ApiError(
        429,
        "rate_limited",
        "Too many failed sign-ins. Try again later.",
        headers={"Retry-After": str(max(1, int(left) + 1))},
    )


def _counters(request: Request, username: str) -> tuple[str, str]:
    """The keys of this attempt's two counters: (this account from this address, this account)."""
    app = ctx(request)
    assert app.signer is not None
    # Behind a proxy named in HEARTH_TRUSTED_PROXIES, the client it forwarded for; a
    # header from anyone else is ignored, so a guesser cannot pick a new address per try.
    address = client_address(request.scope, trusted_networks(app.settings))
    if address is None:  # a local peer or none: counted by what the connection says
        address = request.client.host if request.client is not None else ""
    return f"p:{app.signer.address_hash(address, username)}", f"u:{username}"


async def _count_attempt(session: AsyncSession, request: Request, username: str) -> None:
    """Counts this attempt before its password is checked; 429 if a counter is over."""
    s = ctx(request).settings
    pair, account = _counters(request, username)
    failures, left = await _count(session, pair, request)
    if failures > s.login_failures_allowed:
        raise _too_many(request, "login_address", left)
    failures, left = await _count(session, account, request)
    if failures > s.login_failures_per_account:
        raise _too_many(request, "login_account", left)


async def _settle(session: AsyncSession, request: Request, username: str, ok: bool) -> None:
    """After the check: a success clears its address's counter and gives its attempt back
    to the account's; either way, counters whose window has passed are deleted."""
    pair, account = _counters(request, username)
    if ok:
        await session.execute(delete(LoginFailure).where(LoginFailure.key == pair))
        await session.execute(
            update(LoginFailure)
            .where(LoginFailure.key == account, LoginFailure.failures > 0)
            .values(failures=LoginFailure.failures - 1)
        )
        await session.execute(
            delete(LoginFailure).where(LoginFailure.key == account, LoginFailure.failures <= 0)
        )
    window = timedelta(seconds=ctx(request).settings.login_failure_window_seconds)
    await session.execute(
        delete(LoginFailure).where(LoginFailure.window_started_at <= utcnow() - window)
    )
    await session.commit()


async def login(request: Request) -> Response:
    body = await decode_body(request, LoginIn)
    username = body.username.strip().lower()
    app = ctx(request)
    assert app.signer is not None
    async with app.session() as session:
        await _count_attempt(session, request, username)
        user = await session.scalar(select(User).where(User.username == username))
    # Hash even for an unknown name (against a decoy), so the time taken does not tell
    # which usernames exist; in a worker thread, with no database connection held.
    threads = app.settings.password_hash_threads
    password_hash = user.password_hash if user else None
    verified = await verify_password_async(password_hash, body.password, threads)
    ok = user is not None and verified
    async with app.session() as session:
        await _settle(session, request, username, ok)
    if user is None or not ok:
        raise ApiError(401, "bad_credentials", "That username and password do not match.")
    response = json_response({"user": user_out(user)})
    response.set_cookie(
        SESSION_COOKIE,
        app.signer.session_cookie(user.id, user.password_hash, user.session_epoch),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=app.settings.cookie_secure or request.url.scheme == "https",
        path="/",
    )
    return response


async def logout(request: Request) -> Response:
    """Ends the session on the server too: the user's session epoch moves on, so this
    cookie (and any copy of it, and the user's other sessions) no longer signs anyone in."""
    app = ctx(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    claim = app.signer.read_session(cookie) if cookie and app.signer is not None else None
    if claim is not None:
        async with app.session() as session:
            await session.execute(
                update(User)
                .where(User.id == claim.user_id, User.session_epoch == claim.epoch)
                .values(session_epoch=User.session_epoch + 1)
            )
            await session.commit()
    response = json_response({"ok": True})
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


async def me(request: Request) -> Response:
    async with signed_in(request) as (_, _, user):
        return json_response({"user": user_out(user)})


async def create_user(request: Request) -> Response:
    async with signed_in(request, "organiser") as (app, session, _):
        body = await decode_body(request, UserIn)
        threads = app.settings.password_hash_threads
        user = await add_user(session, body.username, body.password, body.role, threads=threads)
        return json_response(user_out(user), status=201)


async def list_users(request: Request) -> Response:
    async with signed_in(request, "organiser") as (_, session, _):
        users = (await session.scalars(select(User).order_by(User.username))).all()
        return json_response([user_out(u) for u in users])


async def add_user(
    session: AsyncSession, username: str, password: str, role: str, *, threads: int = 2
) -> User:
    """Shared by the API and `hearth user add`; hashes in a worker thread (`threads`
    at most at once)."""
    name = username.strip().lower()
    if await session.scalar(select(User.id).where(User.username == name)) is not None:
        raise ApiError(409, "username_taken", "That username is taken.", {"username": "taken"})
    password_hash = await hash_password_async(password, threads)
    user = User(username=name, password_hash=password_hash, role=role, session_epoch=0)
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise ApiError(
            409, "username_taken", "That username is taken.", {"username": "taken"}
        ) from None
    return user


routes = [
    Route("/api/auth/login", login, methods=["POST"]),
    Route("/api/auth/logout", logout, methods=["POST"]),
    Route("/api/auth/me", me, methods=["GET"]),
    Route("/api/users", create_user, methods=["POST"]),
    Route("/api/users", list_users, methods=["GET"]),
]
