"""Fixity audits: re-hash stored objects in parallel and report missing or corrupted ones.

What is expected to exist comes from the database (every digest a document version,
attachment, archive object, transfer list or disposal document refers to), minus what was
destroyed on purpose (destruction records); what exists comes from the store.  A referenced
digest that the store lacks is *missing*; bytes that no longer hash to their address are
*corrupted*.  Each audit is recorded in the metryka of every tenant (``tenant:<code>`` chain).

Hashing runs in a thread pool: ``hashlib`` releases the GIL on large buffers, so threads use
every core.  The local store is read straight from its files in 1 MiB chunks.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.archive_ops.fixity_report import Affected, affected, raise_incidents
from ezd.db.base import utcnow
from ezd.db.tables import Attachment, Document, DocumentVersion, Tenant
from ezd.db.tables_archive import (
    ArchiveEntry,
    ArchiveObject,
    DestructionRecord,
    DisposalRequest,
    TransferList,
)
from ezd.records.errors import InvalidInput
from ezd.services import audit
from ezd.storage.errors import IntegrityError, ObjectNotFound
from ezd.storage.local import LocalObjectStore
from ezd.storage.port import ObjectStore

if TYPE_CHECKING:
    from ezd.bootstrap import App

CHUNK = 1024 * 1024
Progress = Callable[[int], None]


@dataclass
class FixityReport:
    checked: int = 0
    bytes: int = 0
    seconds: float = 0.0
    sample_percent: float = 100.0
    missing: list[str] = field(default_factory=list)
    corrupted: list[str] = field(default_factory=list)
    affected: list[Affected] = field(default_factory=list)  # the cases and documents behind them
    incidents: int = 0

    @property
    def damaged(self) -> bool:
        return bool(self.missing or self.corrupted)

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "sample_percent": self.sample_percent,
            "missing": sorted(self.missing),
            "corrupted": sorted(self.corrupted),
            "affected": [asdict(a) | {"label": a.label} for a in self.affected],
            "incidents": self.incidents,
        }


def hash_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb", buffering=0) as fh:
        buf = bytearray(CHUNK)
        view = memoryview(buf)
        while n := fh.readinto(buf):
            h.update(view[:n])
            size += n
    return h.hexdigest(), size


def check_object(store: ObjectStore, digest: str) -> tuple[str, int]:
    """Return (verdict, size): verdict is "ok", "missing" or "corrupted"."""
    if isinstance(store, LocalObjectStore):
        try:
            got, size = hash_file(store.path_of(digest))
        except FileNotFoundError:
            return "missing", 0
        return ("ok" if got == digest else "corrupted"), size
    try:
        return "ok", store.verify(digest)
    except ObjectNotFound:
        return "missing", 0
    except IntegrityError:
        return "corrupted", 0


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def audit_digests(
    store: ObjectStore,
    digests: Iterable[str],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> FixityReport:
    """Re-hash the given objects in parallel (the pure part of an audit; no database)."""
    report = FixityReport()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers or default_workers()) as pool:
        for digest, (verdict, size) in zip(
            digests_list := list(digests),
            pool.map(lambda d: check_object(store, d), digests_list),
            strict=True,
        ):
            report.checked += 1
            report.bytes += size
            if verdict == "missing":
                report.missing.append(digest)
            elif verdict == "corrupted":
                report.corrupted.append(digest)
            if progress:
                progress(1)
    report.seconds = time.perf_counter() - started
    return report


def expected_digests(session: Session) -> dict[str, set[int]]:
    """Every digest the database refers to, with the tenants it belongs to (destroyed ones left out)."""
    owners: dict[str, set[int]] = defaultdict(set)
    for digest, tenant_id in session.execute(
        select(DocumentVersion.sha256, Document.tenant_id).join(
            Document, Document.id == DocumentVersion.document_id
        )
    ):
        owners[digest].add(tenant_id)
    for digest, tenant_id in session.execute(
        select(Attachment.sha256, Document.tenant_id).join(Document, Document.id == Attachment.document_id)
    ):
        owners[digest].add(tenant_id)
    for digest, tenant_id in session.execute(
        select(ArchiveObject.sha256, ArchiveEntry.tenant_id).join(
            ArchiveEntry, ArchiveEntry.id == ArchiveObject.entry_id
        )
    ):
        owners[digest].add(tenant_id)
    for row in session.execute(
        select(TransferList.tenant_id, TransferList.xml_sha256, TransferList.html_sha256)
    ):
        owners[row[1]].add(row[0])
        owners[row[2]].add(row[0])
    for req in session.execute(select(DisposalRequest)).scalars():
        for digest in (req.request_sha256, req.consent_sha256, req.protocol_sha256):
            if digest:
                owners[digest].add(req.tenant_id)
    for digests in session.execute(select(DestructionRecord.digests)).scalars():
        for digest in digests or []:
            owners.pop(digest, None)
    return owners


def sample(digests: list[str], percent: float, rng: random.Random | None = None) -> list[str]:
    if not 0 < percent <= 100:
        raise InvalidInput(f"sample must be a percentage in (0, 100], not {percent}")
    if percent >= 100 or not digests:
        return digests
    k = max(1, round(len(digests) * percent / 100))
    return sorted((rng or random.Random()).sample(digests, k))


def run_audit(
    app: App,
    *,
    sample_percent: float = 100.0,
    actor: str = "system:fixity",
    workers: int | None = None,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> FixityReport:
    """Audit the store against the database and record the result in every tenant's metryka."""
    with app.uow() as uow:
        owners = expected_digests(uow.session)
    stored = set(app.store.iter_digests())
    universe = sorted(stored | set(owners))
    chosen = sample(universe, sample_percent)
    if on_total:
        on_total(len(chosen))
    report = audit_digests(app.store, chosen, workers=workers, progress=progress)
    report.sample_percent = sample_percent
    with app.uow() as uow:
        session = uow.session
        verdicts = {d: "missing" for d in report.missing} | {d: "corrupted" for d in report.corrupted}
        report.affected = affected(session, verdicts)
        report.incidents = raise_incidents(session, report.affected, actor=actor, at=utcnow())
        damaged_by_tenant: dict[int, list[str]] = defaultdict(list)
        for digest in report.missing + report.corrupted:
            for tenant_id in owners.get(digest, ()):
                damaged_by_tenant[tenant_id].append(digest)
        for tenant in session.execute(select(Tenant).order_by(Tenant.id)).scalars():
            audit.record(
                session,
                chain_key=audit.tenant_chain(tenant.code),
                tenant_id=tenant.id,
                actor=actor,
                action="audyt_integralnosci",
                details={
                    "checked": report.checked,
                    "sample_percent": sample_percent,
                    "missing": len(report.missing),
                    "corrupted": len(report.corrupted),
                    "damaged_here": sorted(damaged_by_tenant.get(tenant.id, [])),
                    "cases_affected": sorted(
                        {a.case_sign for a in report.affected if a.tenant == tenant.code and a.case_sign}
                    ),
                },
            )
        uow.commit()
    return report
