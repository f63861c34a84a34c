"""Local-filesystem object store: the embedded default.

Layout: ``<root>/objects/ab/cd/<sha256>``; retention and legal hold in ``<root>/locks/<sha256>.json``.

Guarantees it gives: content addressing, atomic writes (temp file + fsync + rename), read-only
files (mode 0444), digest verification on every read, refusal to delete locked or held objects
*through this API*.  Guarantees it cannot give: WORM against anyone with shell access to the
directory (root can chmod and delete) -- use the S3 backend with object lock for that.
Nor can it keep a second copy of a locked object when someone overwrites its file: a fixity audit
(``ezd fixity audit``) detects the damage, but only a backup or S3 versioning can repair it.
Retention and legal hold are bookkeeping files beside the objects, not enforced by the kernel.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ezd.storage.errors import IntegrityError, ObjectLocked, ObjectNotFound
from ezd.storage.port import (
    RetentionMode,
    SequentialBulk,
    StoredObject,
    check_digest,
    check_tenant_code,
    sha256_hex,
)


class LocalObjectStore(SequentialBulk):
    def __init__(self, root: Path, *, fsync: bool = True) -> None:
        self.root = Path(root)
        self._objects = self.root / "objects"
        self._locks = self.root / "locks"
        self._fsync = fsync
        self._objects.mkdir(parents=True, exist_ok=True)
        self._locks.mkdir(parents=True, exist_ok=True)

    def _path(self, digest: str) -> Path:
        check_digest(digest)
        return self._objects / digest[:2] / digest[2:4] / digest

    def for_tenant(self, tenant_code: str) -> LocalObjectStore:
        """The tenant's own subtree ``<root>/tenants/<code>`` (separate files, same guarantees)."""
        return LocalObjectStore(self.root / "tenants" / check_tenant_code(tenant_code), fsync=self._fsync)

    def path_of(self, digest: str) -> Path:
        """Filesystem path of an object (fixity audits read files directly)."""
        return self._path(digest)

    def put(self, data: bytes, media_type: str = "application/octet-stream") -> StoredObject:
        digest = sha256_hex(data)
        path = self._path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    if self._fsync:
                        fh.flush()
                        os.fsync(fh.fileno())
                os.chmod(tmp, 0o444)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return StoredObject(digest, len(data), media_type)

    def get(self, sha256: str) -> bytes:
        path = self._path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ObjectNotFound(sha256) from None
        if sha256_hex(data) != sha256:
            raise IntegrityError(f"object {sha256} is corrupted (digest mismatch)")
        return data

    def verify(self, sha256: str) -> int:
        """Re-hash the file in chunks (an archived object may be large); its size."""
        h = hashlib.sha256()
        size = 0
        try:
            with self._path(sha256).open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
                    size += len(chunk)
        except FileNotFoundError:
            raise ObjectNotFound(sha256) from None
        if h.hexdigest() != sha256:
            raise IntegrityError(f"object {sha256} is corrupted (digest mismatch)")
        return size

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def stat(self, sha256: str) -> StoredObject:
        path = self._path(sha256)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ObjectNotFound(sha256) from None
        return StoredObject(sha256, size, "application/octet-stream")

    def iter_digests(self) -> Iterator[str]:
        for path in sorted(self._objects.glob("??/??/*")):
            if not path.name.startswith(".tmp-"):
                yield path.name

    def _lock_file(self, digest: str) -> Path:
        return self._locks / f"{check_digest(digest)}.json"

    def _lock_state(self, digest: str) -> dict[str, object]:
        try:
            return dict(json.loads(self._lock_file(digest).read_text()))
        except FileNotFoundError:
            return {}

    def _write_lock_state(self, digest: str, state: dict[str, object]) -> None:
        target = self._lock_file(digest)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, target)

    def lock(
        self,
        sha256: str,
        until: datetime,
        mode: RetentionMode = RetentionMode.COMPLIANCE,
        *,
        keep_longer: bool = False,
    ) -> None:
        if not self.exists(sha256):
            raise ObjectNotFound(sha256)
        state = self._lock_state(sha256)
        current = state.get("until")
        if isinstance(current, str) and datetime.fromisoformat(current) > until:
            if keep_longer:
                return
            raise ObjectLocked(f"retention of {sha256} cannot be shortened")
        state.update(until=until.astimezone(UTC).isoformat(), mode=str(mode))
        self._write_lock_state(sha256, state)

    def set_legal_hold(self, sha256: str, on: bool) -> None:
        if not self.exists(sha256):
            raise ObjectNotFound(sha256)
        state = self._lock_state(sha256)
        state["legal_hold"] = on
        self._write_lock_state(sha256, state)

    def delete(self, sha256: str) -> None:
        state = self._lock_state(sha256)
        if state.get("legal_hold"):
            raise ObjectLocked(f"{sha256} is under legal hold")
        until = state.get("until")
        if isinstance(until, str) and datetime.fromisoformat(until) > datetime.now(UTC):
            raise ObjectLocked(f"{sha256} is locked until {until}")
        path = self._path(sha256)
        if path.exists():
            os.chmod(path, 0o644)
            path.unlink()
