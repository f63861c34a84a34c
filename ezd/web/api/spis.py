"""Spis zdawczo-odbiorczy in the API: the preview per unit, the lists, making one, XML and PDF.

The archivist role of the office is checked by the services (``ezd.archive_ops.spis_view``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ezd.archive_ops import spis_view
from ezd.archive_ops.spis_view import PendingUnit, TransferListView
from ezd.web.api.models import TENANT
from ezd.web.api.responses import READ, WRITE, errors
from ezd.web.dependencies import Me, ServiceDeps, UoW

router = APIRouter(prefix="/api/v1/tenants/{tenant}/archive/transfer-lists", tags=["archiwum"])

Tenant = Annotated[str, Path(pattern=TENANT)]
Year = Annotated[int, Path(ge=2000, le=2999)]
Seq = Annotated[int, Path(ge=1, le=1_000_000)]


class TransferListBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit: str = Field(
        pattern=r"^[A-Z0-9][A-Z0-9-]{0,29}$", description="Code of the unit handing its cases over"
    )


@router.get("", summary="The office's transfer lists, newest first", responses=errors(*READ))
def lists(tenant: Tenant, me: Me, uow: UoW) -> list[TransferListView]:
    return spis_view.lists(uow.session, me.actor, tenant=tenant)


@router.get(
    "/pending", summary="Per unit, the archived cases the next list would hold", responses=errors(*READ)
)
def pending(tenant: Tenant, me: Me, uow: UoW) -> list[PendingUnit]:
    return spis_view.pending(uow.session, me.actor, tenant=tenant)


@router.post(
    "", summary="Make the list of a unit's archived cases", status_code=201, responses=errors(*WRITE)
)
def make(tenant: Tenant, body: TransferListBody, me: Me, deps: ServiceDeps) -> TransferListView:
    return spis_view.make(deps.session, deps.store, me.actor, tenant=tenant, unit=body.unit)


@router.get("/{year}/{seq}", summary="One transfer list with its cases", responses=errors(*READ))
def show(tenant: Tenant, year: Year, seq: Seq, me: Me, uow: UoW) -> TransferListView:
    return spis_view.show(uow.session, me.actor, tenant=tenant, year=year, seq=seq)


def _file(doc: spis_view.SpisDownload) -> Response:
    return Response(
        doc.content,
        media_type=doc.media_type,
        headers={"Content-Disposition": f'attachment; filename="{doc.filename}"'},
    )


@router.get(
    "/{year}/{seq}/spis.xml",
    summary="The list as XML (NDAP SpisZdawczo-odbiorczy.xsd)",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}, **errors(*READ)},
)
def xml(tenant: Tenant, year: Year, seq: Seq, me: Me, deps: ServiceDeps) -> Response:
    return _file(
        spis_view.download(deps.session, deps.store, me.actor, tenant=tenant, year=year, seq=seq, kind="xml")
    )


@router.get(
    "/{year}/{seq}/spis.pdf",
    summary="The list as PDF, for signatures",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **errors(*READ)},
)
def pdf(tenant: Tenant, year: Year, seq: Seq, me: Me, deps: ServiceDeps) -> Response:
    return _file(
        spis_view.download(deps.session, deps.store, me.actor, tenant=tenant, year=year, seq=seq, kind="pdf")
    )
