"""Passwords, signed cookies and tokens, invite codes, and origin checks."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import secrets
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

_hasher = PasswordHasher()
# Verified against when the user does not exist, so that timing does not tell.
_DUMMY_HASH = _hasher.hash("not a real password")

SESSION_COOKIE = "hearth_session"
SESSION_MAX_AGE = 14 * 24 * 3600
_T = TypeVar("_T")
# One limiter per event loop (an asyncio.Semaphore belongs to the loop it first waits on).
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def off_the_loop(threads: int, work: Callable[[], _T]) -> _T:
    """Runs `work` (an argon2 hash or verify, ~100 ms of CPU) in a worker thread, at most
    `threads` at a time, so that sign-ins never hold up the event loop: before, each one
    delayed every WebSocket on the worker by its whole hashing time.

    The threads are the loop's default executor, which the loop shuts down with itself;
    the semaphore is what bounds them (HEARTH_PASSWORD_HASH_THREADS): more sign-ins than
    that queue here rather than taking every core.
    """
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = asyncio.Semaphore(threads)
    async with limiter:
        return await loop.run_in_executor(None, work)


async def hash_password_async(password: str, threads: int) -> str:
    return await off_the_loop(threads, lambda: hash_password(password))


async def verify_password_async(password_hash: str | None, password: str, threads: int) -> bool:
    return await off_the_loop(threads, lambda: verify_password(password_hash, password))


def _canonical_address(address: str) -> str:
    """IPv6 addresses count by their /64 (one subscriber's block, which they can rotate
    through at will); IPv4-mapped IPv6 counts as the IPv4 address it carries."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        canonical = address
    else:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            canonical = str(ip.ipv4_mapped)
        elif isinstance(ip, ipaddress.IPv6Address):
            canonical = str(ipaddress.IPv6Network((ip, 64), strict=False))
        else:
            canonical = str(ip)
    return canonical


def password_fingerprint(password_hash: str) -> str:
    """Binds a session to the current password: changing it signs everyone out."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def hash_secret(code: str) -> str:
    """Invite codes and resume tokens are stored only as this hash."""
    return hashlib.sha256(code.encode()).hexdigest()


def new_code() -> str:
    return secrets.token_urlsafe(18)


@dataclass(frozen=True, slots=True)
class SessionClaim:
    user_id: int
    fingerprint: str
    epoch: int


@dataclass(frozen=True, slots=True)
class FacilitatorClaim:
    meeting_id: str
    user_id: int
    username: str
    expires_at: float


class Signer:
    """Everything we sign, each with its own salt so one kind cannot pass for another."""

    def __init__(self, secret_key: str) -> None:
        self._address_key = hashlib.sha256(b"hearth.address\0" + secret_key.encode()).digest()
        self._keep_out_key = hashlib.sha256(b"hearth.keep_out\0" + secret_key.encode()).digest()
        self._sessions = URLSafeTimedSerializer(secret_key, salt="hearth.session")
        self._facilitator = URLSafeTimedSerializer(secret_key, salt="hearth.facilitator")

    def address_hash(self, address: str, scope: str = "") -> str:
        """A client address (with `scope`, e.g. a username) as a keyed hash: what the
        sign-in throttle counts by, so no address is stored. Without the secret key it
        cannot be turned back into the address (with it, IPv4 could be tried in full:
        hence rows that live only for the throttle's window)."""
        message = f"{scope}\0{_canonical_address(address)}".encode()
        return hmac.new(self._address_key, message, hashlib.sha256).hexdigest()[:32]

    def device_hash(self, group_id: str, device: str) -> str:
        """What a keep-out stores of hello's `device`: HMAC-SHA-256 with a per-group key,
        itself an HMAC of the group id with a key derived from the secret key. The value
        is never stored; a new secret key lifts every keep-out."""
        group_key = hmac.new(self._keep_out_key, group_id.encode(), hashlib.sha256).digest()
        return hmac.new(group_key, device.encode(), hashlib.sha256).hexdigest()

    def session_cookie(self, user_id: int, password_hash: str, epoch: int) -> str:
        """Signed (user, password fingerprint, session epoch): signing out bumps the
        user's epoch, so every cookie issued before stops working, on every worker."""
        fp = password_fingerprint(password_hash)
        return self._sessions.dumps({"u": user_id, "p": fp, "e": epoch})

    def read_session(self, cookie: str) -> SessionClaim | None:
        try:
            data = self._sessions.loads(cookie, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        uid, fp, epoch = data.get("u"), data.get("p"), data.get("e")
        if not isinstance(uid, int) or not isinstance(fp, str) or not isinstance(epoch, int):
            return None  # cookies from before epochs existed included: sign in again
        return SessionClaim(uid, fp, epoch)

    def facilitator_token(self, meeting_id: str, user_id: int, username: str, ttl: int) -> str:
        expires = int(time.time()) + ttl
        return self._facilitator.dumps({"m": meeting_id, "u": user_id, "n": username, "e": expires})

    def read_facilitator_token(self, token: str, meeting_id: str) -> FacilitatorClaim | None:
        try:
            data = self._facilitator.loads(token)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        m, u, n, e = data.get("m"), data.get("u"), data.get("n"), data.get("e")
        if not (isinstance(m, str) and isinstance(u, int) and isinstance(n, str)):
            return None
        if not isinstance(e, int) or e < time.time():
            return None
        if not hmac.compare_digest(m, meeting_id):
            return None
        return FacilitatorClaim(m, u, n, float(e))


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def origin_allowed(origin: str, host: str | None, allowed: tuple[str, ...]) -> bool:
    """Same host as the request by default; HEARTH_ALLOWED_ORIGINS adds more."""
    if origin == "null":
        return False
    want = _origin_of(origin)
    if any(want == _origin_of(a) for a in allowed):
        return True
    if host is None:
        return False
    return urlsplit(origin).netloc.lower() == host.lower()
