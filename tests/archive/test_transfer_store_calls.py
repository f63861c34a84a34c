"""What the two archive worker steps ask of the object store.

``ezd.archive-prepare`` hands the metadata objects' sizes to ``ezd.archive`` in the process
variables, so the archive step does not ask the store for them; process instances prepared
before that (only ``metadata_objects``) still archive, asking the store instead.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ezd.archive_ops.register import load_case_documents
from ezd.bootstrap import App, bootstrap
from ezd.db.migrate import upgrade
from ezd.db.tables import CaseFile, Tenant
from ezd.db.tables_archive import ArchiveEntry
from ezd.demo.driver import Demo
from ezd.jobs import handlers
from ezd.jobs.handlers import HANDLERS
from ezd.records.errors import InvalidState
from ezd.services import archive
from ezd.services.deps import Deps
from ezd.services.lookup import case_by_sign, tenant_by_code
from ezd.storage import MemoryObjectStore, StoredObject
from ezd.storage.port import RetentionMode
from ezd.storage.s3 import S3ObjectStore
from ezd.workers.task import TaskInput
from tests.conftest import make_settings


class RecordingStore:
    """The memory store, with every port call counted under the worker topic that made it."""

    def __init__(self) -> None:
        self.inner = MemoryObjectStore()
        self.topic = "other"
        self.calls: Counter[tuple[str, str]] = Counter()

    def _note(self, method: str) -> None:
        self.calls[self.topic, method] += 1

    def of(self, topic: str) -> Counter[str]:
        return Counter({m: n for (t, m), n in self.calls.items() if t == topic})

    def put(self, data: bytes, media_type: str = "application/octet-stream") -> StoredObject:
        self._note("put")
        return self.inner.put(data, media_type)

    def get(self, sha256: str) -> bytes:
        self._note("get")
        return self.inner.get(sha256)

    def exists(self, sha256: str) -> bool:
        self._note("exists")
        return self.inner.exists(sha256)

    def stat(self, sha256: str) -> StoredObject:
        self._note("stat")
        return self.inner.stat(sha256)

    def iter_digests(self) -> Iterator[str]:
        self._note("iter_digests")
        return self.inner.iter_digests()

    def lock(
        self,
        sha256: str,
        until: datetime,
        mode: RetentionMode = RetentionMode.COMPLIANCE,
        *,
        keep_longer: bool = False,
    ) -> None:
        self._note("lock")
        self.inner.lock(sha256, until, mode, keep_longer=keep_longer)

    def set_legal_hold(self, sha256: str, on: bool) -> None:
        self._note("set_legal_hold")
        self.inner.set_legal_hold(sha256, on)

    def delete(self, sha256: str) -> None:
        self._note("delete")
        self.inner.delete(sha256)

    def get_many(
        self, digests: Iterable[str], *, skip_unreadable: bool = False
    ) -> Iterator[tuple[str, bytes]]:
        self._note("get_many")
        return self.inner.get_many(digests, skip_unreadable=skip_unreadable)

    def put_many(self, items: Sequence[tuple[bytes, str]]) -> list[StoredObject]:
        self._note("put_many")
        return self.inner.put_many(items)

    def lock_many(
        self, digests: Iterable[str], until: datetime, mode: RetentionMode = RetentionMode.COMPLIANCE
    ) -> None:
        self._note("lock_many")
        self.inner.lock_many(digests, until, mode)


@pytest.fixture
def recorded(
    seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[App, RecordingStore]]:
    home = tmp_path / "ezd"
    shutil.copytree(seeded_template, home)
    store = RecordingStore()
    app = bootstrap(make_settings(home), store=store)
    upgrade(app.db, "heads")
    for topic in ("ezd.archive-prepare", "ezd.archive"):
        monkeypatch.setitem(HANDLERS, topic, _under_topic(store, topic, HANDLERS[topic]))
    yield app, store
    app.db.dispose()


def _under_topic(store: RecordingStore, topic: str, handler: handlers.Handler) -> handlers.Handler:
    def run(task: TaskInput, deps: Deps) -> dict[str, Any]:
        store.topic = topic
        try:
            return handler(task, deps)
        finally:
            store.topic = "other"

    return run


def _entries(app: App, store: RecordingStore) -> list[ArchiveEntry]:
    with app.uow() as uow:
        entries = list(uow.session.execute(select(ArchiveEntry).order_by(ArchiveEntry.id)).scalars())
        for entry in entries:
            for obj in entry.objects:
                # every object's size in the register is the size of what is stored
                assert obj.size == len(store.inner.get(obj.sha256)), (entry.case_sign, obj.role)
        uow.session.expunge_all()
    return entries


def test_archive_step_takes_metadata_sizes_from_prepare(recorded: tuple[App, RecordingStore]) -> None:
    app, store = recorded
    result = Demo(app).run(2)
    assert result.cases_archived == 2
    entries = _entries(app, store)
    assert len(entries) == 2
    metadata = sum(1 for e in entries for o in e.objects if o.role == "metadata")
    assert metadata >= 4  # a case's own and at least one per document

    archive = store.of("ezd.archive")
    assert archive == {"get_many": 2, "lock_many": 2}  # one bulk read, one bulk lock per case
    prepare = store.of("ezd.archive-prepare")
    assert prepare == {"get_many": 2, "put_many": 2}  # fixity reads, then all metadata at once
    with app.uow() as uow:
        signs = [c.sign for c in uow.session.execute(select(CaseFile)).scalars() if c.state == "archived"]
    assert sorted(signs) == sorted(e.case_sign for e in entries)


def test_archive_step_of_an_instance_prepared_without_sizes(
    recorded: tuple[App, RecordingStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process instance prepared by an older worker carries ``metadata_objects`` only."""
    app, store = recorded
    prepare = HANDLERS["ezd.archive-prepare"]

    def old_prepare(task: TaskInput, deps: Deps) -> dict[str, Any]:
        out = prepare(task, deps)
        del out["metadata_sizes"]
        return out

    monkeypatch.setitem(HANDLERS, "ezd.archive-prepare", old_prepare)
    assert Demo(app).run(2).cases_archived == 2
    entries = _entries(app, store)
    metadata = sum(1 for e in entries for o in e.objects if o.role == "metadata")
    assert store.of("ezd.archive")["stat"] == metadata  # asked of the store, once per object


def test_archive_step_runs_twice_with_one_effect(recorded: tuple[App, RecordingStore]) -> None:
    app, store = recorded
    assert Demo(app).run(1).cases_archived == 1
    (entry,) = _entries(app, store)
    before = Counter(store.calls)
    with app.uow() as uow:
        tenant = uow.session.get(Tenant, entry.tenant_id)
        assert tenant is not None
        state = archive.archive_case(
            app.deps(uow.session), tenant=tenant.code, case_sign=entry.case_sign, actor_login="t", metadata=[]
        )
        uow.commit()
    assert state == "archived"
    assert store.calls == before  # nothing locked or read again
    assert len(_entries(app, store)) == 1


def test_prepare_stops_on_a_damaged_object_before_writing_metadata(
    recorded: tuple[App, RecordingStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, store = recorded
    prepare = HANDLERS["ezd.archive-prepare"]
    damaged: list[str] = []

    def damage_then_prepare(task: TaskInput, deps: Deps) -> dict[str, Any]:
        tenant = tenant_by_code(deps.session, task.require("tenant"))
        case = case_by_sign(deps.session, tenant.id, task.require("case_sign"))
        if not damaged:  # once: a second flip of the same bit would repair it
            digest = load_case_documents(deps.session, case.id).version_digests()[-1]
            store.inner.corrupt(digest)
            damaged.append(digest)
        return prepare(task, deps)

    monkeypatch.setitem(HANDLERS, "ezd.archive-prepare", damage_then_prepare)
    with pytest.raises(InvalidState, match="accept_transfer"):
        Demo(app).run(1)  # the archivist finds nothing to accept: preparation failed
    assert damaged
    calls = store.of("ezd.archive-prepare")
    assert calls["get_many"] >= 1
    assert "put_many" not in calls and "put" not in calls  # no metadata written
    assert _entries(app, store) == []


def test_transfer_on_s3_locks_everything_without_asking_sizes(
    seeded_template: Path, tmp_path: Path, s3_store: S3ObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same path on a real S3 server, where reads, writes and locks run concurrently."""
    home = tmp_path / "ezd"
    shutil.copytree(seeded_template, home)
    app = bootstrap(make_settings(home), store=s3_store)
    upgrade(app.db, "heads")
    requests: Counter[tuple[str, str]] = Counter()
    current = {"topic": "other"}
    original = s3_store.client._url_open

    def url_open(method: str, *args: Any, **kwargs: Any) -> Any:
        requests[current["topic"], method] += 1  # Counter updates under the GIL: fine for a count
        return original(method, *args, **kwargs)

    monkeypatch.setattr(s3_store.client, "_url_open", url_open)
    for topic in ("ezd.archive-prepare", "ezd.archive"):

        def run(
            task: TaskInput, deps: Deps, topic: str = topic, handler: handlers.Handler = HANDLERS[topic]
        ) -> dict[str, Any]:
            current["topic"] = topic
            try:
                return handler(task, deps)
            finally:
                current["topic"] = "other"

        monkeypatch.setitem(HANDLERS, topic, run)
    try:
        assert Demo(app).run(2).cases_archived == 2
        with app.uow() as uow:
            entries = list(uow.session.execute(select(ArchiveEntry)).scalars())
            objects = [(o.sha256, o.size) for e in entries for o in e.objects]
    finally:
        app.db.dispose()
    assert len(entries) == 2
    assert requests["ezd.archive", "HEAD"] == 0  # no stat: sizes came with the variables
    assert requests["ezd.archive", "PUT"] == len({d for d, _ in objects})  # one retention each
    for digest, size in objects:
        assert s3_store.stat(digest).size == size
        assert s3_store.retention(digest) is not None
