"""Sign-in with a session cookie, throttled failures, and the users endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Literal

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.errors import ApiError, forbidden
from server.api.jsonio import decode_body, json_response
from server.context import AppContext, ctx
from server.db.models import LoginFailure, User, utcnow
from server.security import (
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    hash_password,
    password_fingerprint,
    verify_password,
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
    user = await session.get(User, claim[0])
    if user is None or password_fingerprint(user.password_hash) != claim[1]:
        return None
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


async def _throttled(session: AsyncSession, request: Request, username: str) -> None:
    s = ctx(request).settings
    row = await session.scalar(select(LoginFailure).where(LoginFailure.username == username))
    if row is None:
        return
    window = timedelta(seconds=s.login_failure_window_seconds)
    left = row.window_started_at + window - utcnow()
    if row.failures >= s.login_failures_allowed and left.total_seconds() > 0:
        retry = str(int(left.total_seconds()) + 1)
        raise ApiError(
            429,
            "rate_limited",
            "Too many failed sign-ins. Try again later.",
            headers={"Retry-After": retry},
        )


async def _record_failure(session: AsyncSession, request: Request, username: str) -> None:
    s = ctx(request).settings
    now = utcnow()
    row = await session.scalar(select(LoginFailure).where(LoginFailure.username == username))
    if row is None:
        session.add(LoginFailure(username=username, failures=1, window_started_at=now))
    elif (now - row.window_started_at).total_seconds() > s.login_failure_window_seconds:
        row.failures, row.window_started_at = 1, now
    else:
        row.failures += 1
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()


async def login(request: Request) -> Response:
    body = await decode_body(request, LoginIn)
    username = body.username.strip().lower()
    app = ctx(request)
    assert app.signer is not None
    async with app.session() as session:
        await _throttled(session, request, username)
        user = await session.scalar(select(User).where(User.username == username))
        # Hash even for an unknown name (against a decoy), so the time taken does not
        # tell which usernames exist.
        verified = verify_password(user.password_hash if user else None, body.password)
        if user is None or not verified:
            await _record_failure(session, request, username)
            raise ApiError(401, "bad_credentials", "That username and password do not match.")
        await session.execute(delete(LoginFailure).where(LoginFailure.username == username))
        await session.commit()
        response = json_response({"user": user_out(user)})
        response.set_cookie(
            SESSION_COOKIE,
            app.signer.session_cookie(user.id, user.password_hash),
            max_age=SESSION_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=app.settings.cookie_secure or request.url.scheme == "https",
            path="/",
        )
        return response


async def logout(request: Request) -> Response:
    response = json_response({"ok": True})
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


async def me(request: Request) -> Response:
    async with signed_in(request) as (_, _, user):
        return json_response({"user": user_out(user)})


async def create_user(request: Request) -> Response:
    async with signed_in(request, "organiser") as (_, session, _):
        body = await decode_body(request, UserIn)
        user = await add_user(session, body.username, body.password, body.role)
        return json_response(user_out(user), status=201)


async def list_users(request: Request) -> Response:
    async with signed_in(request, "organiser") as (_, session, _):
        users = (await session.scalars(select(User).order_by(User.username))).all()
        return json_response([user_out(u) for u in users])


async def add_user(session: AsyncSession, username: str, password: str, role: str) -> User:
    """Shared by the API and `hearth user add`."""
    name = username.strip().lower()
    if await session.scalar(select(User.id).where(User.username == name)) is not None:
        raise ApiError(409, "username_taken", "That username is taken.", {"username": "taken"})
    user = User(username=name, password_hash=hash_password(password), role=role)
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
