"""Archiwista pages: search (live with htmx), export, starting transfers (brakowanie: disposal_pages).

Search uses :func:`ezd.services.queries.search_archive` (the archive's Polish full-text index);
lending goes through ``ezd.archive_ops.lending``.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ezd.db.uow import UnitOfWork
from ezd.records.errors import InvalidInput
from ezd.services import case_actions, queries
from ezd.web.dependencies import Me, Principal, ServiceDeps, UoW
from ezd.web.ui.common import back, tenant_of
from ezd.web.ui.form_state import USER_ERRORS, FormState, failed, status_of, typed_values
from ezd.web.ui.render import render

router = APIRouter()


def _filter(request: Request) -> queries.ArchiveFilter:
    p = request.query_params
    year = p.get("year", "").strip()
    if year and not year.isdigit():
        raise InvalidInput("the year must be a number")
    return queries.ArchiveFilter(
        text=p.get("q", "")[:200],
        category=p.get("category", "").strip() or None,
        year=int(year) if year else None,
        jrwa=p.get("jrwa", "").strip() or None,
        state=p.get("state", "").strip() or None,
    )


@router.get("/archiwum")
def archive_page(request: Request, me: Me, uow: UoW, fragment: int = 0) -> Response:
    return _archive_response(request, me, uow, fragment=bool(fragment))


def _archive_response(
    request: Request,
    me: Principal,
    uow: UnitOfWork,
    *,
    fragment: bool = False,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    tenant = tenant_of(me, request)
    flt = _filter(request)
    rows = queries.search_archive(uow.session, me.actor, tenant=tenant, flt=flt)
    if fragment:
        return render(request, "_cases_table.html", cases=rows, show_late=False)
    params = {
        k: v for k, v in request.query_params.items() if k in ("q", "category", "year", "jrwa", "state") and v
    }
    export = f"/api/v1/tenants/{tenant}/archive/export.csv" + (f"?{urlencode(params)}" if params else "")
    loans = queries.open_loans(uow.session, me.actor, tenant=tenant)
    lent = request.query_params.get("wypozyczono", "")
    return render(
        request,
        "archive.html",
        status,
        form=form,
        cases=rows,
        flt=flt,
        show_late=False,
        export_url=export,
        loans=loans,
        lent=next((loan for loan in loans if loan.case == lent), None),
    )


@router.post("/archiwum/udostepnienia")
async def lend(request: Request, me: Me, uow: UoW) -> Response:
    from ezd.archive_ops import lending

    tenant = tenant_of(me, request)
    form = await request.form()
    values = typed_values(form)
    case_sign = values.get("case", "").strip()[:100]
    try:
        try:
            due_on = date.fromisoformat(values.get("due_on", ""))
        except ValueError:
            raise InvalidInput("the due date must be a date (YYYY-MM-DD)") from None
        lending.lend(
            uow.session,
            me.actor,
            tenant=tenant,
            case_sign=case_sign,
            borrower=values.get("borrower", "")[:200],
            due_on=due_on,
            purpose=values.get("purpose", "")[:500],
        )
    except USER_ERRORS as exc:
        return _archive_response(request, me, uow, form=failed(request, exc, values), status=status_of(exc))
    # the confirmation names the case, the borrower and the due date (see archive.html)
    return RedirectResponse(f"/archiwum?wypozyczono={quote(case_sign)}#loans", status_code=303)


@router.post("/archiwum/udostepnienia/zwrot")
async def give_back(request: Request, me: Me, uow: UoW) -> Response:
    from ezd.archive_ops import lending

    tenant = tenant_of(me, request)
    form = await request.form()
    lending.give_back(uow.session, me.actor, tenant=tenant, case_sign=str(form.get("case", "")).strip()[:100])
    return back("/archiwum#loans")


@router.post("/archiwum/przekazania")
def start_transfers(request: Request, me: Me, deps: ServiceDeps) -> Response:
    tenant = tenant_of(me, request)
    case_actions.start_due_transfers(deps, me.actor, tenant=tenant, as_of=date.today())
    return back("/zadania")
