"""S3 object store over the minio SDK: content addressing, verified writes and reads, WORM.

Layout: one bucket per scope, created with S3 object lock (which implies versioning).  The
shared bucket is ``<prefix>-objects``; :meth:`S3ObjectStore.for_tenant` gives a view on the
tenant's own bucket ``<prefix>-t-<tenant>``, so one office's content never shares a bucket (or
a bucket policy) with another's.  Object keys are ``sha256/<ab>/<digest>``.

Integrity:

* on write the SHA-256 travels with the request (``x-amz-checksum-sha256``; over plain HTTP
  the payload is also SigV4-signed by its SHA-256), the server refuses a mismatch, and the
  returned ETag is compared with the MD5 (single part) or the multipart ETag we compute
  ourselves from the part MD5s;
* on read the bytes are re-hashed and must equal the address, else :class:`IntegrityError`.

Bulk operations (:meth:`S3ObjectStore.get_many`, ``put_many``, ``lock_many``) send their
independent requests through a small thread pool (``concurrency``, default 4) shared by a store
and its tenant views; the minio client is thread-safe.  The pool is created on first use and
again in a forked child, so importing or constructing a store starts no thread.

WORM: :meth:`lock` sets COMPLIANCE retention on the current version (the server refuses to
shorten it and to delete the version before it expires, even for the root account);
:meth:`set_legal_hold` freezes deletion regardless of retention.  Overwriting a key creates a
new version -- the locked one stays -- and a read of a tampered latest version fails its digest.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from minio import Minio
from minio.commonconfig import COMPLIANCE, GOVERNANCE
from minio.error import S3Error
from minio.retention import Retention

from ezd.storage.errors import IntegrityError, ObjectLocked, ObjectNotFound, StorageError
from ezd.storage.port import (
    RetentionMode,
    StoredObject,
    check_tenant_code,
    distinct_digests,
    sha256_hex,
)
from ezd.storage.s3_layout import LOCKED as _LOCKED
from ezd.storage.s3_layout import (
    MIB,
    b64,
    expected_etag,
    multipart_etag,
    object_key,
    prepare_bucket,
)
from ezd.storage.s3_layout import NO_LOCK as _NO_LOCK
from ezd.storage.s3_layout import NOT_FOUND as _NOT_FOUND
from ezd.storage.s3_pool import DEFAULT_CONCURRENCY, RequestPool

if TYPE_CHECKING:
    from ezd.config import Settings

DEFAULT_PART_SIZE = 16 * MIB  # S3 minimum is 5 MiB; 16 MiB keeps part counts low for scans
MAX_PRESIGN = timedelta(minutes=15)
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
log = logging.getLogger("ezd.storage")
_HASH_CHUNK = MIB


class S3ObjectStore:
    """Content-addressed WORM store on an S3 server with object lock (SeaweedFS, MinIO, AWS)."""

    def __init__(
        self,
        client: Minio,
        bucket: str,
        *,
        bucket_prefix: str = "ezd",
        part_size: int = DEFAULT_PART_SIZE,
        apply_policy: bool = True,
        concurrency: int = DEFAULT_CONCURRENCY,
        pool: RequestPool | None = None,
    ) -> None:
        if not _BUCKET.match(bucket):
            raise StorageError(f"invalid bucket name {bucket!r}")
        if part_size < 5 * MIB:
            raise StorageError("S3 multipart parts must be at least 5 MiB")
        self.client = client
        self.bucket = bucket
        self.bucket_prefix = bucket_prefix
        self.part_size = part_size
        self._apply_policy = apply_policy
        self._ready = False
        self._ready_lock = threading.Lock()
        self._pool = pool or RequestPool(concurrency)

    def close(self) -> None:
        """Stop the transfer threads (shared with the tenant stores of :meth:`for_tenant`).

        Idle threads would otherwise live as long as the process; a store used again after
        ``close`` starts new ones.
        """
        self._pool.close()

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_settings(cls, settings: Settings) -> S3ObjectStore:
        if not settings.s3_endpoint:
            raise StorageError("EZD_S3_ENDPOINT is not set")
        access = (
            settings.s3_access_key.get_secret_value()
            if settings.s3_access_key
            else os.environ.get("AWS_ACCESS_KEY_ID")
        )
        secret = (
            settings.s3_secret_key.get_secret_value()
            if settings.s3_secret_key
            else os.environ.get("AWS_SECRET_ACCESS_KEY")
        )
        if not access or not secret:
            raise StorageError("S3 credentials missing: set EZD_S3_ACCESS_KEY/EZD_S3_SECRET_KEY")
        client = Minio(settings.s3_endpoint, access_key=access, secret_key=secret, secure=settings.s3_secure)
        return cls(client, f"{settings.s3_bucket_prefix}-objects", bucket_prefix=settings.s3_bucket_prefix)

    def for_tenant(self, tenant_code: str) -> S3ObjectStore:
        """The tenant's own bucket (``<prefix>-t-<code>``), with object lock and its policy."""
        bucket = f"{self.bucket_prefix}-t-{check_tenant_code(tenant_code)}"
        if not _BUCKET.match(bucket):
            raise StorageError(f"tenant code {tenant_code!r} cannot name a bucket")
        return S3ObjectStore(
            self.client,
            bucket,
            bucket_prefix=self.bucket_prefix,
            part_size=self.part_size,
            apply_policy=self._apply_policy,
            pool=self._pool,  # tenant views share the store's requests in flight
        )

    def ensure_bucket(self) -> None:
        """Create the bucket with object lock (idempotent); refuse a bucket without it."""
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                prepare_bucket(self.client, self.bucket, apply_policy=self._apply_policy)
                self._ready = True

    # ------------------------------------------------------------------ writes
    def put(self, data: bytes, media_type: str = "application/octet-stream") -> StoredObject:
        self.ensure_bucket()
        digest = sha256_hex(data)
        existing = self._stat_or_none(digest)
        if existing is not None:
            return existing
        sha = hashlib.sha256(data).digest()
        result = self.client.put_object(
            self.bucket,
            object_key(digest),
            io.BytesIO(data),
            len(data),
            content_type=media_type,
            metadata={"x-amz-checksum-sha256": b64(sha)} if len(data) <= self.part_size else None,
            part_size=self.part_size,
            num_parallel_uploads=2,
        )
        self._verify_etag(digest, result.etag, expected_etag(data, self.part_size))
        return StoredObject(digest, len(data), media_type)

    def put_file(self, path: Path, media_type: str = "application/octet-stream") -> StoredObject:
        """Stream a (large) file in: hash it and its parts in one pass, then multipart upload."""
        self.ensure_bucket()
        sha = hashlib.sha256()
        parts: list[bytes] = []
        size = 0
        with open(path, "rb") as fh:
            while chunk := fh.read(self.part_size):
                sha.update(chunk)
                parts.append(hashlib.md5(chunk, usedforsecurity=False).digest())
                size += len(chunk)
        digest = sha.hexdigest()
        existing = self._stat_or_none(digest)
        if existing is not None:
            return existing
        if len(parts) <= 1:
            return self.put(Path(path).read_bytes(), media_type)
        result = self.client.fput_object(
            self.bucket, object_key(digest), str(path), content_type=media_type, part_size=self.part_size
        )
        self._verify_etag(digest, result.etag, multipart_etag(parts))
        return StoredObject(digest, size, media_type)

    def _verify_etag(self, digest: str, got: str | None, expected: str) -> None:
        if (got or "").strip('"') != expected:
            raise IntegrityError(f"upload of {digest} was not stored intact (ETag {got!r} != {expected!r})")

    # ------------------------------------------------------------------ reads
    def _stat_or_none(self, digest: str) -> StoredObject | None:
        try:
            st = self.client.stat_object(self.bucket, object_key(digest))
        except S3Error as exc:
            if exc.code in _NOT_FOUND:
                return None
            raise StorageError(f"stat {digest}: {exc.code}") from exc
        return StoredObject(digest, int(st.size or 0), st.content_type or "application/octet-stream")

    def get(self, sha256: str) -> bytes:
        self.ensure_bucket()
        h = hashlib.sha256()
        buf = io.BytesIO()
        for chunk in self._stream(sha256):
            h.update(chunk)
            buf.write(chunk)
        if h.hexdigest() != sha256:
            raise IntegrityError(f"object {sha256} is corrupted (digest mismatch)")
        return buf.getvalue()

    def verify(self, sha256: str) -> int:
        """Re-hash the object without keeping it in memory; returns its size."""
        self.ensure_bucket()
        h = hashlib.sha256()
        size = 0
        for chunk in self._stream(sha256):
            h.update(chunk)
            size += len(chunk)
        if h.hexdigest() != sha256:
            raise IntegrityError(f"object {sha256} is corrupted (digest mismatch)")
        return size

    def _stream(self, digest: str) -> Iterator[bytes]:
        try:
            resp = self.client.get_object(self.bucket, object_key(digest))
        except S3Error as exc:
            if exc.code in _NOT_FOUND:
                raise ObjectNotFound(digest) from None
            raise StorageError(f"get {digest}: {exc.code}") from exc
        try:
            yield from resp.stream(_HASH_CHUNK)
        finally:
            resp.close()
            resp.release_conn()

    def exists(self, sha256: str) -> bool:
        self.ensure_bucket()
        return self._stat_or_none(sha256) is not None

    def stat(self, sha256: str) -> StoredObject:
        self.ensure_bucket()
        found = self._stat_or_none(sha256)
        if found is None:
            raise ObjectNotFound(sha256)
        return found

    def iter_digests(self) -> Iterator[str]:
        self.ensure_bucket()
        for obj in self.client.list_objects(self.bucket, prefix="sha256/", recursive=True):
            name = (obj.object_name or "").rsplit("/", 1)[-1]
            if re.fullmatch(r"[0-9a-f]{64}", name):
                yield name

    def presigned_url(self, sha256: str, ttl: timedelta = timedelta(minutes=5)) -> str:
        """A short-lived download link (at most 15 minutes) for a client that fetches content itself."""
        if ttl <= timedelta(0) or ttl > MAX_PRESIGN:
            raise StorageError(f"presigned links live between 1 s and {MAX_PRESIGN}")
        self.stat(sha256)
        return self.client.presigned_get_object(self.bucket, object_key(sha256), expires=ttl)

    def get_many(
        self, digests: Iterable[str], *, skip_unreadable: bool = False
    ) -> Iterator[tuple[str, bytes]]:
        """Verified bytes of each distinct digest in order; up to ``concurrency`` reads in flight,
        the first of them started before this returns."""
        todo = distinct_digests(digests)
        self.ensure_bucket()
        return self._pool.read_ahead(self.get, todo, skip_unreadable)

    def put_many(self, items: Sequence[tuple[bytes, str]]) -> list[StoredObject]:
        """Concurrent :meth:`put` of each distinct content; results in the order given."""
        self.ensure_bucket()
        digests = [sha256_hex(data) for data, _ in items]
        first: dict[str, int] = {}  # each content once: two concurrent puts would make two versions
        for i, digest in enumerate(digests):
            first.setdefault(digest, i)
        unique = list(first.values())
        results = self._pool.run_all(lambda i: self.put(*items[i]), unique)
        stored = {digests[i]: obj for i, obj in zip(unique, results, strict=True)}
        return [stored[digest] for digest in digests]

    # ------------------------------------------------------------------ WORM
    def retention(self, sha256: str) -> datetime | None:
        """Current retain-until date of the object's latest version (None if unlocked)."""
        try:
            ret = self.client.get_object_retention(self.bucket, object_key(sha256))
        except S3Error as exc:
            if exc.code in _NOT_FOUND:
                if not self.exists(sha256):
                    raise ObjectNotFound(sha256) from None
                return None
            if exc.code in _NO_LOCK:
                return None
            raise StorageError(f"retention of {sha256}: {exc.code}") from exc
        if ret is None or ret.retain_until_date is None:
            return None
        return ret.retain_until_date

    def lock(
        self,
        sha256: str,
        until: datetime,
        mode: RetentionMode = RetentionMode.COMPLIANCE,
        *,
        keep_longer: bool = False,
    ) -> None:
        self.ensure_bucket()
        if until.tzinfo is None:
            until = until.replace(tzinfo=UTC)
        if keep_longer:
            self._lock_at_least(sha256, until, mode)
            return
        # Two requests: the current retention (which also says whether the object exists) and
        # the new one. The client-side "never shorter" check stays even though COMPLIANCE
        # servers refuse it too: a GOVERNANCE bucket or a lax server would not.
        current = self.retention(sha256)
        if current is not None and until < current:
            raise ObjectLocked(
                f"retention of {sha256} cannot be shortened (locked until {current.isoformat()})"
            )
        if current is not None and until == current:
            return
        self._set_retention(sha256, until, mode)

    def _lock_at_least(self, sha256: str, until: datetime, mode: RetentionMode) -> None:
        """One request in the usual case (an object not yet locked, or locked shorter): the new
        date is set straight away. Object-lock servers (AWS S3, MinIO, SeaweedFS: see the store
        contract tests) refuse a shorter date for COMPLIANCE and for GOVERNANCE without the
        bypass header, which ezd never sends; only then is the current date read, and a longer
        one is kept. ``ensure_bucket`` refuses buckets without object lock."""
        try:
            self._set_retention(sha256, until, mode)
        except ObjectLocked:
            current = self.retention(sha256)
            if current is None or current < until:
                raise
            log.info("retention of %s kept until %s (asked: %s)", sha256, current, until)

    def _set_retention(self, sha256: str, until: datetime, mode: RetentionMode) -> None:
        s3_mode = COMPLIANCE if mode == RetentionMode.COMPLIANCE else GOVERNANCE
        try:
            self.client.set_object_retention(self.bucket, object_key(sha256), Retention(s3_mode, until))
        except S3Error as exc:
            if exc.code in _NOT_FOUND:
                raise ObjectNotFound(sha256) from None
            if exc.code in _LOCKED:
                raise ObjectLocked(f"retention of {sha256} refused by the server: {exc.code}") from exc
            raise StorageError(f"lock {sha256}: {exc.code}") from exc

    def lock_many(
        self, digests: Iterable[str], until: datetime, mode: RetentionMode = RetentionMode.COMPLIANCE
    ) -> None:
        """Concurrent :meth:`lock` with ``keep_longer`` of each distinct digest; returns when
        every one is locked at least until ``until``, else raises the first failure in the
        order given."""
        todo = distinct_digests(digests)
        self.ensure_bucket()
        self._pool.run_all(lambda digest: self.lock(digest, until, mode, keep_longer=True), todo)

    def set_legal_hold(self, sha256: str, on: bool) -> None:
        self.ensure_bucket()
        if not self.exists(sha256):
            raise ObjectNotFound(sha256)
        if on:
            self.client.enable_object_legal_hold(self.bucket, object_key(sha256))
        else:
            self.client.disable_object_legal_hold(self.bucket, object_key(sha256))

    def legal_hold(self, sha256: str) -> bool:
        try:
            return bool(self.client.is_object_legal_hold_enabled(self.bucket, object_key(sha256)))
        except S3Error as exc:
            if exc.code in _NO_LOCK or exc.code in _NOT_FOUND:
                return False
            raise StorageError(f"legal hold of {sha256}: {exc.code}") from exc

    def delete(self, sha256: str) -> None:
        """Destroy every version of the object; refused while a retention lock or legal hold holds."""
        self.ensure_bucket()
        key = object_key(sha256)
        versions = [
            o.version_id
            for o in self.client.list_objects(self.bucket, prefix=key, include_version=True)
            if o.object_name == key
        ]
        if not versions:
            return
        if self.legal_hold(sha256):
            raise ObjectLocked(f"{sha256} is under legal hold")
        until = self.retention(sha256)
        if until is not None and until > datetime.now(UTC):
            raise ObjectLocked(f"{sha256} is locked until {until.isoformat()}")
        for version in versions:
            try:
                self.client.remove_object(self.bucket, key, version_id=version)
            except S3Error as exc:
                if exc.code in _LOCKED:
                    raise ObjectLocked(f"{sha256}: the server refused deletion ({exc.code})") from exc
                raise StorageError(f"delete {sha256}: {exc.code}") from exc
