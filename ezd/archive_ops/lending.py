"""Udostępnianie: lending archived records with a due date and their return; every access logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.archive_ops.register import entry_by_sign, entry_chain
from ezd.db.base import utcnow
from ezd.db.tables_archive import ArchiveEntry, Loan
from ezd.records.errors import InvalidInput, InvalidState
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code


@dataclass(frozen=True)
class LoanView:
    loan_id: int
    case_sign: str
    borrower: str
    due_on: date
    returned: bool


def _open_loan(session: Session, entry_id: int) -> Loan | None:
    return session.execute(
        select(Loan).where(Loan.entry_id == entry_id, Loan.returned_at.is_(None))
    ).scalar_one_or_none()


def lend(
    session: Session,
    actor: Actor,
    *,
    tenant: str,
    case_sign: str,
    borrower: str,
    due_on: date,
    purpose: str = "",
    today: date | None = None,
) -> LoanView:
    actor.require(tenant, Role.ARCHIWISTA)
    tenant_row = tenant_by_code(session, tenant)
    entry = entry_by_sign(session, tenant_row.id, case_sign)
    if not borrower.strip():
        raise InvalidInput("borrower (who receives the records) is required")
    if due_on < (today or date.today()):
        raise InvalidInput(f"due date {due_on} is in the past")
    if entry.status == "destroyed":
        raise InvalidState(f"{case_sign} was destroyed; it cannot be lent")
    if _open_loan(session, entry.id) is not None:
        raise InvalidState(f"{case_sign} is already lent out")
    loan = Loan(
        entry_id=entry.id, borrower=borrower.strip(), purpose=purpose, lent_by=actor.login, due_on=due_on
    )
    session.add(loan)
    entry.status = "lent"
    session.flush()
    audit.log_read(
        session, actor=actor.login, tenant_id=tenant_row.id, object_type="archive_entry", object_ref=case_sign
    )
    audit.record(
        session,
        chain_key=entry_chain(entry),
        tenant_id=tenant_row.id,
        actor=actor.login,
        action="udostepnienie",
        case_id=entry.case_id,
        details={"borrower": loan.borrower, "due_on": due_on.isoformat(), "purpose": purpose},
    )
    return LoanView(loan.id, case_sign, loan.borrower, due_on, False)


def give_back(session: Session, actor: Actor, *, tenant: str, case_sign: str) -> LoanView:
    actor.require(tenant, Role.ARCHIWISTA)
    tenant_row = tenant_by_code(session, tenant)
    entry = entry_by_sign(session, tenant_row.id, case_sign)
    loan = _open_loan(session, entry.id)
    if loan is None:
        raise InvalidState(f"{case_sign} is not lent out")
    loan.returned_at = utcnow()
    loan.returned_to = actor.login
    entry.status = "held"
    audit.record(
        session,
        chain_key=entry_chain(entry),
        tenant_id=tenant_row.id,
        actor=actor.login,
        action="zwrot_udostepnienia",
        case_id=entry.case_id,
        details={"borrower": loan.borrower, "late": loan.due_on < loan.returned_at.date()},
    )
    return LoanView(loan.id, case_sign, loan.borrower, loan.due_on, True)


def overdue(session: Session, as_of: date) -> list[tuple[ArchiveEntry, Loan]]:
    rows = session.execute(
        select(ArchiveEntry, Loan)
        .join(Loan, Loan.entry_id == ArchiveEntry.id)
        .where(Loan.returned_at.is_(None), Loan.due_on < as_of)
        .order_by(Loan.due_on)
    ).all()
    return [(e, loan) for e, loan in rows]
