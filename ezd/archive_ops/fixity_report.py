"""What a damaged object is: the cases and documents behind a digest, and the incident it raises.

A fixity audit finds digests; the administrator needs to know which case and which document
lost what.  :func:`affected` looks every damaged digest up where the register refers to it
(document versions, attachments, archive objects, transfer lists, disposal documents).
:func:`raise_incidents` records one ``incydent_integralnosci`` entry per affected office in its
administrative log (the ``tenant:<code>`` metryka chain, hash-chained like every entry) and logs
it at ERROR level for the operators' monitoring; :func:`incidents` lists them back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import Attachment, CaseFile, Document, DocumentVersion, IncomingItem, MetrykaEntry, Tenant
from ezd.db.tables_archive import ArchiveEntry, ArchiveObject, DisposalRequest, TransferList
from ezd.services import audit

log = logging.getLogger("ezd.fixity")

INCIDENT = "incydent_integralnosci"
VERDICTS = {"missing": "brak obiektu", "corrupted": "obiekt uszkodzony"}
ROLES = {
    "content": "dokument",
    "attachment": "załącznik",
    "metadata": "metadane",
    "case_metadata": "metadane sprawy",
    "metryka": "metryka sprawy",
}


@dataclass(frozen=True)
class Affected:
    """One place that refers to a damaged object."""

    digest: str
    verdict: str  # missing | corrupted
    tenant: str
    case_sign: str | None
    document: str | None  # title of the document (or the register object)
    what: str  # Polish: "wersja 2 (odpowiedz.xml)", "załącznik UPP-RPW-1-2026.xml", ...

    @property
    def label(self) -> str:
        where = [f"sprawa {self.case_sign}"] if self.case_sign else []
        if self.document:
            where.append(f"dokument „{self.document}”")
        where.append(self.what)
        return f"{VERDICTS[self.verdict]}: {', '.join(where)} ({self.tenant}; SHA-256 {self.digest[:16]}…)"


def affected(session: Session, verdicts: dict[str, str]) -> list[Affected]:
    """Every place in the register that refers to the damaged digests (digest -> verdict)."""
    if not verdicts:
        return []
    digests = sorted(verdicts)
    found: list[Affected] = []
    codes = {t.id: t.code for t in session.execute(select(Tenant)).scalars()}
    versions = list(
        session.execute(
            select(DocumentVersion, Document)
            .join(Document, Document.id == DocumentVersion.document_id)
            .where(DocumentVersion.sha256.in_(digests))
        ).tuples()
    )
    attachments = list(
        session.execute(
            select(Attachment, Document)
            .join(Document, Document.id == Attachment.document_id)
            .where(Attachment.sha256.in_(digests))
        ).tuples()
    )
    docs = [d for _, d in versions] + [d for _, d in attachments]
    # only the cases and RPW entries of the affected documents: the register may hold millions
    case_ids = sorted({d.case_id for d in docs if d.case_id})
    signs = {
        i: sign
        for i, sign in session.execute(select(CaseFile.id, CaseFile.sign).where(CaseFile.id.in_(case_ids)))
    }
    doc_ids = sorted({d.id for d in docs})
    rpw = {
        i: sign
        for i, sign in session.execute(
            select(IncomingItem.document_id, IncomingItem.sign).where(IncomingItem.document_id.in_(doc_ids))
        )
    }

    def doc_place(doc: Document) -> tuple[str | None, str]:
        case = signs.get(doc.case_id) if doc.case_id else None
        return case, (f"przesyłka {rpw[doc.id]}, " if case is None and doc.id in rpw else "")

    for v, doc in versions:
        case, prefix = doc_place(doc)
        what = f"{prefix}wersja {v.version} ({v.filename})"
        found.append(Affected(v.sha256, verdicts[v.sha256], codes[doc.tenant_id], case, doc.title, what))
    for a, doc in attachments:
        case, prefix = doc_place(doc)
        what = f"{prefix}załącznik {a.filename}"
        found.append(Affected(a.sha256, verdicts[a.sha256], codes[doc.tenant_id], case, doc.title, what))
    seen = {(f.digest, f.tenant, f.case_sign) for f in found}
    for o, e in session.execute(
        select(ArchiveObject, ArchiveEntry)
        .join(ArchiveEntry, ArchiveEntry.id == ArchiveObject.entry_id)
        .where(ArchiveObject.sha256.in_(digests))
    ):
        if (o.sha256, codes[e.tenant_id], e.case_sign) in seen and o.role in ("content", "attachment"):
            continue  # already named through its document
        what = f"w archiwum: {ROLES.get(o.role, o.role)} {o.filename}"
        found.append(
            Affected(o.sha256, verdicts[o.sha256], codes[e.tenant_id], e.case_sign, o.title or None, what)
        )
    for tl in session.execute(
        select(TransferList).where(
            TransferList.xml_sha256.in_(digests) | TransferList.html_sha256.in_(digests)
        )
    ).scalars():
        for d in {tl.xml_sha256, tl.html_sha256} & set(digests):
            spis = f"spis zdawczo-odbiorczy nr {tl.number}/{tl.year} ({tl.unit_code})"
            found.append(Affected(d, verdicts[d], codes[tl.tenant_id], None, None, spis))
    for req in session.execute(select(DisposalRequest)).scalars():
        for doc_digest in {req.request_sha256, req.consent_sha256, req.protocol_sha256} & set(digests):
            if doc_digest is not None:
                what = f"dokumentacja brakowania nr {req.number}/{req.year}"
                found.append(
                    Affected(doc_digest, verdicts[doc_digest], codes[req.tenant_id], None, None, what)
                )
    named = {f.digest for f in found}
    for d in digests:
        if d not in named:  # stored but referred to by nothing: still damage in the store
            found.append(Affected(d, verdicts[d], "-", None, None, "obiekt bez odwołań w rejestrze"))
    return sorted(found, key=lambda f: (f.tenant, f.case_sign or "", f.document or "", f.what))


def raise_incidents(session: Session, found: Iterable[Affected], *, actor: str, at: datetime) -> int:
    """One incident per affected office in its administrative log; returns how many."""
    by_tenant: dict[str, list[Affected]] = defaultdict(list)
    for f in found:
        by_tenant[f.tenant].append(f)
    tenants = {t.code: t for t in session.execute(select(Tenant)).scalars()}
    raised = 0
    for code, items in sorted(by_tenant.items()):
        tenant = tenants.get(code)
        if tenant is None:
            continue
        cases = sorted({f.case_sign for f in items if f.case_sign})
        audit.record(
            session,
            chain_key=audit.tenant_chain(code),
            tenant_id=tenant.id,
            actor=actor,
            action=INCIDENT,
            details={"found_at": at.isoformat(), "cases": cases, "affected": [asdict(f) for f in items]},
        )
        for f in items:
            log.error("fixity incident in %s: %s", code, f.label)
        raised += 1
    return raised


@dataclass(frozen=True)
class Incident:
    tenant: str
    at: datetime
    cases: list[str]
    affected: list[Affected]


def incidents(session: Session, tenant: str | None = None) -> list[Incident]:
    """Fixity incidents recorded in the administrative logs, newest first."""
    q = select(MetrykaEntry, Tenant.code).join(Tenant, Tenant.id == MetrykaEntry.tenant_id)
    q = q.where(MetrykaEntry.action == INCIDENT)
    if tenant is not None:
        q = q.where(Tenant.code == tenant)
    out = []
    for entry, code in session.execute(q.order_by(MetrykaEntry.at.desc(), MetrykaEntry.id.desc())):
        details = entry.details or {}
        raw = details.get("affected")
        items = [Affected(**a) for a in raw if isinstance(a, dict)] if isinstance(raw, list) else []
        cases = details.get("cases")
        out.append(
            Incident(code, entry.at, [str(c) for c in cases] if isinstance(cases, list) else [], items)
        )
    return out
