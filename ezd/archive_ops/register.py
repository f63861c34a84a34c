"""The archive's own register: entries for archived cases, their objects and locations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, selectinload

from ezd.archive_ops.searchtext import build_search_text, extract_text
from ezd.db.base import utcnow
from ezd.db.tables import CaseFile, Document, IncomingItem, Tenant
from ezd.db.tables_archive import ArchiveEntry, ArchiveLocation, ArchiveObject
from ezd.records.errors import InvalidInput, NotFound
from ezd.services import audit
from ezd.storage.port import ObjectStore


@dataclass(frozen=True)
class CaseDocuments:
    """A case's documents (by id, versions loaded) and their RPW entries, read in two queries."""

    documents: list[Document]
    items: dict[int, IncomingItem]  # by document id; outgoing and internal documents have none

    def item_of(self, doc: Document) -> IncomingItem | None:
        return self.items.get(doc.id)

    def version_digests(self) -> list[str]:
        return [v.sha256 for d in self.documents for v in d.versions]

    def attachment_digests(self) -> list[str]:
        """ePUAP attachments and UPP receipts: part of the akta sprawy, locked and exported too."""
        return [a.sha256 for d in self.documents for a in d.attachments]

    def last_digests(self) -> list[str]:
        """The digest of each document's latest version (what the search index reads)."""
        return [d.versions[-1].sha256 for d in self.documents if d.versions]


def load_case_documents(session: Session, case_id: int) -> CaseDocuments:
    docs = list(
        session.execute(
            select(Document)
            .where(Document.case_id == case_id)
            .order_by(Document.id)
            .options(selectinload(Document.versions), selectinload(Document.attachments))
        ).scalars()
    )
    items: dict[int, IncomingItem] = {}
    if docs:
        # the item's document is already in the session: no need to join it in again
        for item in session.execute(
            select(IncomingItem)
            .where(IncomingItem.document_id.in_([d.id for d in docs]))
            .options(lazyload(IncomingItem.document))
        ).scalars():
            items[item.document_id] = item
    return CaseDocuments(docs, items)


def known_size(sizes: Mapping[str, object] | None, digest: str) -> int | None:
    """A size passed along in process variables, if it is a plausible one."""
    size = (sizes or {}).get(digest)
    return size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None


def register_case(
    session: Session,
    store: ObjectStore,
    case: CaseFile,
    *,
    tenant: Tenant,
    retention_until: date | None,
    metadata: Sequence[str] = (),
    metadata_sizes: Mapping[str, object] | None = None,
    documents: CaseDocuments | None = None,
    contents: Iterable[tuple[str, bytes]] | None = None,
) -> ArchiveEntry:
    """Enter an archived case in the register (idempotent) and index its text for search.

    ``metadata_sizes`` spares a request per metadata object whose size the caller knows (the
    others are asked of the store).  ``documents`` is the case's content when the caller has
    it loaded already; ``contents`` the ``(digest, bytes)`` of the documents' latest versions
    when the caller has started reading them (``store.get_many(..., skip_unreadable=True)``).
    """
    existing = session.execute(
        select(ArchiveEntry).where(ArchiveEntry.case_id == case.id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    content = documents if documents is not None else load_case_documents(session, case.id)
    if contents is None:
        # a damaged object is the fixity audit's to report, not the indexer's
        contents = store.get_many(content.last_digests(), skip_unreadable=True)
    wanted: dict[str, dict[str, None]] = {}  # digest -> media types it is read as
    for doc in content.documents:
        if doc.versions:
            wanted.setdefault(doc.versions[-1].sha256, {})[doc.versions[-1].media_type] = None
    extracted: dict[tuple[str, str], str] = {}
    for digest, data in contents:  # text is extracted as the reads arrive; bytes are not kept
        for media_type in wanted.get(digest, {}):
            extracted[digest, media_type] = extract_text(data, media_type)
    senders: list[str] = []
    texts: list[str] = []
    objects: list[ArchiveObject] = []
    for doc in content.documents:
        item = content.item_of(doc)
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
        for a in doc.attachments:
            if any(o.sha256 == a.sha256 and o.role == "attachment" for o in objects):
                continue  # one object per content (the register's unique key)
            objects.append(
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
        if doc.versions and (key := (doc.versions[-1].sha256, doc.versions[-1].media_type)) in extracted:
            texts.append(extracted[key])
    for digest in dict.fromkeys(metadata):
        size = known_size(metadata_sizes, digest)
        objects.append(
            ArchiveObject(
                role="metadata",
                sha256=digest,
                size=store.stat(digest).size if size is None else size,
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
