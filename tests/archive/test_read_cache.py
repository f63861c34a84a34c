"""The read cache in front of S3 (storage.cache): what it answers from memory and what never."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from ezd.archive_ops.fixity import check_object
from ezd.bootstrap import make_store
from ezd.config import Settings
from ezd.storage import MemoryObjectStore, ObjectNotFound
from ezd.storage.cache import ReadCachingStore
from ezd.storage.port import StoredObject, sha256_hex
from ezd.storage.s3 import S3ObjectStore


class CountingStore(MemoryObjectStore):
    """The memory store, counting the reads that reach it."""

    def __init__(self) -> None:
        super().__init__()
        self.gets = 0
        self.bulk_gets = 0

    def get(self, sha256: str) -> bytes:
        self.gets += 1
        return super().get(sha256)

    def get_many(self, digests: Any, *, skip_unreadable: bool = False) -> Any:
        self.bulk_gets += 1
        return super().get_many(digests, skip_unreadable=skip_unreadable)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def cached(store: CountingStore, clock: Clock | None = None, **kw: Any) -> ReadCachingStore:
    kw.setdefault("max_bytes", 1 << 20)
    return ReadCachingStore(store, clock=clock or Clock(), **kw)


def test_repeated_reads_and_reads_after_a_write_do_not_reach_the_store() -> None:
    inner = CountingStore()
    letter = inner.put(b"<pismo>wniosek</pismo>", "application/xml")
    cache = cached(inner)
    for _ in range(4):  # validate, verify signature, attachments, UPP
        assert cache.get(letter.sha256) == b"<pismo>wniosek</pismo>"
    assert inner.gets == 1
    signed = cache.put(b"<odpowiedz podpisana/>", "application/xml")  # the signing step
    assert cache.get(signed.sha256) == b"<odpowiedz podpisana/>"  # the dispatch step
    assert inner.gets == 1
    assert (cache.hits, cache.misses) == (4, 1)


def test_fixity_always_rehashes_the_stored_object() -> None:
    inner = CountingStore()
    obj = inner.put(b"akta kategorii A")
    cache = cached(inner)
    assert cache.get(obj.sha256) == b"akta kategorii A"
    inner.corrupt(obj.sha256)
    # a remembered copy was verified when read; a damaged store is still found by fixity
    assert check_object(cache, obj.sha256)[0] == "corrupted"
    # the archive's fixity check before a transfer reads in bulk: never from memory either
    with pytest.raises(Exception, match="corrupt"):
        list(cache.get_many([obj.sha256]))
    assert inner.bulk_gets == 1


def test_delete_forgets_and_other_deletes_are_seen_after_the_ttl() -> None:
    inner = CountingStore()
    clock = Clock()
    cache = cached(inner, clock, ttl_s=60)
    a = cache.put(b"akta B5 po terminie")
    cache.delete(a.sha256)
    with pytest.raises(ObjectNotFound):
        cache.get(a.sha256)
    b = cache.put(b"akta usuniete przez inny proces")
    inner.delete(b.sha256)  # disposal run by another process
    assert cache.get(b.sha256) == b"akta usuniete przez inny proces"  # within the TTL
    clock.now += 61
    with pytest.raises(ObjectNotFound):
        cache.get(b.sha256)


def test_memory_is_bounded_least_recently_used_first_and_big_objects_are_not_kept() -> None:
    inner = CountingStore()
    cache = cached(inner, max_bytes=300, max_object_bytes=150)
    objs = [cache.put(bytes([i]) * 100) for i in range(3)]  # 300 bytes: all fit
    cache.get(objs[0].sha256)  # now the most recently used
    cache.put(b"x" * 100)  # 400 > 300: the least recently used (objs[1]) goes
    inner.gets = 0
    cache.get(objs[0].sha256)
    cache.get(objs[2].sha256)
    assert inner.gets == 0
    cache.get(objs[1].sha256)
    assert inner.gets == 1
    big = cache.put(b"y" * 151)
    cache.get(big.sha256)
    assert inner.gets == 2


def test_bytes_are_never_remembered_under_another_digest() -> None:
    class LyingStore(CountingStore):
        def put(self, data: bytes, media_type: str = "application/octet-stream") -> StoredObject:
            stored = super().put(data, media_type)
            return StoredObject(sha256_hex(b"something else"), stored.size, media_type)

    inner = LyingStore()
    cache = cached(inner)
    wrong = cache.put(b"tresc")
    with pytest.raises(ObjectNotFound):
        cache.get(wrong.sha256)


def test_the_app_puts_the_cache_in_front_of_s3_only(tmp_path: Path) -> None:
    settings = Settings(
        home=tmp_path, s3_endpoint="127.0.0.1:1", s3_access_key=SecretStr("a"), s3_secret_key=SecretStr("b")
    )
    store = make_store(settings)
    assert isinstance(store, ReadCachingStore) and isinstance(store.store, S3ObjectStore)
    assert store.max_bytes == 32 * 1024 * 1024
    off = make_store(settings.model_copy(update={"s3_read_cache_mb": 0}))
    assert isinstance(off, S3ObjectStore)
    assert not isinstance(make_store(Settings(home=tmp_path, s3_endpoint=None)), ReadCachingStore)
