"""Public endpoints: the list of offices and the residents' case status (sign + access code)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from ezd.db.tables import Tenant
from ezd.services.case_actions import public_status
from ezd.services.queries.models import PublicStatus
from ezd.web.api.models import PublicStatusBody
from ezd.web.api.responses import errors
from ezd.web.api.views import Office
from ezd.web.dependencies import UoW

router = APIRouter(prefix="/api/v1/public", tags=["public"])


@router.get("/offices", summary="Offices of the partnership (code and name)")
def offices(uow: UoW) -> list[Office]:
    return [
        Office(code=t.code, name=t.name)
        for t in uow.session.execute(select(Tenant).order_by(Tenant.name)).scalars()
    ]


@router.post(
    "/case-status",
    summary="Status and deadline of a case for its access code; no personal data",
    responses=errors(404, 422, 429),
)
def case_status(body: PublicStatusBody, request: Request, uow: UoW) -> PublicStatus:
    address = request.client.host if request.client else "?"
    request.app.state.public_throttle.check(address)
    from ezd.records.errors import NotFound

    try:
        return public_status(uow.session, tenant=body.tenant, case_sign=body.sign, code=body.code)
    except NotFound:
        request.app.state.public_throttle.failed(address)
        raise
