"""For the archiwista: archive search, open loans, the disposal list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, JrwaClass
from ezd.records.cases import CaseState
from ezd.records.jrwa import ArchivalCategory
from ezd.records.retention import disposal_date
from ezd.records.tenancy import Role
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.services.queries.access import logged_read, logins_of
from ezd.services.queries.cases import case_summary, summary_fields
from ezd.services.queries.models import CaseSummary, DisposalCase, LoanRow


@dataclass
class ArchiveFilter:
    text: str = ""
    category: str | None = None
    year: int | None = None
    jrwa: str | None = None
    state: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def search_archive(
    session: Session, actor: Actor, *, tenant: str, flt: ArchiveFilter, limit: int = 200
) -> list[CaseSummary]:
    """Search the office's archive: Polish inflection-aware full text with metadata filters.

    Archived cases are found through the archive's full-text index (``ezd.archive_ops.search``:
    "decyzja" finds "decyzji"); closed cases still waiting for transfer are matched by sign and
    title.  Archived hits come first, in rank order.
    """
    tenant_row = tenant_by_code(session, tenant)
    actor.require(tenant, Role.ARCHIWISTA)
    cases: list[CaseFile] = []
    if flt.state != CaseState.CLOSED.value:
        from ezd.archive_ops.search import MAX_PER_PAGE, SearchQuery, search

        page = search(
            session,
            SearchQuery(
                text=flt.text,
                tenant=tenant,
                jrwa=flt.jrwa or None,
                category=flt.category or None,
                year_from=flt.year,
                year_to=flt.year,
                per_page=min(limit, MAX_PER_PAGE),
            ),
        )
        rank = {h.case_sign: i for i, h in enumerate(page.hits)}
        found = session.execute(
            select(CaseFile).where(CaseFile.tenant_id == tenant_row.id, CaseFile.sign.in_(list(rank)))
        ).scalars()
        cases.extend(sorted(found, key=lambda c: rank[c.sign]))
    if flt.state != CaseState.ARCHIVED.value:
        q = select(CaseFile).where(
            CaseFile.tenant_id == tenant_row.id, CaseFile.state == CaseState.CLOSED.value
        )
        if flt.category:
            q = q.where(CaseFile.category == flt.category)
        if flt.year:
            q = q.where(CaseFile.year == flt.year)
        if flt.jrwa:
            q = q.where(
                CaseFile.jrwa_class_id.in_(
                    select(JrwaClass.id).where(
                        JrwaClass.tenant_id == tenant_row.id, JrwaClass.symbol.startswith(flt.jrwa)
                    )
                )
            )
        for word in flt.text.split()[:8]:
            like = f"%{word.lower()}%"
            q = q.where(or_(func.lower(CaseFile.title).like(like), func.lower(CaseFile.sign).like(like)))
        cases.extend(session.execute(q.order_by(CaseFile.id.desc()).limit(limit)).scalars())
    names = logins_of(session, (c.referent_id for c in cases))
    logged_read(session, actor, tenant_row.id, "archive-search", flt.text[:80] or "*")
    return [case_summary(c, tenant, names.get(c.referent_id or 0)) for c in cases]


def open_loans(session: Session, actor: Actor, *, tenant: str) -> list[LoanRow]:
    """Archived records lent out and not yet returned (udostępnienia), overdue first."""
    from ezd.db.tables_archive import ArchiveEntry, Loan

    tenant_row = tenant_by_code(session, tenant)
    actor.require(tenant, Role.ARCHIWISTA)
    rows = session.execute(
        select(ArchiveEntry, Loan)
        .join(Loan, Loan.entry_id == ArchiveEntry.id)
        .where(ArchiveEntry.tenant_id == tenant_row.id, Loan.returned_at.is_(None))
        .order_by(Loan.due_on)
    ).all()
    today = date.today()
    logged_read(session, actor, tenant_row.id, "loans", tenant)
    return [
        LoanRow(
            case=e.case_sign,
            title=e.title,
            borrower=loan.borrower,
            purpose=loan.purpose,
            lent_by=loan.lent_by,
            due_on=loan.due_on.isoformat(),
            overdue=loan.due_on < today,
        )
        for e, loan in rows
    ]


def disposal_list(session: Session, actor: Actor, *, tenant: str, as_of: date) -> list[DisposalCase]:
    """Archived cases whose retention has run out (spis akt do brakowania); category A never."""
    tenant_row = tenant_by_code(session, tenant)
    actor.require(tenant, Role.ARCHIWISTA)
    out = []
    for c in session.execute(
        select(CaseFile)
        .where(CaseFile.tenant_id == tenant_row.id, CaseFile.state == CaseState.ARCHIVED.value)
        .order_by(CaseFile.id)
    ).scalars():
        closed = (c.closed_at or c.opened_at).date()
        when = disposal_date(ArchivalCategory.parse(c.category), closed)
        if when is not None and when <= as_of:
            out.append(
                DisposalCase(
                    **summary_fields(c, tenant),
                    disposal_from=when.isoformat(),
                    expert_review=c.category.upper().startswith("BE"),
                )
            )
    logged_read(session, actor, tenant_row.id, "disposal-list", as_of.isoformat())
    return out
