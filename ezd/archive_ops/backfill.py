"""Backfill: cases archived before every version and the attachments went into the register.

The register of such a case lists the latest versions only; the older versions and the
attachments (ePUAP attachments, UPP receipts) stayed in the object store, unlisted, so the
package left them out.  :func:`backfill` adds what is missing as new register objects, reads
each one back (its digest is checked), locks it until the end of the case's retention like the
transfer does, and records a new package version in the case's metryka.  Nothing already in
the register or the store is changed: the WORM originals stay as they are.  Run again, it finds
nothing to add and writes nothing (idempotent).

The metryka sprawy needs no backfill: the package writes it from the hash chains at export.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ezd.archive_ops.register import entry_chain, load_case_documents
from ezd.db.tables import MetrykaEntry, Tenant
from ezd.db.tables_archive import ArchiveEntry, ArchiveObject
from ezd.records.jrwa import ArchivalCategory
from ezd.records.retention import lock_until
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.storage.port import ObjectStore

ACTION = "uzupelnienie_paczki"


class BackfilledCase(BaseModel):
    model_config = ConfigDict(frozen=True)
    case_sign: str
    added: list[str]  # digests of the objects added
    version: int  # the package version the case has now (1: as transferred)


class BackfillReport(BaseModel):
    model_config = ConfigDict(frozen=True)
    checked: int  # cases looked at
    cases: list[BackfilledCase]  # the ones that got something


def _missing(session: Session, entry: ArchiveEntry) -> list[ArchiveObject]:
    if entry.case_id is None:
        return []
    have = {(o.sha256, o.role) for o in entry.objects}
    out: list[ArchiveObject] = []
    for doc in load_case_documents(session, entry.case_id).documents:
        for v in doc.versions:
            if (v.sha256, "content") not in have:
                have.add((v.sha256, "content"))
                out.append(
                    ArchiveObject(
                        role="content",
                        sha256=v.sha256,
                        size=v.size,
                        media_type=v.media_type,
                        filename=v.filename,
                        title=doc.title,
                        document_uid=doc.uid,
                    )
                )
        for a in doc.attachments:
            if (a.sha256, "attachment") not in have:
                have.add((a.sha256, "attachment"))
                out.append(
                    ArchiveObject(
                        role="attachment",
                        sha256=a.sha256,
                        size=a.size,
                        media_type=a.media_type,
                        filename=a.filename,
                        title=a.filename,
                        document_uid=doc.uid,
                    )
                )
    return out


def _version(session: Session, entry: ArchiveEntry) -> int:
    """1 as transferred, plus one per backfill that added something."""
    done = session.execute(
        select(func.count())
        .select_from(MetrykaEntry)
        .where(MetrykaEntry.chain_key == entry_chain(entry), MetrykaEntry.action == ACTION)
    ).scalar_one()
    return 1 + int(done)


def backfill(session: Session, store: ObjectStore, actor: Actor, *, tenant: str) -> BackfillReport:
    """Complete the register of every transferred case of ``tenant`` that is still held."""
    actor.require(tenant, Role.ARCHIWISTA)
    t = session.execute(select(Tenant).where(Tenant.code == tenant)).scalar_one()
    entries = list(
        session.execute(
            select(ArchiveEntry)
            .where(
                ArchiveEntry.tenant_id == t.id,
                ArchiveEntry.source == "transfer",
                ArchiveEntry.status.in_(("held", "lent")),
            )
            .order_by(ArchiveEntry.id)
        ).scalars()
    )
    done: list[BackfilledCase] = []
    for entry in entries:
        new = _missing(session, entry)
        if not new:
            continue
        digests = [o.sha256 for o in new]
        for _ in store.get_many(digests):  # raises on a damaged or missing object: nothing is added
            pass
        day = lock_until(ArchivalCategory.parse(entry.category), entry.closed_on)
        store.lock_many(sorted(set(digests)), datetime(day.year, day.month, day.day, tzinfo=UTC))
        version = _version(session, entry) + 1
        entry.objects.extend(new)
        entry.documents = len({o.document_uid for o in entry.objects if o.role == "content"})
        audit.record(
            session,
            chain_key=entry_chain(entry),
            tenant_id=t.id,
            actor=actor.login,
            action=ACTION,
            case_id=entry.case_id,
            details={"added": digests, "package_version": version, "locked_until": day.isoformat()},
        )
        done.append(BackfilledCase(case_sign=entry.case_sign, added=digests, version=version))
    session.flush()
    return BackfillReport(checked=len(entries), cases=done)
