"""Settings, read once from HEARTH_* environment variables.

Everything configurable lives here so that the app, the CLI and the tests agree
on defaults; nothing else reads the environment.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


class ConfigError(ValueError):
    """A HEARTH_* variable holds a value we cannot use."""


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated addresses or CIDR networks, each checked and normalised."""
    networks = []
    for item in (x.strip() for x in env.get(name, "").split(",")):
        if not item:
            continue
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ConfigError(f"{name}: {item!r} is not an IP address or network") from None
    return tuple(networks)


def _public_url(env: Mapping[str, str]) -> str:
    raw = env.get("HEARTH_PUBLIC_URL", "").strip().rstrip("/")
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            "HEARTH_PUBLIC_URL must be an http or https address, such as https://meet.example.org"
        )
    return raw


# The drivers Hearth ships: anything else would fail later with a missing module.
_DATABASE_SCHEMES = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
_REDIS_SCHEMES = {"redis", "rediss", "unix"}


def _database_url(env: Mapping[str, str]) -> str:
    raw = env.get("HEARTH_DATABASE_URL", "").strip()
    if not raw:
        return ""
    scheme, sep, rest = raw.partition("://")
    driver = _DATABASE_SCHEMES.get(scheme.lower()) if sep else None
    if driver is None:
        raise ConfigError(
            "HEARTH_DATABASE_URL must be a postgresql:// or sqlite:/// address, "
            f"not {scheme.lower() + '://' if sep else 'this value'}"
        )
    return f"{driver}://{rest}"


def _redis_url(env: Mapping[str, str], cluster: bool) -> str:
    """One address, or (in cluster mode) comma-separated seed nodes."""
    raw = env.get("HEARTH_REDIS_URL", "").strip()
    if not raw:
        if cluster:
            raise ConfigError(
                "HEARTH_REDIS_CLUSTER needs HEARTH_REDIS_URL: redis:// seed nodes, comma separated"
            )
        return ""
    seeds = [u.strip() for u in raw.split(",")] if cluster else [raw]
    allowed = {"redis", "rediss"} if cluster else _REDIS_SCHEMES
    wanted = (
        "redis:// seed nodes, comma separated"
        if cluster
        else "a redis://, rediss:// or unix:// address"
    )
    for seed in seeds:
        scheme, sep, rest = seed.partition("://")
        if not sep or scheme.lower() not in allowed or not rest:
            raise ConfigError(
                f"HEARTH_REDIS_URL must be {wanted}, "
                f"not {scheme.lower() + '://' if sep else 'this value'}"
            )
    return ",".join(seeds)


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path = Path("hearth-data")
    database_url: str = ""
    redis_url: str = ""
    redis_cluster: bool = False
    redis_wait_ms: int = 100
    secret_key: str = ""
    allowed_origins: tuple[str, ...] = ()
    log_level: str = "info"
    static_dir: Path = STATIC_DIR
    cookie_secure: bool = False
    # Room behaviour (PROTOCOL.md defaults).
    room_open_minutes: int = 15
    admission_cache_seconds: int = 60  # an open room's admission facts (0: not kept)
    resume_grace_seconds: int = 60
    room_retention_seconds: int = 600
    hello_timeout_seconds: float = 10.0
    max_frame_bytes: int = 16 * 1024
    max_text_chars: int = 2000
    # What anyone may send the facilitators (rooms/alerts.py; "Limits and abuse").
    help_interval_seconds: int = 60
    reports_per_minute: int = 5
    hand_raises_per_minute: int = 6
    room_alerts_per_minute: int = 30
    rate_limit_commands: int = 10
    rate_limit_window_seconds: float = 5.0
    send_queue_frames: int = 256
    # HTTP.
    max_body_bytes: int = 64 * 1024
    login_failures_allowed: int = 5
    login_failure_window_seconds: int = 300
    login_failures_per_account: int = 100
    password_hash_threads: int = 2
    facilitator_token_seconds: int = 12 * 3600
    # Connection floods (per worker; see docs/operations.md, "Limits and abuse").
    max_connections: int = 1000
    max_connections_per_address: int = 200
    joins_per_address_per_minute: int = 60
    max_seats_per_address: int = 10
    request_timeout_seconds: float = 10.0
    max_header_bytes: int = 16 * 1024
    trusted_proxies: tuple[str, ...] = ()
    # Where people reach Hearth ("https://meet.example.org"): absolute links in public
    # pages, feeds and calendars. Empty: the request's own scheme and host.
    public_url: str = ""
    # When set, GET /metrics wants `Authorization: Bearer <this>` (docs/operations.md, "Metrics").
    metrics_token: str = field(default="", repr=False)
    # Set by `hearth serve` for its workers: it has migrated the database already.
    migrate_on_start: bool = True

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'hearth.sqlite3').resolve()}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("HEARTH_DATA_DIR") or "hearth-data")
        origins = tuple(
            o.strip().rstrip("/")
            for o in env.get("HEARTH_ALLOWED_ORIGINS", "").split(",")
            if o.strip()
        )
        database_url = _database_url(env)
        cluster = _bool(env, "HEARTH_REDIS_CLUSTER", False)
        level = env.get("HEARTH_LOG_LEVEL", "info").strip().lower() or "info"
        if level not in {"debug", "info", "warning", "error", "critical"}:
            raise ConfigError(
                f"HEARTH_LOG_LEVEL must be debug, info, warning, error or critical, not {level!r}"
            )
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            redis_url=_redis_url(env, cluster),
            redis_cluster=cluster,
            redis_wait_ms=_int(env, "HEARTH_REDIS_WAIT_MS", 100, 0, 10_000),
            secret_key=env.get("HEARTH_SECRET_KEY", "").strip(),
            allowed_origins=origins,
            log_level=level,
            static_dir=Path(env.get("HEARTH_STATIC_DIR") or STATIC_DIR),
            cookie_secure=_bool(env, "HEARTH_COOKIE_SECURE", False),
            room_open_minutes=_int(env, "HEARTH_ROOM_OPEN_MINUTES", 15, 0, 24 * 60),
            admission_cache_seconds=_int(env, "HEARTH_ADMISSION_CACHE_SECONDS", 60, 0, 3600),
            resume_grace_seconds=_int(env, "HEARTH_RESUME_GRACE_SECONDS", 60, 1, 3600),
            room_retention_seconds=_int(env, "HEARTH_ROOM_RETENTION_SECONDS", 600, 0, 7 * 86400),
            hello_timeout_seconds=float(_int(env, "HEARTH_HELLO_TIMEOUT_SECONDS", 10, 1, 600)),
            max_frame_bytes=_int(env, "HEARTH_MAX_FRAME_BYTES", 16 * 1024, 1024, 1024 * 1024),
            help_interval_seconds=_int(env, "HEARTH_HELP_INTERVAL_SECONDS", 60, 0, 3600),
            reports_per_minute=_int(env, "HEARTH_REPORTS_PER_MINUTE", 5, 1, 10_000),
            hand_raises_per_minute=_int(env, "HEARTH_HAND_RAISES_PER_MINUTE", 6, 1, 10_000),
            room_alerts_per_minute=_int(env, "HEARTH_ROOM_ALERTS_PER_MINUTE", 30, 1, 100_000),
            rate_limit_commands=_int(env, "HEARTH_RATE_LIMIT_COMMANDS", 10, 1, 10_000),
            rate_limit_window_seconds=float(
                _int(env, "HEARTH_RATE_LIMIT_WINDOW_SECONDS", 5, 1, 3600)
            ),
            send_queue_frames=_int(env, "HEARTH_SEND_QUEUE_FRAMES", 256, 8, 100_000),
            login_failures_allowed=_int(env, "HEARTH_LOGIN_FAILURES_ALLOWED", 5, 1, 1000),
            login_failure_window_seconds=_int(
                env, "HEARTH_LOGIN_FAILURE_WINDOW_SECONDS", 300, 1, 86400
            ),
            login_failures_per_account=_int(
                env, "HEARTH_LOGIN_FAILURES_PER_ACCOUNT", 100, 1, 1_000_000
            ),
            password_hash_threads=_int(env, "HEARTH_PASSWORD_HASH_THREADS", 2, 1, 64),
            max_connections=_int(env, "HEARTH_MAX_CONNECTIONS", 1000, 1, 1_000_000),
            max_connections_per_address=_int(
                env, "HEARTH_MAX_CONNECTIONS_PER_ADDRESS", 200, 1, 1_000_000
            ),
            joins_per_address_per_minute=_int(
                env, "HEARTH_JOINS_PER_ADDRESS_PER_MINUTE", 60, 1, 1_000_000
            ),
            max_seats_per_address=_int(env, "HEARTH_MAX_SEATS_PER_ADDRESS", 10, 1, 100_000),
            request_timeout_seconds=float(_int(env, "HEARTH_REQUEST_TIMEOUT_SECONDS", 10, 1, 600)),
            max_header_bytes=_int(env, "HEARTH_MAX_HEADER_BYTES", 16 * 1024, 1024, 1024 * 1024),
            trusted_proxies=_networks(env, "HEARTH_TRUSTED_PROXIES"),
            public_url=_public_url(env),
            metrics_token=env.get("HEARTH_METRICS_TOKEN", "").strip(),
            migrate_on_start=_bool(env, "HEARTH_MIGRATE_ON_START", True),
        )

    @staticmethod
    def log_level_from_env(env: Mapping[str, str] | None = None) -> str:
        """The log level to set up logging with before the settings are read (and
        perhaps refused): a bad value falls back to info, and from_env names it."""
        env = os.environ if env is None else env
        level = env.get("HEARTH_LOG_LEVEL", "").strip().lower()
        return level if level in {"debug", "info", "warning", "error", "critical"} else "info"

    def check_data_dir(self) -> None:
        """Makes the data directory if it is needed and missing, and proves it writable,
        so that a mistake there is one line naming the setting, not a traceback later."""
        if self.database_url and self.secret_key:
            return  # nothing is kept there
        path = self.data_dir
        try:
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
            with tempfile.TemporaryFile(dir=path):
                pass
        except FileExistsError:
            raise ConfigError(f"HEARTH_DATA_DIR: {str(path)!r} is not a directory") from None
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ConfigError(
                f"HEARTH_DATA_DIR: cannot use {str(path)!r} ({reason.lower()})"
            ) from None

    def resolved_secret_key(self) -> str:
        """The signing key: HEARTH_SECRET_KEY, else one kept in the data directory.

        Kept on disk so that sessions and facilitator tokens survive a restart and
        are shared by the workers of one machine.
        """
        if self.secret_key:
            return self.secret_key
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.data_dir / "secret_key"
        if not path.exists():
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
            try:
                os.link(tmp, path)  # atomic: the first worker to get here wins
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        return path.read_text().strip()
