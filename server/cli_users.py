"""`hearth user add|list|passwd`: accounts from the command line.

Passwords are read twice from a terminal, or as one line from a pipe (scripts,
`echo pass | hearth user add`). No line at all (Ctrl-D, an empty pipe) is a refusal,
never an empty password; the rules are the API's (server/api/auth.py UserIn).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.config import Settings

T = TypeVar("T")


class CommandError(Exception):
    """A refusal the person at the terminal can fix: one line, exit code 1."""


def read_password(prompt_twice: bool) -> str:
    try:
        if sys.stdin.isatty() and prompt_twice:
            first = getpass.getpass("Password: ")
            if getpass.getpass("Again: ") != first:
                raise CommandError("the passwords do not match")
            return first
        line = sys.stdin.readline()
    except (EOFError, KeyboardInterrupt):
        raise CommandError("no password given") from None
    if not line:
        raise CommandError("no password given")
    return line.rstrip("\r\n")


def _check(name: str, password: str, role: str) -> None:
    from server.api.auth import UserIn

    try:
        msgspec.convert({"username": name, "password": password, "role": role}, UserIn)
    except msgspec.ValidationError as exc:
        if "$.password" in str(exc):
            raise CommandError("the password must be 8 to 1024 characters long") from None
        raise CommandError(
            "the name must be 2 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        ) from None


async def _with_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    from server.db.engine import create_engine, sessionmaker

    engine = create_engine(settings)
    try:
        async with sessionmaker(engine)() as session:
            return await work(session)
    finally:
        await engine.dispose()


def cmd_user_add(args: argparse.Namespace, settings: Settings, migrate: Callable[[], None]) -> int:
    from server.api.auth import add_user
    from server.api.errors import ApiError

    password = read_password(prompt_twice=True)
    _check(args.name, password, args.role)
    migrate()

    async def work(session: AsyncSession) -> None:
        try:
            await add_user(
                session, args.name, password, args.role, threads=settings.password_hash_threads
            )
        except ApiError as exc:
            raise CommandError(exc.message) from None

    asyncio.run(_with_session(settings, work))
    print(f"created {args.role} {args.name.strip().lower()}")
    return 0


def cmd_user_list(args: argparse.Namespace, settings: Settings, migrate: Callable[[], None]) -> int:
    from server.db.models import User

    migrate()

    async def work(session: AsyncSession) -> list[tuple[str, str]]:
        rows = await session.execute(select(User.username, User.role).order_by(User.username))
        return [(name, role) for name, role in rows]

    users = asyncio.run(_with_session(settings, work))
    width = max([len("NAME"), *(len(name) for name, _ in users)])
    print(f"{'NAME':<{width}}  ROLE")
    for name, role in users:
        print(f"{name:<{width}}  {role}")
    return 0


def cmd_user_passwd(
    args: argparse.Namespace, settings: Settings, migrate: Callable[[], None]
) -> int:
    """Sets a new password and ends the account's sessions (its epoch moves on)."""
    from server.db.models import User
    from server.security import hash_password_async

    name = args.name.strip().lower()
    migrate()

    async def exists(session: AsyncSession) -> str | None:
        role: str | None = await session.scalar(select(User.role).where(User.username == name))
        return role

    role = asyncio.run(_with_session(settings, exists))
    if role is None:
        raise CommandError(f"there is no user {name!r} (see `hearth user list`)")
    password = read_password(prompt_twice=True)
    _check(name, password, role)

    async def work(session: AsyncSession) -> None:
        user = await session.scalar(select(User).where(User.username == name))
        if user is None:
            raise CommandError(f"there is no user {name!r}")
        user.password_hash = await hash_password_async(password, settings.password_hash_threads)
        user.session_epoch += 1
        await session.commit()

    asyncio.run(_with_session(settings, work))
    print(f"changed the password of {name}; their sessions have ended")
    return 0


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user = sub.add_parser("user", help="manage accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser(
        "add",
        help="create an account",
        description="Create an account. The password is asked twice on a terminal, "
        "or read as one line from standard input.",
    )
    add.add_argument("name", help="the sign-in name (letters, digits, . _ -)")
    add.add_argument("--role", choices=["organiser", "facilitator"], required=True)
    add.set_defaults(user_func=cmd_user_add)
    listing = user_sub.add_parser("list", help="list the accounts: name and role")
    listing.set_defaults(user_func=cmd_user_list)
    passwd = user_sub.add_parser(
        "passwd",
        help="set an account's password",
        description="Set an account's password (read like `user add`) and end its sessions.",
    )
    passwd.add_argument("name")
    passwd.set_defaults(user_func=cmd_user_passwd)
