"""Archiwista: transfers into the archive, search, disposal list, export; audit verification."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from ezd.records.csvsafe import safe_cell
from ezd.services import archive, case_actions, queries
from ezd.services.office_admin import verify_tenant_audit
from ezd.services.queries.models import AuditCheck, CaseSummary, DisposalCase, LoanRow
from ezd.web.api.models import CASE_SIGN, TENANT, LoanBody, TransferDecisionBody, TransferStartBody
from ezd.web.api.responses import READ, WRITE, errors
from ezd.web.api.views import LoanMade, LoanReturned, TransferDecided, TransfersStarted
from ezd.web.dependencies import Me, ServiceDeps, UoW

router = APIRouter(prefix="/api/v1/tenants/{tenant}", tags=["archiwum"])

Tenant = Annotated[str, Path(pattern=TENANT)]
Sign = Annotated[str, Path(pattern=CASE_SIGN)]


@router.post(
    "/archive/transfers",
    summary="Start the transfer of due closed cases (or one case) to the archive",
    responses=errors(*WRITE),
)
def start_transfers(tenant: Tenant, body: TransferStartBody, me: Me, deps: ServiceDeps) -> TransfersStarted:
    if body.case:
        case_actions.start_transfer(deps, me.actor, tenant=tenant, case_sign=body.case)
        started = [body.case]
    else:
        started = case_actions.start_due_transfers(
            deps, me.actor, tenant=tenant, as_of=body.as_of or date.today()
        )
    return TransfersStarted(started=started)


@router.post(
    "/archive/transfers/{sign}",
    summary="Accept the case into the archive, or return it",
    responses=errors(*WRITE),
)
def decide_transfer(
    tenant: Tenant, sign: Sign, body: TransferDecisionBody, me: Me, deps: ServiceDeps
) -> TransferDecided:
    archive.decide_transfer(
        deps, me.actor, tenant=tenant, case_sign=sign, accepted=body.accepted, note=body.note
    )
    return TransferDecided(case=sign, accepted=body.accepted)


@router.post(
    "/archive/loans",
    summary="Lend an archived case (udostępnienie) with a due date",
    status_code=201,
    responses=errors(400, 401, 403, 404, 409, 422),
)
def lend(tenant: Tenant, body: LoanBody, me: Me, uow: UoW) -> LoanMade:
    from ezd.archive_ops import lending

    loan = lending.lend(
        uow.session,
        me.actor,
        tenant=tenant,
        case_sign=body.case,
        borrower=body.borrower,
        due_on=body.due_on,
        purpose=body.purpose,
    )
    return LoanMade(loan=loan.loan_id, case=loan.case_sign, borrower=loan.borrower, due_on=loan.due_on)


@router.post(
    "/archive/loans/{sign}/return",
    summary="Record the return of a lent case",
    responses=errors(400, 401, 403, 404, 409, 422),
)
def give_back(tenant: Tenant, sign: Sign, me: Me, uow: UoW) -> LoanReturned:
    from ezd.archive_ops import lending

    loan = lending.give_back(uow.session, me.actor, tenant=tenant, case_sign=sign)
    return LoanReturned(loan=loan.loan_id, case=loan.case_sign, returned=loan.returned)


@router.get("/archive/loans", summary="Cases currently lent out, overdue first", responses=errors(*READ))
def loans(tenant: Tenant, me: Me, uow: UoW) -> list[LoanRow]:
    return queries.open_loans(uow.session, me.actor, tenant=tenant)


def _filter(
    q: str, category: str | None, year: int | None, jrwa: str | None, state: str | None
) -> queries.ArchiveFilter:
    return queries.ArchiveFilter(text=q, category=category, year=year, jrwa=jrwa, state=state)


Q = Annotated[str, Query(max_length=200, description="Words to find in signs, titles and document titles")]
Category = Annotated[str | None, Query(pattern=r"^(A|B\d{1,2}|BE\d{1,2}|Bc)$")]
YearQ = Annotated[int | None, Query(ge=2000, le=2999)]
Jrwa = Annotated[str | None, Query(pattern=r"^\d{1,4}$")]
State = Annotated[str | None, Query(pattern="^(closed|archived)$")]


@router.get("/archive/search", summary="Search closed and archived cases", responses=errors(400, *READ))
def search(
    tenant: Tenant,
    me: Me,
    uow: UoW,
    q: Q = "",
    category: Category = None,
    year: YearQ = None,
    jrwa: Jrwa = None,
    state: State = None,
) -> list[CaseSummary]:
    return queries.search_archive(
        uow.session, me.actor, tenant=tenant, flt=_filter(q, category, year, jrwa, state)
    )


@router.get(
    "/archive/export.csv",
    summary="Export search results as CSV (spis zdawczo-odbiorczy draft)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **errors(400, *READ)},
)
def export(
    tenant: Tenant,
    me: Me,
    uow: UoW,
    q: Q = "",
    category: Category = None,
    year: YearQ = None,
    jrwa: Jrwa = None,
    state: State = None,
) -> Response:
    rows = queries.search_archive(
        uow.session, me.actor, tenant=tenant, flt=_filter(q, category, year, jrwa, state)
    )
    buf = io.StringIO()
    cols = ["sign", "title", "jrwa", "category", "opened_at", "closed_at", "archived_at", "state"]
    writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", delimiter=";")
    writer.writeheader()
    # titles and senders come from outside (ePUAP): no cell may run as a spreadsheet formula
    writer.writerows({c: safe_cell(d.get(c)) for c in cols} for d in (r.model_dump() for r in rows))
    return Response(
        buf.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="archiwum-{tenant}.csv"'},
    )


@router.get(
    "/archive/disposal",
    summary="Archived cases whose retention has run out (category B)",
    responses=errors(*READ),
)
def disposal(
    tenant: Tenant, me: Me, uow: UoW, as_of: Annotated[date | None, Query()] = None
) -> list[DisposalCase]:
    return queries.disposal_list(uow.session, me.actor, tenant=tenant, as_of=as_of or date.today())


@router.get("/audit/verify", summary="Verify the office's metryka hash chains", responses=errors(*READ))
def audit_verify(tenant: Tenant, me: Me, uow: UoW) -> AuditCheck:
    return verify_tenant_audit(uow.session, me.actor, tenant=tenant)
