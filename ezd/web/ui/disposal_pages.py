"""Brakowanie in the browser: the due list, the request, the state archive's consent, the destruction.

The services check the archivist role of the office and write the metryka
(``ezd.archive_ops.disposal_view``); these handlers read the forms and render.  A refused form
comes back with one Polish message and what was typed (the file must be chosen again: a
browser never lets a page fill a file field).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from ezd.archive_ops import disposal_view
from ezd.archive_ops.disposal import office_today
from ezd.records.errors import InvalidInput
from ezd.web.dependencies import Me, Principal, ServiceDeps, UoW
from ezd.web.ui.common import tenant_of
from ezd.web.ui.form_state import USER_ERRORS, FormState, failed, status_of, typed_values
from ezd.web.ui.render import render

router = APIRouter()

BASE = "/archiwum/brakowanie"


def _number(year: int, seq: int) -> str:
    return f"{seq}/{year}"


@router.get(BASE)
def disposal_page(request: Request, me: Me, uow: UoW) -> Response:
    return _list(request, me, uow)


def _list(
    request: Request, me: Principal, uow: UoW, form: FormState | None = None, status: int = 200
) -> Response:
    tenant = tenant_of(me, request)
    due = disposal_view.due_entries(uow.session, me.actor, tenant=tenant)
    reqs = disposal_view.list_requests(uow.session, me.actor, tenant=tenant)
    return render(request, "disposal.html", status, form=form, due=due, requests=reqs, today=office_today())


@router.post(f"{BASE}/wnioski")
def file_request(request: Request, me: Me, deps: ServiceDeps, uow: UoW) -> Response:
    tenant = tenant_of(me, request)
    try:
        req = disposal_view.file_request(deps.session, deps.store, me.actor, tenant=tenant)
    except USER_ERRORS as exc:
        return _list(request, me, uow, form=failed(request, exc, {}), status=status_of(exc))
    return RedirectResponse(f"{BASE}/{req.year}/{req.seq}", status_code=303)


@router.get(BASE + "/{year}/{seq}")
def request_page(request: Request, me: Me, uow: UoW, year: int, seq: int) -> Response:
    return _detail(request, me, uow, year, seq)


def _detail(
    request: Request,
    me: Principal,
    uow: UoW,
    year: int,
    seq: int,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    tenant = tenant_of(me, request)
    req = disposal_view.show_request(uow.session, me.actor, tenant=tenant, number=_number(year, seq))
    done = request.query_params.get("wykonano") == "1" and req.status == "executed"
    return render(
        request, "disposal_request.html", status, form=form, req=req, base=f"{BASE}/{year}/{seq}", done=done
    )


@router.post(BASE + "/{year}/{seq}/zgoda")
async def consent(request: Request, me: Me, deps: ServiceDeps, uow: UoW, year: int, seq: int) -> Response:
    tenant = tenant_of(me, request)
    form = await request.form()
    values = typed_values(form)
    upload = form.get("decision")
    try:
        if not isinstance(upload, UploadFile):
            raise InvalidInput("the consent document is empty")
        data = await upload.read(disposal_view.MAX_DECISION_BYTES + 1)
        try:
            when = date.fromisoformat(values.get("consent_date", ""))
        except ValueError:
            raise InvalidInput("the consent date must be a date (YYYY-MM-DD)") from None
        disposal_view.consent(
            deps.session,
            deps.store,
            me.actor,
            tenant=tenant,
            number=_number(year, seq),
            document=data,
            reference=values.get("reference", "")[:100],
            consent_date=when,
            excluded=[str(v)[:100] for v in form.getlist("excluded")],
        )
    except USER_ERRORS as exc:
        return _detail(request, me, uow, year, seq, form=failed(request, exc, values), status=status_of(exc))
    return RedirectResponse(f"{BASE}/{year}/{seq}", status_code=303)


@router.post(BASE + "/{year}/{seq}/wykonanie")
def execute(request: Request, me: Me, deps: ServiceDeps, uow: UoW, year: int, seq: int) -> Response:
    tenant = tenant_of(me, request)
    try:
        disposal_view.execute(deps.session, deps.store, me.actor, tenant=tenant, number=_number(year, seq))
    except USER_ERRORS as exc:
        return _detail(request, me, uow, year, seq, form=failed(request, exc, {}), status=status_of(exc))
    return RedirectResponse(f"{BASE}/{year}/{seq}?wykonano=1", status_code=303)


@router.get(BASE + "/{year}/{seq}/pobierz/{which}")
def download(request: Request, me: Me, deps: ServiceDeps, year: int, seq: int, which: str) -> Response:
    tenant = tenant_of(me, request)
    doc = disposal_view.document(
        deps.session, deps.store, me.actor, tenant=tenant, number=_number(year, seq), which=which
    )
    return Response(
        doc.content,
        media_type=doc.media_type,
        headers={"Content-Disposition": f'attachment; filename="{doc.filename}"'},
    )
