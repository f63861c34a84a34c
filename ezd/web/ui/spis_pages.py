"""Spis zdawczo-odbiorczy in the browser: the preview per unit, making a list, XML and PDF.

The services check the archivist role of the office and write the metryka
(``ezd.archive_ops.spis_view``); these handlers read the forms and render.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ezd.archive_ops import spis_view
from ezd.web.dependencies import Me, Principal, ServiceDeps, UoW
from ezd.web.ui.common import tenant_of
from ezd.web.ui.form_state import USER_ERRORS, FormState, failed, status_of, typed_values
from ezd.web.ui.render import render

router = APIRouter()

BASE = "/archiwum/spisy"


@router.get(BASE)
def spis_page(request: Request, me: Me, uow: UoW) -> Response:
    return _page(request, me, uow)


def _page(
    request: Request, me: Principal, uow: UoW, form: FormState | None = None, status: int = 200
) -> Response:
    tenant = tenant_of(me, request)
    units = spis_view.pending(uow.session, me.actor, tenant=tenant)
    made = spis_view.lists(uow.session, me.actor, tenant=tenant)
    return render(request, "spis.html", status, form=form, units=units, lists=made)


@router.post(BASE)
async def make(request: Request, me: Me, deps: ServiceDeps, uow: UoW) -> Response:
    tenant = tenant_of(me, request)
    values = typed_values(await request.form())
    try:
        tl = spis_view.make(
            deps.session, deps.store, me.actor, tenant=tenant, unit=values.get("unit", "")[:30]
        )
    except USER_ERRORS as exc:
        return _page(request, me, uow, form=failed(request, exc, values), status=status_of(exc))
    return RedirectResponse(f"{BASE}/{tl.year}/{tl.seq}", status_code=303)


@router.get(BASE + "/{year}/{seq}")
def list_page(request: Request, me: Me, uow: UoW, year: int, seq: int) -> Response:
    tenant = tenant_of(me, request)
    tl = spis_view.show(uow.session, me.actor, tenant=tenant, year=year, seq=seq)
    return render(request, "spis_list.html", tl=tl, base=f"{BASE}/{year}/{seq}")


@router.get(BASE + "/{year}/{seq}/pobierz/{kind}")
def download(request: Request, me: Me, deps: ServiceDeps, year: int, seq: int, kind: str) -> Response:
    tenant = tenant_of(me, request)
    doc = spis_view.download(deps.session, deps.store, me.actor, tenant=tenant, year=year, seq=seq, kind=kind)
    return Response(
        doc.content,
        media_type=doc.media_type,
        headers={"Content-Disposition": f'attachment; filename="{doc.filename}"'},
    )
