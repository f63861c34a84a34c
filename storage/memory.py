"""In-memory object store: the test double for :class:`ezd.storage.port.ObjectStore`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from ezd.storage.errors import IntegrityError, ObjectLocked, ObjectNotFound
from ezd.storage.port import (
    RetentionMode,
    SequentialBulk,
    StoredObject,
    check_digest,
    check_tenant_code,
    sha256_hex,
)


class MemoryObjectStore(SequentialBulk):
    def __init__(self) -> None:
        self._data: dict[str, tuple[bytes, str]] = {}
        self._locks: dict[str, datetime] = {}
        self._holds: set[str] = set()
        self._tenants: dict[str, MemoryObjectStore] = {}

    def for_tenant(self, tenant_code: str) -> MemoryObjectStore:
        return self._tenants.setdefault(check_tenant_code(tenant_code), MemoryObjectStore())

    def put(self, data: bytes, media_type: str = "application/octet-stream") -> StoredObject:
        digest = sha256_hex(data)
        self._data.setdefault(digest, (bytes(data), media_type))
        return StoredObject(digest, len(data), self._data[digest][1])

    def get(self, sha256: str) -> bytes:
        check_digest(sha256)
        try:
            data = self._data[sha256][0]
        except KeyError:
            raise ObjectNotFound(sha256) from None
        if sha256_hex(data) != sha256:
            raise IntegrityError(f"object {sha256} is corrupted")
        return data

    def verify(self, sha256: str) -> int:
        return len(self.get(sha256))  # memory is the store itself: nothing else to re-read

    def exists(self, sha256: str) -> bool:
        return check_digest(sha256) in self._data

    def stat(self, sha256: str) -> StoredObject:
        data = self.get(sha256)
        return StoredObject(sha256, len(data), self._data[sha256][1])

    def iter_digests(self) -> Iterator[str]:
        return iter(sorted(self._data))

    def lock(
        self,
        sha256: str,
        until: datetime,
        mode: RetentionMode = RetentionMode.COMPLIANCE,
        *,
        keep_longer: bool = False,
    ) -> None:
        if sha256 not in self._data:
            raise ObjectNotFound(sha256)
        current = self._locks.get(sha256)
        if current is not None and until < current:
            if keep_longer:
                return
            raise ObjectLocked(f"retention of {sha256} cannot be shortened")
        self._locks[sha256] = until

    def set_legal_hold(self, sha256: str, on: bool) -> None:
        if sha256 not in self._data:
            raise ObjectNotFound(sha256)
        (self._holds.add if on else self._holds.discard)(sha256)

    def delete(self, sha256: str) -> None:
        if sha256 in self._holds:
            raise ObjectLocked(f"{sha256} is under legal hold")
        until = self._locks.get(sha256)
        if until is not None and until > datetime.now(UTC):
            raise ObjectLocked(f"{sha256} is locked until {until.isoformat()}")
        self._data.pop(sha256, None)

    # test helper: simulate bit rot
    def corrupt(self, sha256: str) -> None:
        data, media = self._data[sha256]
        self._data[sha256] = (data[:-1] + bytes([data[-1] ^ 1]) if data else b"x", media)
