"""One contract for every ObjectStore backend: local filesystem, memory, and S3 (SeaweedFS)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

from ezd.storage import LocalObjectStore, MemoryObjectStore, ObjectLocked, ObjectNotFound, ObjectStore
from ezd.storage.cache import ReadCachingStore
from ezd.storage.port import TenantScopedStore, sha256_hex

BACKENDS = ["local", "memory", "s3", "cached-memory", "cached-s3"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects", fsync=False)
    if request.param == "memory":
        return MemoryObjectStore()
    if request.param == "cached-memory":
        return cast(ObjectStore, ReadCachingStore(MemoryObjectStore(), max_bytes=1 << 20))
    s3: ObjectStore = request.getfixturevalue("s3_store")
    if request.param == "cached-s3":  # what the app uses on S3 (ezd.bootstrap.make_store)
        return cast(ObjectStore, ReadCachingStore(s3, max_bytes=1 << 20))
    return s3


def test_put_is_content_addressed_and_idempotent(store: ObjectStore) -> None:
    a = store.put(b"pismo", "text/plain")
    b = store.put(b"pismo", "text/plain")
    assert a.sha256 == b.sha256 == sha256_hex(b"pismo")
    assert a.size == 5
    assert store.get(a.sha256) == b"pismo"
    assert store.exists(a.sha256)
    assert store.stat(a.sha256).size == 5
    assert list(store.iter_digests()).count(a.sha256) == 1


def test_missing_object(store: ObjectStore) -> None:
    missing = sha256_hex(b"nothing here")
    assert not store.exists(missing)
    with pytest.raises(ObjectNotFound):
        store.get(missing)
    with pytest.raises(ObjectNotFound):
        store.stat(missing)
    with pytest.raises(ObjectNotFound):
        store.lock(missing, datetime.now(UTC) + timedelta(days=1))


def test_digest_must_be_sha256_hex(store: ObjectStore) -> None:
    with pytest.raises(ValueError):
        store.get("../../etc/passwd")


def test_lock_can_be_extended_never_shortened(store: ObjectStore) -> None:
    obj = store.put(b"akta kategorii A")
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    store.lock(obj.sha256, until)
    store.lock(obj.sha256, until + timedelta(days=1))
    with pytest.raises(ObjectLocked):
        store.lock(obj.sha256, until)
    with pytest.raises(ObjectLocked):
        store.delete(obj.sha256)
    assert store.get(obj.sha256) == b"akta kategorii A"


def test_lock_many_keeps_a_longer_retention(store: ObjectStore) -> None:
    """Content shared with a case kept longer (same attachment in an A and a B5 case): archiving
    the shorter case must neither fail nor shorten the lock."""
    shared, own = store.put(b"wspolny zalacznik"), store.put(b"pismo sprawy B5")
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    store.lock(shared.sha256, until + timedelta(days=10))
    store.lock_many([shared.sha256, own.sha256], until)
    with pytest.raises(ObjectLocked):  # still locked beyond until + 5 days: not shortened
        store.lock(shared.sha256, until + timedelta(days=5))
    with pytest.raises(ObjectLocked):
        store.delete(own.sha256)
    store.lock(own.sha256, until)  # own was locked to exactly that date
    with pytest.raises(ObjectNotFound):
        store.lock_many([sha256_hex(b"nigdy nie zapisane")], until)


def test_legal_hold_blocks_delete_until_released(store: ObjectStore) -> None:
    obj = store.put(b"akta w sporze sadowym")
    store.set_legal_hold(obj.sha256, True)
    with pytest.raises(ObjectLocked):
        store.delete(obj.sha256)
    assert store.exists(obj.sha256)
    store.set_legal_hold(obj.sha256, False)
    store.delete(obj.sha256)
    assert not store.exists(obj.sha256)


def test_delete_allowed_after_lock_expiry(store: ObjectStore) -> None:
    obj = store.put(b"akta B5 po terminie")
    store.lock(obj.sha256, datetime.now(UTC) + timedelta(seconds=3))
    with pytest.raises(ObjectLocked):
        store.delete(obj.sha256)
    time.sleep(4)
    store.delete(obj.sha256)
    assert not store.exists(obj.sha256)


def test_tenant_views_are_separate(store: ObjectStore) -> None:
    assert isinstance(store, TenantScopedStore)
    a: Callable[[str], ObjectStore] = store.for_tenant
    sw, mg = a("sp-swidnik"), a("ug-melgiew")
    obj = sw.put(b"tylko dla Swidnika")
    assert sw.exists(obj.sha256)
    assert not mg.exists(obj.sha256)
    assert not store.exists(obj.sha256)
    with pytest.raises(ValueError):
        store.for_tenant("../evil")
