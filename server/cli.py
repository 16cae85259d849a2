"""The `hearth` command: serve, user add, migrate, and the demo."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging.config
import os
import sys
from collections.abc import Sequence

from server.config import ConfigError, Settings
from server.logs import log_config


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise SystemExit(f"hearth: {exc}") from None


async def _migrate(settings: Settings) -> str | None:
    from server.db.engine import create_engine
    from server.db.migrate import current_revision, upgrade

    engine = create_engine(settings)
    try:
        await upgrade(engine)
        return await current_revision(engine)
    finally:
        await engine.dispose()


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings()
    revision = asyncio.run(_migrate(settings))
    print(f"database is at revision {revision}")
    return 0


def _read_password(prompt_twice: bool) -> str:
    if sys.stdin.isatty() and prompt_twice:
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise SystemExit("hearth: the passwords do not match")
        return first
    return sys.stdin.readline().rstrip("\r\n")


async def _add_user(settings: Settings, name: str, password: str, role: str) -> None:
    from server.api.auth import add_user
    from server.api.errors import ApiError
    from server.db.engine import create_engine, sessionmaker

    engine = create_engine(settings)
    try:
        async with sessionmaker(engine)() as session:
            try:
                await add_user(session, name, password, role)
            except ApiError as exc:
                raise SystemExit(f"hearth: {exc.message}") from None
    finally:
        await engine.dispose()


def cmd_user_add(args: argparse.Namespace) -> int:
    from server.api.auth import UserIn

    settings = _settings()
    password = _read_password(prompt_twice=True)
    import msgspec

    try:
        msgspec.convert({"username": args.name, "password": password, "role": args.role}, UserIn)
    except msgspec.ValidationError as exc:
        raise SystemExit(f"hearth: {exc}") from None
    asyncio.run(_migrate(settings))
    asyncio.run(_add_user(settings, args.name, password, args.role))
    print(f"created {args.role} {args.name.strip().lower()}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server import http_guard

    settings = _settings()
    if args.workers > 1 and not settings.redis_url:
        raise SystemExit(
            "hearth: --workers > 1 needs HEARTH_REDIS_URL: the in-memory room log lives "
            "in one process, so workers could not share a meeting."
        )
    # Resolve the key once so that every worker signs with the same one.
    os.environ["HEARTH_SECRET_KEY"] = settings.resolved_secret_key()
    asyncio.run(_migrate(settings))
    if args.demo:
        from server.demo import create_demo

        base = f"http://{'127.0.0.1' if args.host in {'0.0.0.0', '::'} else args.host}:{args.port}"
        print(asyncio.run(create_demo(settings, base)), flush=True)
    os.environ["HEARTH_MIGRATE_ON_START"] = "0"
    tcp_cap = settings.max_connections + http_guard.reserve(settings.max_connections)
    _raise_file_limit(tcp_cap)
    uvicorn.run(
        "server.asgi:create",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # Header size, the request deadline and the connection caps (server/http_guard.py).
        http=http_guard.HTTP,
        ws=http_guard.WS,
        ws_max_size=64 * 1024,
        ws_per_message_deflate=False,
        limit_concurrency=tcp_cap + 1,  # a backstop: the guard refuses at the cap already
        timeout_keep_alive=5,
        log_config=log_config(settings.log_level),
        access_log=False,
        server_header=False,
        # The client's address is read from proxy headers by server/address_limits.py, and
        # only from HEARTH_TRUSTED_PROXIES; uvicorn's own rewriting stays off.
        proxy_headers=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    return 0


def _raise_file_limit(connections: int) -> None:
    """Lets each worker hold its connection cap in file descriptors, with room to spare
    (database, Redis, files), or says that it cannot."""
    import resource

    needed = connections + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < needed:
            print(
                f"hearth: warning: the open-file limit ({target}) is below "
                f"HEARTH_MAX_CONNECTIONS and its reserve ({connections}) plus 256; "
                "raise `ulimit -n` or lower HEARTH_MAX_CONNECTIONS",
                file=sys.stderr,
                flush=True,
            )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth", description="Hearth: live support-group meetings."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the server (migrations run first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--demo", action="store_true", help="create a demo meeting that is open now")
    serve.set_defaults(func=cmd_serve)

    user = sub.add_parser("user", help="manage accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="create an account; the password is read from stdin")
    add.add_argument("name")
    add.add_argument("--role", choices=["organiser", "facilitator"], required=True)
    add.set_defaults(func=cmd_user_add)

    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(func=cmd_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.config.dictConfig(log_config(Settings.log_level_from_env()))
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
