"""The object-store port: what records and workers need from any content store."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

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

    def lock(self, sha256: str, until: datetime, mode: RetentionMode = RetentionMode.COMPLIANCE) -> None:
        """Protect the object from deletion until ``until``; retention can be extended, never shortened."""
        ...

    def set_legal_hold(self, sha256: str, on: bool) -> None: ...

    def delete(self, sha256: str) -> None:
        """Delete the object; raises ``ObjectLocked`` while a retention lock or legal hold is in force."""
        ...


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
