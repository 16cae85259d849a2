"""Passwords, signed cookies and tokens, invite codes, and origin checks."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

_hasher = PasswordHasher()
# Verified against when the user does not exist, so that timing does not tell.
_DUMMY_HASH = _hasher.hash("not a real password")

SESSION_COOKIE = "hearth_session"
SESSION_MAX_AGE = 14 * 24 * 3600


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_fingerprint(password_hash: str) -> str:
    """Binds a session to the current password: changing it signs everyone out."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def hash_secret(code: str) -> str:
    """Invite codes and resume tokens are stored only as this hash."""
    return hashlib.sha256(code.encode()).hexdigest()


def new_code() -> str:
    return secrets.token_urlsafe(18)


@dataclass(frozen=True, slots=True)
class FacilitatorClaim:
    meeting_id: str
    user_id: int
    username: str
    expires_at: float


class Signer:
    """Everything we sign, each with its own salt so one kind cannot pass for another."""

    def __init__(self, secret_key: str) -> None:
        self._sessions = URLSafeTimedSerializer(secret_key, salt="hearth.session")
        self._facilitator = URLSafeTimedSerializer(secret_key, salt="hearth.facilitator")

    def session_cookie(self, user_id: int, password_hash: str) -> str:
        return self._sessions.dumps({"u": user_id, "p": password_fingerprint(password_hash)})

    def read_session(self, cookie: str) -> tuple[int, str] | None:
        try:
            data = self._sessions.loads(cookie, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        uid, fp = data.get("u"), data.get("p")
        if not isinstance(uid, int) or not isinstance(fp, str):
            return None
        return uid, fp

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
