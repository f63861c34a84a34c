"""The object-store port: what records and workers need from any content store."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from ezd.storage.errors import StorageError

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_digest(digest: str) -> str:
    """Reject anything that is not a lowercase hex SHA-256 (it becomes a path or object key)."""
    if not _DIGEST.match(digest):
        raise ValueError(f"not a SHA-256 hex digest: {digest!r}")
    return digest


class RetentionMode(StrEnum):
    GOVERNANCE = "GOVERNANCE"
    COMPLIANCE = "COMPLIANCE"


@dataclass(frozen=True, slots=True)
class StoredObject:
    sha256: str
    size: int
    media_type: str


@runtime_checkable
class ObjectStore(Protocol):
    """Content-addressed, write-once store.

    ``put`` is idempotent: storing the same bytes twice yields the same address and one object.
    ``get`` verifies the digest before returning bytes and raises ``IntegrityError`` otherwise.
    """

    def put(self, data: bytes, media_type: str = "application/octet-stream") -> StoredObject: ...

    def get(self, sha256: str) -> bytes: ...

    def exists(self, sha256: str) -> bool: ...

    def stat(self, sha256: str) -> StoredObject: ...

    def iter_digests(self) -> Iterator[str]: ...

    def verify(self, sha256: str) -> int:
        """Fixity: re-read and re-hash the stored object (never a remembered copy); its size.

        Raises ``ObjectNotFound`` or ``IntegrityError`` like ``get``.
        """
        ...

    def lock(
        self,
        sha256: str,
        until: datetime,
        mode: RetentionMode = RetentionMode.COMPLIANCE,
        *,
        keep_longer: bool = False,
    ) -> None:
        """Protect the object from deletion until ``until``; retention can be extended, never shortened.

        A retention already in force until a later date raises ``ObjectLocked``, or, with
        ``keep_longer``, is kept as it is: the object is then protected *at least* until
        ``until`` (content shared by cases kept for different periods).
        """
        ...

    def set_legal_hold(self, sha256: str, on: bool) -> None: ...

    def delete(self, sha256: str) -> None:
        """Delete the object; raises ``ObjectLocked`` while a retention lock or legal hold is in force."""
        ...

    # Bulk operations.  A network backend runs them concurrently (S3: a small bounded pool), the
    # local and memory stores one after the other.  Each raises what the single-object method
    # raises, for the first failing object in the order given.

    def get_many(
        self, digests: Iterable[str], *, skip_unreadable: bool = False
    ) -> Iterator[tuple[str, bytes]]:
        """Verified ``(digest, bytes)`` of each distinct digest, in the order given.

        A concurrent backend starts reading when called (so the reads can overlap other work
        before the first ``next``) and reads only a few objects ahead.  With ``skip_unreadable``
        an object that is missing or damaged (any ``StorageError``) is left out instead of raised.
        """
        ...

    def put_many(self, items: Sequence[tuple[bytes, str]]) -> list[StoredObject]:
        """``put`` each ``(data, media_type)``; results in the order given, one write per content."""
        ...

    def lock_many(
        self, digests: Iterable[str], until: datetime, mode: RetentionMode = RetentionMode.COMPLIANCE
    ) -> None:
        """``lock`` each distinct digest with ``keep_longer``: every object is protected at least
        until ``until`` (one kept longer for another case stays so); returns when all are.

        All digests are checked before anything is locked.  On failure some of the other objects
        may be locked already -- harmless, since a lock is only ever extended and a retry locks
        them again to the same date.
        """
        ...


class _SingleObjectOps(Protocol):
    def get(self, sha256: str) -> bytes: ...

    def put(self, data: bytes, media_type: str = ...) -> StoredObject: ...

    def lock(
        self, sha256: str, until: datetime, mode: RetentionMode = ..., *, keep_longer: bool = ...
    ) -> None: ...


class SequentialBulk:
    """The bulk operations of :class:`ObjectStore` done one object at a time: for the local and
    memory stores, where an operation costs no network round trip."""

    def get_many(
        self: _SingleObjectOps, digests: Iterable[str], *, skip_unreadable: bool = False
    ) -> Iterator[tuple[str, bytes]]:
        return _read_each(self, distinct_digests(digests), skip_unreadable)

    def put_many(self: _SingleObjectOps, items: Sequence[tuple[bytes, str]]) -> list[StoredObject]:
        return [self.put(data, media_type) for data, media_type in items]

    def lock_many(
        self: _SingleObjectOps,
        digests: Iterable[str],
        until: datetime,
        mode: RetentionMode = RetentionMode.COMPLIANCE,
    ) -> None:
        for digest in distinct_digests(digests):
            self.lock(digest, until, mode, keep_longer=True)


def _read_each(
    store: _SingleObjectOps, digests: list[str], skip_unreadable: bool
) -> Iterator[tuple[str, bytes]]:
    for digest in digests:
        try:
            data = store.get(digest)
        except StorageError:
            if skip_unreadable:
                continue
            raise
        yield digest, data


def distinct_digests(digests: Iterable[str]) -> list[str]:
    """The digests in their first-seen order, each once; a malformed one raises before any I/O."""
    return [check_digest(d) for d in dict.fromkeys(digests)]


@runtime_checkable
class TenantScopedStore(Protocol):
    """Optional capability: a view of the store holding only one tenant's content.

    S3 gives each tenant its own bucket (and bucket policy); the local store a subfolder.
    Code that must keep offices apart (exports, disposal) asks ``isinstance(store, TenantScopedStore)``.
    """

    def for_tenant(self, tenant_code: str) -> ObjectStore: ...


_TENANT = re.compile(r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")


def check_tenant_code(code: str) -> str:
    """Tenant codes become folder and bucket names: lowercase letters, digits and dashes."""
    if not _TENANT.match(code) or "--" in code:
        raise ValueError(f"tenant code {code!r} cannot name a storage scope")
    return code
