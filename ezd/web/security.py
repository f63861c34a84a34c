"""Sign-in, server-side sessions, CSRF tokens, login throttling and short-lived signed links.

* The secret comes from ``EZD_SECRET_KEY``; on the embedded default it is generated once into
  ``$EZD_HOME/secret_key`` (mode 0600).  It is never logged.
* Sessions: the browser gets a random token in an HttpOnly, SameSite=Lax cookie (``Secure``
  behind HTTPS); the database keeps its SHA-256 only.  API clients may send the same token as
  ``Authorization: Bearer``.
* CSRF: each session has its own token, required in forms (``csrf_token``) and, for
  cookie-authenticated API calls, in the ``X-CSRF-Token`` header.  Forms shown before sign-in
  use a double-submit token bound to a random cookie by HMAC.
* Throttling: 5 failed sign-ins lock the account for 15 minutes (doubling on repeat); every
  address is also limited in memory, so guessing across many logins is slowed as well.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ezd.config import Settings
from ezd.db.base import utcnow
from ezd.db.tables import User
from ezd.db.tables_web import WebSession

SESSION_COOKIE = "ezd_session"
PRE_COOKIE = "ezd_pre"
SESSION_HOURS = 10
MAX_FAILURES = 5
LOCK_MINUTES = 15
ADDRESS_FAILURES = 30  # per address within ADDRESS_WINDOW_S
ADDRESS_WINDOW_S = 300

_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Computed on first use, not at import."""
    return _HASHER.hash("timing-equaliser-not-a-password")


def load_secret(settings: Settings) -> bytes:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    path = Path(settings.resolved_home) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes().strip()
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_bytes().strip()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginFailed(Exception):
    """Wrong login or password, or a locked account (the message never says which)."""


class TooManyAttempts(Exception):
    pass


class AddressThrottle:
    """Failed sign-ins per client address, in memory (one process serves the embedded default)."""

    def __init__(self, limit: int = ADDRESS_FAILURES, window_s: float = ADDRESS_WINDOW_S) -> None:
        self.limit, self.window = limit, window_s
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            q = self._fails.get(address)
            while q and now - q[0] > self.window:
                q.popleft()
            if q and len(q) >= self.limit:
                raise TooManyAttempts("too many failed sign-ins from this address; try again later")

    def failed(self, address: str) -> None:
        with self._lock:
            self._fails.setdefault(address, deque()).append(time.monotonic())


def authenticate(session: Session, login: str, password: str, now: datetime | None = None) -> User:
    """Check a password; count failures and lock the account. The caller commits either way."""
    now = now or utcnow()
    user = session.execute(select(User).where(User.login == login)).scalar_one_or_none()
    if user is None or not user.password_hash or not user.active:
        with contextlib.suppress(VerificationError):
            _HASHER.verify(_dummy_hash(), password)  # same work as a real check: no timing oracle
        raise LoginFailed()
    if user.locked_until and user.locked_until > now:
        raise LoginFailed()
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILURES:
            rounds = user.failed_logins // MAX_FAILURES
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES * 2 ** min(rounds - 1, 6))
        raise LoginFailed() from None
    user.failed_logins = 0
    user.locked_until = None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf: str
    expires_at: datetime


def open_session(
    session: Session, user: User, *, method: str = "local", user_agent: str | None = None
) -> NewSession:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    expires = utcnow() + timedelta(hours=SESSION_HOURS)
    session.execute(delete(WebSession).where(WebSession.expires_at < utcnow()))
    session.add(
        WebSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=expires,
            auth_method=method,
            user_agent=(user_agent or "")[:200] or None,
        )
    )
    session.flush()
    return NewSession(token, csrf, expires)


def find_session(session: Session, token: str) -> tuple[WebSession, User] | None:
    row = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    ws, user = row
    if ws.expires_at < utcnow() or not user.active or (user.locked_until and user.locked_until > utcnow()):
        return None
    return ws, user


def close_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


# -- HMAC helpers: pre-sign-in CSRF, signed links, OIDC state -------------------------------------
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mac(secret: bytes, purpose: str, value: str) -> str:
    return _b64(hmac.new(secret, f"{purpose}\n{value}".encode(), hashlib.sha256).digest())


def same(a: str, b: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (which is simply unequal)."""
    return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


def pre_csrf(secret: bytes, nonce: str) -> str:
    return mac(secret, "pre-csrf", nonce)


def check_pre_csrf(secret: bytes, nonce: str | None, token: str | None) -> bool:
    return bool(nonce and token and same(pre_csrf(secret, nonce), token))


def sign_payload(secret: bytes, purpose: str, payload: dict[str, Any], ttl_s: int) -> str:
    body = _b64(json.dumps({**payload, "exp": int(time.time()) + ttl_s}, separators=(",", ":")).encode())
    return f"{body}.{mac(secret, purpose, body)}"


def read_payload(secret: bytes, purpose: str, token: str) -> dict[str, Any] | None:
    body, _, sig = token.partition(".")
    if not body or not sig or not same(mac(secret, purpose, body), sig):
        return None
    try:
        data = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(data, dict) or int(data.get("exp", 0)) < time.time():
        return None
    return data
