"""Backfill: a case archived before its versions and attachments went into the register gets
them added by ``ezd archive backfill``: new objects only, locked, a new package version in the
metryka; the originals untouched; a second run adds nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from ezd.archive_ops.backfill import ACTION
from ezd.bootstrap import App
from ezd.db.tables import MetrykaEntry, Tenant
from ezd.db.tables_archive import ArchiveEntry, ArchiveObject
from ezd.demo.driver import Demo
from ezd.storage import ObjectLocked
from ezd.storage.local import LocalObjectStore
from tests.conftest import embedded_env

ROOT = Path(__file__).resolve().parents[2]
TENANT = "sp-swidnik"


def _backfill(app: App) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-m", "ezd.cli.main", "archive", "backfill", "--tenant", TENANT, "--json"],
        env=embedded_env(app.settings.home),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    report: dict[str, object] = json.loads(proc.stdout)
    return report


def _objects(app: App) -> dict[int, tuple[str, str]]:
    with app.uow() as uow:
        return {o.id: (o.sha256, o.role) for o in uow.session.execute(select(ArchiveObject)).scalars()}


def test_backfill_adds_versions_and_attachments_once_and_leaves_the_originals(seeded_app: App) -> None:
    app = seeded_app
    assert Demo(app).run(2, prepare=False).cases_archived >= 1
    full = _objects(app)
    # as the register was before: the latest version of each document, no attachments
    with app.uow() as uow:
        s = uow.session
        old: list[int] = []
        tid = s.execute(select(Tenant.id).where(Tenant.code == TENANT)).scalar_one()
        for e in s.execute(select(ArchiveEntry).where(ArchiveEntry.tenant_id == tid)).scalars():
            latest: dict[str | None, int] = {}
            for o in e.objects:
                if o.role == "content":
                    latest[o.document_uid] = o.id  # objects are ordered: the last is the latest
            old += [
                o.id
                for o in e.objects
                if o.role == "attachment" or (o.role == "content" and o.id != latest[o.document_uid])
            ]
        assert old, "the demo's cases have attachments and several versions"
        s.execute(delete(ArchiveObject).where(ArchiveObject.id.in_(old)))
        uow.commit()
    before = _objects(app)
    removed = {full[i] for i in old}
    store = app.store
    assert isinstance(store, LocalObjectStore)
    kept = {sha for sha, _ in before.values()}
    # an old transfer locked only what it registered
    for sha in {sha for sha, _ in removed} - kept:
        store._lock_file(sha).unlink(missing_ok=True)
    locks = {sha: store._lock_file(sha).read_bytes() for sha in kept if store._lock_file(sha).exists()}

    report = _backfill(app)
    cases = report["cases"]
    assert isinstance(cases, list) and cases
    after = _objects(app)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing there was changed
    assert set(after.values()) == set(before.values()) | removed  # exactly the missing ones came back
    assert all(c["version"] == 2 for c in cases)
    # the originals' locks are as they were; the added objects are locked now
    assert {sha: store._lock_file(sha).read_bytes() for sha in locks} == locks
    for sha, _role in removed:
        with pytest.raises(ObjectLocked):
            store.delete(sha)
    with app.uow() as uow:
        versions = [
            (e.details or {}).get("package_version")
            for e in uow.session.execute(select(MetrykaEntry).where(MetrykaEntry.action == ACTION)).scalars()
        ]
    assert versions == [2] * len(cases)  # one metryka entry per case: package version 2

    again = _backfill(app)
    assert again["cases"] == [] and _objects(app) == after  # idempotent
    with app.uow() as uow:
        assert len(
            list(uow.session.execute(select(MetrykaEntry).where(MetrykaEntry.action == ACTION)).scalars())
        ) == len(cases)
