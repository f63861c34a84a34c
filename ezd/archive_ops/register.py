"""The archive's own register: entries for archived cases, their objects and locations."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.archive_ops.searchtext import build_search_text, extract_text
from ezd.db.base import utcnow
from ezd.db.tables import CaseFile, Document, IncomingItem, Tenant
from ezd.db.tables_archive import ArchiveEntry, ArchiveLocation, ArchiveObject
from ezd.services import audit
from records.errors import InvalidInput, NotFound
from storage.errors import StorageError
from storage.port import ObjectStore


def register_case(
    session: Session,
    store: ObjectStore,
    case: CaseFile,
    *,
    tenant: Tenant,
    retention_until: date | None,
    metadata: Sequence[str] = (),
) -> ArchiveEntry:
    """Enter an archived case in the register (idempotent) and index its text for search."""
    existing = session.execute(
        select(ArchiveEntry).where(ArchiveEntry.case_id == case.id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    docs = session.execute(
        select(Document).where(Document.case_id == case.id).order_by(Document.id)
    ).scalars()
    senders: list[str] = []
    texts: list[str] = []
    objects: list[ArchiveObject] = []
    for doc in docs:
        item = session.execute(
            select(IncomingItem).where(IncomingItem.document_id == doc.id)
        ).scalar_one_or_none()
        if item is not None and item.sender not in senders:
            senders.append(item.sender)
        texts.append(doc.title)
        for v in doc.versions:
            if any(o.sha256 == v.sha256 and o.role == "content" for o in objects):
                continue  # a resubmitted identical draft: one object, content-addressed
            objects.append(
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
        if doc.versions:
            last = doc.versions[-1]
            # a damaged object is the fixity audit's to report, not the indexer's
            with contextlib.suppress(StorageError):
                texts.append(extract_text(store.get(last.sha256), last.media_type))
    for digest in dict.fromkeys(metadata):
        st = store.stat(digest)
        objects.append(
            ArchiveObject(
                role="metadata",
                sha256=digest,
                size=st.size,
                media_type="application/xml",
                filename=f"{digest}.xml",
                title="",
            )
        )
    sender = "; ".join(senders) or None
    closed = (case.closed_at or utcnow()).date()
    entry = ArchiveEntry(
        tenant_id=tenant.id,
        case_id=case.id,
        source="transfer",
        case_sign=case.sign,
        title=case.title,
        unit_code=case.unit.code,
        jrwa_symbol=case.jrwa.symbol,
        jrwa_title=case.jrwa.title,
        category=case.category,
        year=case.year,
        opened_on=case.opened_at.date() if case.opened_at else None,
        closed_on=closed,
        sender=sender,
        documents=len({o.document_uid for o in objects if o.role == "content"}),
        retention_until=retention_until,
        search_text=build_search_text(
            tenant=tenant.code,
            unit=case.unit.code,
            jrwa_symbol=case.jrwa.symbol,
            category=case.category,
            year=case.year,
            case_sign=case.sign,
            title=case.title,
            jrwa_title=case.jrwa.title,
            sender=sender,
            texts=texts,
        ),
    )
    entry.objects = objects
    session.add(entry)
    session.flush()
    return entry


def entry_by_sign(session: Session, tenant_id: int, case_sign: str) -> ArchiveEntry:
    entry = session.execute(
        select(ArchiveEntry).where(ArchiveEntry.tenant_id == tenant_id, ArchiveEntry.case_sign == case_sign)
    ).scalar_one_or_none()
    if entry is None:
        raise NotFound(f"case {case_sign} is not in the archive register")
    return entry


def place(session: Session, entry: ArchiveEntry, location_code: str, *, actor: str) -> ArchiveLocation:
    """Record where the entry is kept (creates the location on first use)."""
    code = location_code.strip()
    if not code:
        raise InvalidInput("location code is empty")
    loc = session.execute(
        select(ArchiveLocation).where(
            ArchiveLocation.tenant_id == entry.tenant_id, ArchiveLocation.code == code
        )
    ).scalar_one_or_none()
    if loc is None:
        loc = ArchiveLocation(tenant_id=entry.tenant_id, code=code, description="")
        session.add(loc)
        session.flush()
    entry.location_id = loc.id
    audit.record(
        session,
        chain_key=entry_chain(entry),
        tenant_id=entry.tenant_id,
        actor=actor,
        action="lokalizacja_w_archiwum",
        case_id=entry.case_id,
        details={"location": code},
    )
    return loc


def entry_chain(entry: ArchiveEntry) -> str:
    """Metryka chain of an entry: its case's chain, or one of its own for imported cases."""
    return audit.case_chain(entry.case_id) if entry.case_id else f"archive:{entry.id}"
