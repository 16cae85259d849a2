"""The `hearth` command: serve, user, migrate, and the demo.

A configuration mistake is one line naming the setting and exit code 2; a refused
command (a taken name, mismatched passwords) one line and exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import logging.config
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from server.cli_users import CommandError, add_parsers
from server.config import ConfigError, Settings
from server.logs import log_config

# A configuration mistake: the operator's to fix, distinct from a refused command (1).
EXIT_CONFIG = 2


def _settings() -> Settings:
    settings = Settings.from_env()
    settings.check_data_dir()
    return settings


async def _migrate_async(settings: Settings) -> str | None:
    from server.db.engine import create_engine
    from server.db.migrate import current_revision, upgrade

    engine = create_engine(settings)
    try:
        await upgrade(engine)
        return await current_revision(engine)
    finally:
        await engine.dispose()


def _migrate(settings: Settings) -> str | None:
    """Migrates, or turns a database that cannot be reached into a ConfigError."""
    from server.db.connect_error import explain

    try:
        return asyncio.run(_migrate_async(settings))
    except Exception as exc:
        setting = "HEARTH_DATABASE_URL" if settings.database_url else "HEARTH_DATA_DIR"
        line = explain(exc, settings.effective_database_url, setting)
        if line is None:
            raise
        raise ConfigError(line) from None


def cmd_migrate(args: argparse.Namespace) -> int:
    revision = _migrate(_settings())
    print(f"database is at revision {revision}")
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    settings = _settings()
    result: int = args.user_func(args, settings, lambda: _migrate(settings))
    return result


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server import http_guard

    settings = _settings()
    if args.workers > 1 and not settings.redis_url:
        raise ConfigError(
            "HEARTH_REDIS_URL: --workers > 1 needs it: the in-memory room log lives "
            "in one process, so workers could not share a meeting"
        )
    # Resolve the key once so that every worker signs with the same one.
    os.environ["HEARTH_SECRET_KEY"] = settings.resolved_secret_key()
    _migrate(settings)
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


def _port(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0 to 65535)")
    return port


def _workers(text: str) -> int:
    workers = int(text)
    if workers < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return workers


def _version() -> str:
    try:
        return version("hearth")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth",
        description="Hearth: live support-group meetings. Settings are HEARTH_* "
        "environment variables (docs/operations.md, Configuration).",
    )
    parser.add_argument("--version", action="version", version=f"hearth {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser(
        "serve",
        help="run the server (migrations run first)",
        description="Run the server. Migrations run first; SIGTERM drains (closes every "
        "WebSocket with 1012 so its people resume on another worker) and exits.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on")
    serve.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="worker processes on the one port; more than 1 needs HEARTH_REDIS_URL",
    )
    serve.add_argument("--demo", action="store_true", help="create a demo meeting that is open now")
    serve.set_defaults(func=cmd_serve)

    add_parsers(sub)
    sub.choices["user"].set_defaults(func=cmd_user)

    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(func=cmd_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.config.dictConfig(log_config(Settings.log_level_from_env()))
    try:
        result: int = args.func(args)
    except ConfigError as exc:
        print(f"hearth: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except CommandError as exc:
        print(f"hearth: {exc}", file=sys.stderr)
        return 1
    return result


if __name__ == "__main__":
    sys.exit(main())
