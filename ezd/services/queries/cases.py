"""Cases: the spis spraw, cases shared with my office, one case in full, a stored version."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, CaseShare, Document, DocumentVersion, IncomingItem, Tenant, Unit, User
from ezd.records.errors import NotFound, PermissionDenied
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.services.queries.access import (
    CASE_READERS_IN_TENANT,
    CASE_READERS_IN_UNIT,
    case_access,
    iso,
    item_access,
    logged_read,
    logins_of,
    require_member,
    units_with,
)
from ezd.services.queries.models import CaseSummary


def case_summary(case: CaseFile, tenant: str, referent: str | None = None) -> CaseSummary:
    return CaseSummary(**summary_fields(case, tenant, referent))


class SummaryFields(TypedDict):
    tenant: str
    sign: str
    title: str
    state: str
    unit: str
    jrwa: str
    category: str
    referent: str | None
    opened_at: str | None
    deadline: str | None
    closed_at: str | None
    archived_at: str | None


def summary_fields(case: CaseFile, tenant: str, referent: str | None = None) -> SummaryFields:
    """The summary's fields, for the read models that extend it (overdue, disposal, the full view)."""
    return {
        "tenant": tenant,
        "sign": case.sign,
        "title": case.title,
        "state": case.state,
        "unit": case.unit.code,
        "jrwa": case.jrwa.symbol,
        "category": case.category,
        "referent": referent,
        "opened_at": iso(case.opened_at),
        "deadline": iso(case.deadline),
        "closed_at": iso(case.closed_at),
        "archived_at": iso(case.archived_at),
    }


def case_list(
    session: Session,
    actor: Actor,
    *,
    tenant: str,
    state: str | None = None,
    unit: str | None = None,
    referent: str | None = None,
    limit: int = 500,
) -> list[CaseSummary]:
    """The spis spraw of the units the actor may read (cases shared by others: :func:`shared_cases`)."""
    tenant_row = tenant_by_code(session, tenant)
    require_member(actor, tenant)
    q = select(CaseFile).where(CaseFile.tenant_id == tenant_row.id)
    if not (actor.system or any(actor.can(tenant, r) for r in CASE_READERS_IN_TENANT)):
        readable = units_with(actor, tenant, CASE_READERS_IN_UNIT) or set()
        if not readable:
            raise PermissionDenied(f"{actor.login} may not read cases in {tenant}")
        q = q.join(Unit, Unit.id == CaseFile.unit_id).where(Unit.code.in_(readable))
    if state:
        q = q.where(CaseFile.state == state)
    if unit:
        q = q.where(
            CaseFile.unit_id.in_(select(Unit.id).where(Unit.tenant_id == tenant_row.id, Unit.code == unit))
        )
    if referent:
        q = q.where(CaseFile.referent_id.in_(select(User.id).where(User.login == referent)))
    cases = session.execute(q.order_by(CaseFile.id.desc()).limit(limit)).scalars().all()
    names = logins_of(session, (c.referent_id for c in cases))
    logged_read(session, actor, tenant_row.id, "case-list", state or "*")
    return [case_summary(c, tenant, names.get(c.referent_id or 0)) for c in cases]


def shared_cases(session: Session, actor: Actor) -> list[CaseSummary]:
    """Cases other offices have shared with the actor's offices (read-only)."""
    mine = select(Tenant.id).where(Tenant.code.in_(actor.tenants()))
    rows = session.execute(
        select(CaseFile, Tenant.code)
        .join(Tenant, Tenant.id == CaseFile.tenant_id)
        .where(CaseFile.id.in_(select(CaseShare.case_id).where(CaseShare.tenant_id.in_(mine))))
        .order_by(CaseFile.id.desc())
    ).all()
    return [case_summary(c, code) for c, code in rows]


def document_version(
    session: Session, actor: Actor, *, tenant: str, uid: str, version: int
) -> tuple[Document, DocumentVersion]:
    """A stored version the actor may read (through its case or, before a case, its RPW item)."""
    tenant_row = tenant_by_code(session, tenant)
    doc = session.execute(
        select(Document).where(Document.uid == uid, Document.tenant_id == tenant_row.id)
    ).scalar_one_or_none()
    if doc is None:
        raise NotFound("no such document in this office")
    if doc.case_id is not None:
        case = session.get(CaseFile, doc.case_id)
        if case is None:  # the foreign key forbids it; a reader still gets one clear line
            raise NotFound("no such document in this office")
        case_access(session, actor, tenant, case)
    else:
        item = session.execute(
            select(IncomingItem).where(IncomingItem.document_id == doc.id)
        ).scalar_one_or_none()
        if item is None:
            raise NotFound("no such document in this office")
        item_access(session, actor, tenant, item)
    for v in doc.versions:
        if v.version == version:
            return doc, v
    raise NotFound(f"document has no version {version}")
