"""Bulk operations of every ObjectStore backend (get_many, put_many, lock_many), and the S3 pool.

The contract: the same results and the same exception types as the single-object calls, in the
order given, each distinct object once; S3 runs them concurrently on a small bounded pool.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from minio import Minio

from ezd.storage import (
    IntegrityError,
    LocalObjectStore,
    MemoryObjectStore,
    ObjectLocked,
    ObjectNotFound,
    ObjectStore,
)
from ezd.storage.port import sha256_hex
from ezd.storage.s3 import S3ObjectStore
from ezd.storage.s3_layout import object_key as _key
from ezd.storage.s3_pool import DEFAULT_CONCURRENCY

Corrupt = Callable[[str], None]


@pytest.fixture(params=["local", "memory", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[ObjectStore, Corrupt]:
    """A store and a way to damage one of its objects behind its back."""
    if request.param == "local":
        local = LocalObjectStore(tmp_path / "objects", fsync=False)

        def corrupt_file(digest: str) -> None:
            path = local.path_of(digest)
            path.chmod(0o644)
            path.write_bytes(b"bit rot")

        return local, corrupt_file
    if request.param == "memory":
        memory = MemoryObjectStore()
        return memory, memory.corrupt
    s3: S3ObjectStore = request.getfixturevalue("s3_store")

    def overwrite_key(digest: str) -> None:  # a new, tampered latest version
        s3.client.put_object(s3.bucket, _key(digest), io.BytesIO(b"podmienione"), 11)

    return s3, overwrite_key


def _put(store: ObjectStore, *payloads: bytes) -> list[str]:
    return [store.put(p, "text/plain").sha256 for p in payloads]


def test_get_many_gives_each_object_once_in_order(backend: tuple[ObjectStore, Corrupt]) -> None:
    store, _ = backend
    payloads = [f"pismo {i}".encode() for i in range(7)]
    d = _put(store, *payloads)
    got = list(store.get_many([d[3], d[0], d[3], *d[4:], d[1]]))
    assert got == [
        (d[3], payloads[3]),
        (d[0], payloads[0]),
        *zip(d[4:], payloads[4:], strict=True),
        (d[1], payloads[1]),
    ]
    assert list(store.get_many([])) == []


@pytest.mark.parametrize("damage", ["missing", "corrupted"])
def test_get_many_raises_at_the_first_failure(backend: tuple[ObjectStore, Corrupt], damage: str) -> None:
    store, corrupt = backend
    good = _put(store, b"akta 1", b"akta 2", b"akta 3")
    if damage == "missing":
        bad, error = sha256_hex(b"nigdy nie zapisane"), ObjectNotFound
    else:
        bad, error = _put(store, b"akta uszkodzone")[0], IntegrityError
        corrupt(bad)
    it = store.get_many([good[0], bad, good[1], good[2]])
    assert next(it) == (good[0], b"akta 1")
    with pytest.raises(error):
        next(it)
    # the objects around it are still readable one by one
    assert store.get(good[2]) == b"akta 3"


def test_get_many_can_skip_unreadable_objects(backend: tuple[ObjectStore, Corrupt]) -> None:
    store, corrupt = backend
    a, damaged, b = _put(store, b"a", b"uszkodzony", b"b")
    corrupt(damaged)
    missing = sha256_hex(b"brak")
    got = list(store.get_many([missing, a, damaged, b], skip_unreadable=True))
    assert got == [(a, b"a"), (b, b"b")]


def test_bulk_calls_reject_malformed_digests_before_any_io(backend: tuple[ObjectStore, Corrupt]) -> None:
    store, _ = backend
    (good,) = _put(store, b"do zablokowania?")
    with pytest.raises(ValueError):
        store.get_many([good, "../../etc/passwd"])  # at the call, not at the first next()
    with pytest.raises(ValueError):
        store.lock_many([good, "not-a-digest"], datetime.now(UTC) + timedelta(days=30))
    store.delete(good)  # nothing was locked
    assert not store.exists(good)


def test_put_many_stores_each_content_once_in_order(backend: tuple[ObjectStore, Corrupt]) -> None:
    store, _ = backend
    items = [(b"<a/>", "application/xml"), (b"tekst", "text/plain"), (b"<a/>", "application/xml")]
    stored = store.put_many(items)
    assert [s.sha256 for s in stored] == [sha256_hex(b"<a/>"), sha256_hex(b"tekst"), sha256_hex(b"<a/>")]
    assert [s.size for s in stored] == [4, 5, 4]
    assert stored[1].media_type == "text/plain"
    assert store.get(stored[0].sha256) == b"<a/>"
    assert store.put_many([]) == []
    assert store.put_many(items) == stored  # idempotent, like put


def test_lock_many_locks_every_object(backend: tuple[ObjectStore, Corrupt]) -> None:
    store, _ = backend
    digests = _put(store, *(f"akta kategorii A nr {i}".encode() for i in range(9)))
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    store.lock_many([*digests, digests[0]], until)
    for digest in digests:
        with pytest.raises(ObjectLocked):
            store.delete(digest)
        with pytest.raises(ObjectLocked):  # the single-object rule still holds: never shorter
            store.lock(digest, until - timedelta(days=1))
    store.lock_many(digests, until)  # again: no change, no error (the archive task may run twice)
    store.lock_many(digests, until + timedelta(days=1))


def test_lock_many_fails_when_an_object_is_missing(backend: tuple[ObjectStore, Corrupt]) -> None:
    store, _ = backend
    digests = _put(store, *(f"sprawa {i}".encode() for i in range(6)))
    missing = sha256_hex(b"usuniete")
    with pytest.raises(ObjectNotFound):
        store.lock_many([*digests[:3], missing, *digests[3:]], datetime.now(UTC) + timedelta(days=30))


def test_lock_many_keeps_longer_retention_and_locks_the_rest(backend: tuple[ObjectStore, Corrupt]) -> None:
    store, _ = backend
    digests = _put(store, *(f"akta osobowe {i}".encode() for i in range(6)))
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    store.lock(digests[4], until + timedelta(days=10))
    store.lock_many(digests, until)  # at least until: the longer lock is not an error
    # the longer lock stands (a shorter date is still refused), the others hold exactly until
    store.lock(digests[4], until + timedelta(days=10))
    with pytest.raises(ObjectLocked):
        store.lock(digests[4], until + timedelta(days=9))
    for digest in (*digests[:4], digests[5]):
        store.lock(digest, until)
        with pytest.raises(ObjectLocked):
            store.lock(digest, until - timedelta(days=1))


# ---------------------------------------------------------------------- S3: the pool itself


def _track_requests(client: Minio, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the client's HTTP requests and the most in flight at once (each held a little longer
    than the server takes, so that overlapping requests do overlap)."""
    seen = {"requests": 0, "in_flight": 0, "max_in_flight": 0}
    guard = threading.Lock()
    original = client._url_open

    def url_open(*args: Any, **kwargs: Any) -> Any:
        with guard:
            seen["requests"] += 1
            seen["in_flight"] += 1
            seen["max_in_flight"] = max(seen["max_in_flight"], seen["in_flight"])
        try:
            time.sleep(0.02)
            return original(*args, **kwargs)
        finally:
            with guard:
                seen["in_flight"] -= 1

    monkeypatch.setattr(client, "_url_open", url_open)
    return seen


def test_s3_bulk_requests_run_concurrently_and_bounded(
    s3_store: S3ObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    digests = _put(s3_store, *(f"decyzja {i}".encode() for i in range(10)))
    seen = _track_requests(s3_store.client, monkeypatch)
    s3_store.lock_many(digests, datetime.now(UTC) + timedelta(days=30))
    assert seen["requests"] == len(digests)  # set retention only (none was locked): no more
    assert 2 <= seen["max_in_flight"] <= DEFAULT_CONCURRENCY
    seen.update(requests=0, max_in_flight=0)
    assert [d for d, _ in s3_store.get_many(digests)] == digests
    assert seen["requests"] == len(digests)
    assert 2 <= seen["max_in_flight"] <= DEFAULT_CONCURRENCY


def test_s3_get_many_starts_reading_before_the_first_next(
    s3_store: S3ObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    digests = _put(s3_store, *(f"pismo {i}".encode() for i in range(6)))
    seen = _track_requests(s3_store.client, monkeypatch)
    reads = s3_store.get_many(digests)
    deadline = time.monotonic() + 5
    while seen["requests"] < DEFAULT_CONCURRENCY and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen["requests"] == DEFAULT_CONCURRENCY  # a window ahead, not the whole list
    assert [d for d, _ in reads] == digests


def test_s3_pool_is_lazy_shared_and_renewed_after_fork(s3_client: Minio) -> None:
    store = S3ObjectStore(s3_client, "tlazy-objects", bucket_prefix="tlazy")
    assert store._pool._executor is None  # constructing a store starts no thread
    tenant = store.for_tenant("sp-swidnik")
    assert tenant._pool is store._pool
    first = store._pool.executor()
    assert store._pool.executor() is first
    store._pool._pid = -1  # as a forked child sees it: the parent's threads are gone
    assert store._pool.executor() is not first


def test_s3_put_many_writes_one_version_per_content(s3_store: S3ObjectStore) -> None:
    stored = s3_store.put_many([(b"<metadane/>", "application/xml")] * 3 + [(b"<inne/>", "application/xml")])
    assert {s.sha256 for s in stored} == {sha256_hex(b"<metadane/>"), sha256_hex(b"<inne/>")}
    key = _key(sha256_hex(b"<metadane/>"))
    versions = [
        o
        for o in s3_store.client.list_objects(s3_store.bucket, prefix=key, include_version=True)
        if o.object_name == key
    ]
    assert len(versions) == 1
