"""More archivist pages: legal holds (list, set, lift) and fixity (audits and incidents).

The services check the roles (``ezd.archive_ops.holds``, ``ezd.archive_ops.disposal``); these
handlers only read the form and render.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ezd.archive_ops import disposal, holds
from ezd.web.dependencies import Me, ServiceDeps, UoW
from ezd.web.ui.common import back, tenant_of
from ezd.web.ui.render import render

router = APIRouter()


@router.get("/archiwum/blokady")
def holds_page(request: Request, me: Me, uow: UoW) -> Response:
    tenant = tenant_of(me, request)
    rows = holds.held_cases(uow.session, me.actor, tenant=tenant)
    return render(request, "archive_holds.html", rows=rows, tenant=tenant)


async def _hold(request: Request, me: Me, deps: ServiceDeps, *, on: bool) -> Response:
    tenant = tenant_of(me, request)
    form = await request.form()
    disposal.set_legal_hold(
        deps.session,
        deps.store,
        me.actor,
        tenant=tenant,
        case_sign=str(form.get("case", "")).strip()[:100],
        on=on,
        reason=str(form.get("reason", ""))[:300],
    )
    return back("/archiwum/blokady")


@router.post("/archiwum/blokady")
async def set_hold(request: Request, me: Me, deps: ServiceDeps) -> Response:
    return await _hold(request, me, deps, on=True)


@router.post("/archiwum/blokady/zniesienie")
async def lift_hold(request: Request, me: Me, deps: ServiceDeps) -> Response:
    return await _hold(request, me, deps, on=False)


@router.get("/archiwum/integralnosc")
def fixity_page(request: Request, me: Me, uow: UoW) -> Response:
    tenant = tenant_of(me, request)
    overview = holds.fixity_overview(uow.session, me.actor, tenant=tenant)
    return render(request, "archive_fixity.html", overview=overview, local=holds.local)
