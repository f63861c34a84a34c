"""Brakowanie: disposal of non-archival (B) records after their retention, with the state archive's consent.

1. :func:`due_for_disposal` lists B/BE/Bc entries past retention (never A, never on legal hold).
2. :func:`request_disposal` produces the request with the list of records (stored, printable)
   to the state archive; BE entries are marked for the archive's expert review.
3. :func:`record_consent` records the consent document and date (the archive may exclude
   entries, e.g. BE records it decides to keep).  Nothing is destroyed before this.
4. :func:`execute_disposal` checks legal holds and retention again, writes the destruction
   protocol, deletes the objects (the store refuses while a lock or hold is in force) and keeps
   a :class:`DestructionRecord` with metadata and digests forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.archive_ops.printable import render
from ezd.archive_ops.register import entry_by_sign, entry_chain
from ezd.db.base import utcnow
from ezd.db.counters import next_value
from ezd.db.tables import Attachment, Document, DocumentVersion
from ezd.db.tables_archive import (
    ArchiveEntry,
    ArchiveObject,
    DestructionRecord,
    DisposalItem,
    DisposalRequest,
)
from ezd.records.errors import InvalidInput, InvalidState, NotFound
from ezd.records.jrwa import ArchivalCategory
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.storage.port import ObjectStore

WARSAW = ZoneInfo("Europe/Warsaw")

ACTIVE = ("requested", "consented")


def _in_active_request(session: Session) -> set[int]:
    return set(
        session.execute(
            select(DisposalItem.entry_id)
            .join(DisposalRequest, DisposalRequest.id == DisposalItem.request_id)
            .where(DisposalRequest.status.in_(ACTIVE))
        ).scalars()
    )


def office_today() -> date:
    """Today in the office's time zone (a request filed at 00:30 in Warsaw is dated that day)."""
    return datetime.now(WARSAW).date()


def due_for_disposal(session: Session, as_of: date, tenant_id: int | None = None) -> list[ArchiveEntry]:
    """B records whose retention has run out on ``as_of`` and that may be proposed for disposal."""
    q = select(ArchiveEntry).where(
        ArchiveEntry.retention_until.is_not(None),
        ArchiveEntry.retention_until <= as_of,
        ArchiveEntry.category != "A",
        ArchiveEntry.status == "held",
        ArchiveEntry.legal_hold.is_(False),
    )
    if tenant_id is not None:
        q = q.where(ArchiveEntry.tenant_id == tenant_id)
    busy = _in_active_request(session)
    return [e for e in session.execute(q.order_by(ArchiveEntry.id)).scalars() if e.id not in busy]


def _span(start: date | None, end: date | None) -> str:
    """Daty skrajne as a person reads them (dd.mm.rrrr)."""
    return " – ".join(f"{d:%d.%m.%Y}" for d in (start, end) if d is not None)


def _needs_review(category: str) -> bool:
    return ArchivalCategory.parse(category).kind == "BE"


def request_by_number(session: Session, tenant_id: int, number: str) -> DisposalRequest:
    try:
        n, y = (int(p) for p in number.split("/"))
    except ValueError:
        raise InvalidInput(f"disposal request number must look like N/YYYY, not {number!r}") from None
    req = session.execute(
        select(DisposalRequest).where(
            DisposalRequest.tenant_id == tenant_id, DisposalRequest.number == n, DisposalRequest.year == y
        )
    ).scalar_one_or_none()
    if req is None:
        raise NotFound(f"no disposal request {number}")
    return req


def request_disposal(
    session: Session, store: ObjectStore, actor: Actor, *, tenant: str, as_of: date
) -> DisposalRequest:
    actor.require(tenant, Role.ARCHIWISTA)
    if as_of > office_today():
        # a request is an official letter: dated in the future it would also take a number of a
        # year that has not begun ("1/2030" in 2026) and propose records not yet due
        raise InvalidInput(
            f"wniosek o brakowanie nie może mieć daty z przyszłości ({as_of:%d.%m.%Y}; dziś jest "
            f"{office_today():%d.%m.%Y})"
        )
    tenant_row = tenant_by_code(session, tenant)
    year = as_of.year
    # The number is taken first: on PostgreSQL the counter row's lock makes a concurrent request
    # wait here until the first commits, so the due list read below already sees the first's
    # items and no record lands in two requests.  A refusal below rolls the number back with it.
    number = next_value(session, tenant_id=tenant_row.id, kind="BRAK", scope="", year=year)
    entries = due_for_disposal(session, as_of, tenant_row.id)
    if not entries:
        raise InvalidState(f"no records of {tenant} are due for disposal on {as_of}")
    rows = [
        (
            i,
            e.case_sign,
            e.title,
            e.category + (" (ekspertyza)" if _needs_review(e.category) else ""),
            _span(e.opened_on, e.closed_on),
            e.location.code if e.location else "",
        )
        for i, e in enumerate(entries, 1)
    ]
    html = render(
        f"Wniosek nr {number}/{year} o wyrażenie zgody na brakowanie dokumentacji niearchiwalnej",
        [("Jednostka", tenant_row.name), ("Data", f"{as_of:%d.%m.%Y}"), ("Liczba pozycji", str(len(rows)))],
        ["Lp.", "Znak sprawy", "Tytuł", "Kategoria", "Daty skrajne", "Miejsce przechowywania"],
        rows,
        signatures=["archiwista", "kierownik jednostki"],
        footer="Dokumentacja kategorii BE wymaga ekspertyzy archiwum państwowego.",
    )
    stored = store.put(html, "text/html")
    req = DisposalRequest(
        tenant_id=tenant_row.id,
        year=year,
        number=number,
        status="requested",
        created_by=actor.login,
        request_sha256=stored.sha256,
    )
    req.items = [DisposalItem(entry_id=e.id) for e in entries]
    session.add(req)
    session.flush()
    audit.record(
        session,
        chain_key=audit.tenant_chain(tenant),
        tenant_id=tenant_row.id,
        actor=actor.login,
        action="wniosek_o_brakowanie",
        details={
            "request": f"{number}/{year}",
            "entries": [e.case_sign for e in entries],
            "document": stored.sha256,
        },
    )
    return req


def record_consent(
    session: Session,
    store: ObjectStore,
    actor: Actor,
    *,
    tenant: str,
    request: str,
    document: bytes,
    media_type: str,
    consent_date: date,
    reference: str,
    excluded: list[str] | None = None,
) -> DisposalRequest:
    """Record the state archive's consent; ``excluded`` signs are kept (e.g. BE records it wants)."""
    actor.require(tenant, Role.ARCHIWISTA)
    tenant_row = tenant_by_code(session, tenant)
    req = request_by_number(session, tenant_row.id, request)
    if req.status != "requested":
        raise InvalidState(f"disposal request {request} is {req.status}, not awaiting consent")
    if not document:
        raise InvalidInput("the consent document is empty")
    if not reference.strip():
        raise InvalidInput("the consent reference (znak pisma archiwum państwowego) is required")
    if consent_date < req.created_at.date():
        raise InvalidInput("the consent cannot predate the request")
    if consent_date > office_today():
        raise InvalidInput(
            f"zgoda archiwum państwowego nie może mieć daty z przyszłości ({consent_date:%d.%m.%Y})"
        )
    keep = set(excluded or [])
    unknown = keep - {i.entry.case_sign for i in req.items}
    if unknown:
        raise InvalidInput(f"not in request {request}: {', '.join(sorted(unknown))}")
    for item in list(req.items):
        if item.entry.case_sign in keep:
            req.items.remove(item)
            session.delete(item)
    req.consent_sha256 = store.put(document, media_type).sha256
    req.consent_date = consent_date
    req.consent_ref = reference.strip()
    req.status = "consented"
    audit.record(
        session,
        chain_key=audit.tenant_chain(tenant),
        tenant_id=tenant_row.id,
        actor=actor.login,
        action="zgoda_na_brakowanie",
        details={
            "request": request,
            "consent_ref": req.consent_ref,
            "consent_date": consent_date.isoformat(),
            "excluded": sorted(keep),
        },
    )
    return req


@dataclass
class DisposalOutcome:
    request: str
    destroyed: list[str] = field(default_factory=list)
    objects_deleted: int = 0
    objects_kept_shared: int = 0
    protocol_sha256: str = ""


def _still_referenced(session: Session, digest: str, leaving: set[int]) -> bool:
    """Content addressing dedupes: another live record may hold the same bytes."""
    other = session.execute(
        select(ArchiveObject.id)
        .join(ArchiveEntry, ArchiveEntry.id == ArchiveObject.entry_id)
        .where(
            ArchiveObject.sha256 == digest,
            ArchiveEntry.id.not_in(leaving),
            ArchiveEntry.status != "destroyed",
        )
        .limit(1)
    ).first()
    if other is not None:
        return True
    case_ids = [
        e.case_id
        for e in session.execute(select(ArchiveEntry).where(ArchiveEntry.id.in_(leaving))).scalars()
        if e.case_id
    ]
    live = session.execute(
        select(DocumentVersion.id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(
            DocumentVersion.sha256 == digest, (Document.case_id.is_(None)) | Document.case_id.not_in(case_ids)
        )
        .limit(1)
    ).first()
    if live is not None:
        return True
    att = session.execute(
        select(Attachment.id)
        .join(Document, Document.id == Attachment.document_id)
        .where(Attachment.sha256 == digest, (Document.case_id.is_(None)) | Document.case_id.not_in(case_ids))
        .limit(1)
    ).first()
    return att is not None


def execute_disposal(
    session: Session, store: ObjectStore, actor: Actor, *, tenant: str, request: str, today: date
) -> DisposalOutcome:
    actor.require(tenant, Role.ARCHIWISTA)
    tenant_row = tenant_by_code(session, tenant)
    req = request_by_number(session, tenant_row.id, request)
    if req.status != "consented" or req.consent_sha256 is None or req.consent_date is None:
        raise InvalidState(f"disposal request {request} has no recorded consent of the state archive")
    entries = [i.entry for i in req.items]
    held = [e.case_sign for e in entries if e.legal_hold]
    if held:
        raise InvalidState(f"legal hold blocks destruction of: {', '.join(held)}")
    early = [e.case_sign for e in entries if e.retention_until is None or e.retention_until > today]
    if early:
        raise InvalidState(f"retention has not run out for: {', '.join(early)}")
    lent = [e.case_sign for e in entries if e.status != "held"]
    if lent:
        raise InvalidState(f"records are not in the archive (lent out?): {', '.join(lent)}")
    outcome = DisposalOutcome(request=request)
    rows = [
        (i, e.case_sign, e.title, e.category, _span(e.opened_on, e.closed_on), len(e.objects))
        for i, e in enumerate(entries, 1)
    ]
    protocol = render(
        f"Protokół zniszczenia dokumentacji niearchiwalnej (wniosek {request})",
        [
            ("Jednostka", tenant_row.name),
            ("Zgoda archiwum państwowego", f"{req.consent_ref} z {req.consent_date:%d.%m.%Y}"),
            ("Data zniszczenia", f"{today:%d.%m.%Y}"),
        ],
        ["Lp.", "Znak sprawy", "Tytuł", "Kategoria", "Daty skrajne", "Liczba obiektów"],
        rows,
        signatures=["archiwista", "kierownik jednostki"],
        footer="Dokumentację zniszczono przez trwałe usunięcie obiektów z repozytorium po upływie blokad.",
    )
    outcome.protocol_sha256 = store.put(protocol, "text/html").sha256
    leaving = {e.id for e in entries}
    for entry in entries:
        digests = sorted({o.sha256 for o in entry.objects})
        for digest in digests:
            if _still_referenced(session, digest, leaving):
                outcome.objects_kept_shared += 1
                continue
            store.delete(digest)  # ObjectLocked if the store still holds a lock: nothing is forced
            outcome.objects_deleted += 1
        session.add(
            DestructionRecord(
                tenant_id=tenant_row.id,
                request_id=req.id,
                case_sign=entry.case_sign,
                title=entry.title,
                jrwa_symbol=entry.jrwa_symbol,
                category=entry.category,
                date_from=entry.opened_on,
                date_to=entry.closed_on,
                digests=digests,
                destroyed_by=actor.login,
                protocol_sha256=outcome.protocol_sha256,
            )
        )
        entry.status = "destroyed"
        entry.search_text = " ".join(t for t in entry.search_text.split() if t.startswith("zz"))
        audit.record(
            session,
            chain_key=entry_chain(entry),
            tenant_id=tenant_row.id,
            actor=actor.login,
            action="zniszczenie_dokumentacji",
            case_id=entry.case_id,
            details={"request": request, "objects": digests, "protocol": outcome.protocol_sha256},
        )
        outcome.destroyed.append(entry.case_sign)
    req.status = "executed"
    req.executed_at = utcnow()
    req.protocol_sha256 = outcome.protocol_sha256
    return outcome


def set_legal_hold(
    session: Session,
    store: ObjectStore,
    actor: Actor,
    *,
    tenant: str,
    case_sign: str,
    on: bool,
    reason: str = "",
) -> ArchiveEntry:
    """Freeze (or release) disposal of an entry: in the register and on every stored object."""
    actor.require(tenant, Role.ARCHIWISTA)
    tenant_row = tenant_by_code(session, tenant)
    entry = entry_by_sign(session, tenant_row.id, case_sign)
    if on and not reason.strip():
        raise InvalidInput("a legal hold needs a reason (case number of the proceedings, audit)")
    for digest in sorted({o.sha256 for o in entry.objects}):
        store.set_legal_hold(digest, on)
    entry.legal_hold = on
    entry.hold_reason = reason.strip() if on else None
    audit.record(
        session,
        chain_key=entry_chain(entry),
        tenant_id=tenant_row.id,
        actor=actor.login,
        action="blokada_prawna" if on else "zdjecie_blokady_prawnej",
        case_id=entry.case_id,
        details={"reason": reason},
    )
    return entry


def destruction_records(session: Session, tenant_id: int) -> list[DestructionRecord]:
    return list(
        session.execute(
            select(DestructionRecord)
            .where(DestructionRecord.tenant_id == tenant_id)
            .order_by(DestructionRecord.id)
        ).scalars()
    )


__all__ = [
    "DisposalOutcome",
    "due_for_disposal",
    "execute_disposal",
    "record_consent",
    "request_disposal",
    "set_legal_hold",
]
