"""Recently read or written objects, kept in memory for a short while (a read cache).

Why: on the distributed stack one letter is read from S3 by four worker steps in a row
(validate, verify the signature, extract the attachments, the UPP), and the signed reply is read
by the dispatch step right after the signing step wrote it. Each such read is a network round
trip and work for the S3 server. Objects are addressed by their SHA-256, so a remembered copy
can never be a *different* version of the object: the only question is whether the object is
still there.

What it never answers from memory:

* ``verify`` (fixity): always re-reads and re-hashes the stored object;
* ``get_many``: the archive's fixity check before a transfer and its search-text reads go to
  the store, so a damaged object is found when the case is archived;
* ``exists`` / ``stat`` / locks / legal holds / listings: delegated as they are.

Staleness: an object deleted through *another* process (disposal -- brakowanie -- of records
kept for years) can still be served here for at most ``ttl_s`` seconds. A delete through this
store forgets the object at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime

from ezd.storage.port import ObjectStore, RetentionMode, StoredObject, TenantScopedStore, sha256_hex


class ReadCachingStore:
    """An :class:`ObjectStore` that remembers the bytes of recent ``get`` and ``put`` calls.

    Bounded by ``max_bytes`` in all (least recently used go first); an object larger than
    ``max_object_bytes`` is never kept. Safe to share between threads.
    """

    def __init__(
        self,
        store: ObjectStore,
        *,
        max_bytes: int,
        max_object_bytes: int | None = None,
        ttl_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self.max_object_bytes = max_object_bytes if max_object_bytes is not None else max(max_bytes // 8, 1)
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()  # digest -> (expiry, data)
        self._size = 0
        self._guard = threading.Lock()
        self.hits = 0
        self.misses = 0

    # ------------------------------------------------------------------ cached
    def get(self, sha256: str) -> bytes:
        data = self._recall(sha256)
        if data is not None:
            return data
        data = self.store.get(sha256)  # verified against the digest by the store
        self._remember(sha256, data)
        return data

    def put(self, data: bytes, media_type: str = "application/octet-stream") -> StoredObject:
        stored = self.store.put(data, media_type)
        self._remember(stored.sha256, data)
        return stored

    def put_many(self, items: Sequence[tuple[bytes, str]]) -> list[StoredObject]:
        stored = self.store.put_many(items)
        for obj, (data, _) in zip(stored, items, strict=True):
            self._remember(obj.sha256, data)
        return stored

    def delete(self, sha256: str) -> None:
        self.forget(sha256)
        self.store.delete(sha256)

    def forget(self, sha256: str) -> None:
        with self._guard:
            self._drop(sha256)

    # ------------------------------------------------------------------ always the store
    def exists(self, sha256: str) -> bool:
        return self.store.exists(sha256)

    def stat(self, sha256: str) -> StoredObject:
        return self.store.stat(sha256)

    def iter_digests(self) -> Iterator[str]:
        return self.store.iter_digests()

    def lock(
        self,
        sha256: str,
        until: datetime,
        mode: RetentionMode = RetentionMode.COMPLIANCE,
        *,
        keep_longer: bool = False,
    ) -> None:
        self.store.lock(sha256, until, mode, keep_longer=keep_longer)

    def set_legal_hold(self, sha256: str, on: bool) -> None:
        self.store.set_legal_hold(sha256, on)

    def get_many(
        self, digests: Iterable[str], *, skip_unreadable: bool = False
    ) -> Iterator[tuple[str, bytes]]:
        return self.store.get_many(digests, skip_unreadable=skip_unreadable)

    def lock_many(
        self, digests: Iterable[str], until: datetime, mode: RetentionMode = RetentionMode.COMPLIANCE
    ) -> None:
        self.store.lock_many(digests, until, mode)

    def verify(self, sha256: str) -> int:
        """Fixity: re-read and re-hash the stored object (never the remembered copy)."""
        return self.store.verify(sha256)

    def for_tenant(self, tenant_code: str) -> ObjectStore:
        """The backend's view of one tenant (see TenantScopedStore), read without this cache."""
        if not isinstance(self.store, TenantScopedStore):
            raise TypeError(f"{type(self.store).__name__} keeps no separate tenant views")
        return self.store.for_tenant(tenant_code)

    # ------------------------------------------------------------------ the memory
    def _recall(self, sha256: str) -> bytes | None:
        now = self._clock()
        with self._guard:
            entry = self._entries.get(sha256)
            if entry is None or entry[0] <= now:
                if entry is not None:
                    self._drop(sha256)
                self.misses += 1
                return None
            self._entries.move_to_end(sha256)
            self.hits += 1
            return entry[1]

    def _remember(self, sha256: str, data: bytes) -> None:
        if len(data) > self.max_object_bytes or self.max_bytes <= 0:
            return
        if sha256_hex(data) != sha256:  # never keep bytes under a name that is not theirs
            return
        expiry = self._clock() + self.ttl_s
        with self._guard:
            self._drop(sha256)
            self._entries[sha256] = (expiry, data)
            self._size += len(data)
            while self._size > self.max_bytes:
                _, (_, old) = self._entries.popitem(last=False)
                self._size -= len(old)

    def _drop(self, sha256: str) -> None:
        entry = self._entries.pop(sha256, None)
        if entry is not None:
            self._size -= len(entry[1])
