"""Brakowanie in the API: the request, the state archive's consent, the destruction and its protocol.

The archivist role of the office is checked by the services (``ezd.archive_ops.disposal_view``);
every step lands in the metryka there.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ezd.archive_ops import disposal_view
from ezd.archive_ops.disposal_view import DisposalExecuted, DisposalRequestView
from ezd.web.api.models import TENANT
from ezd.web.api.responses import READ, WRITE, errors
from ezd.web.dependencies import Me, ServiceDeps, UoW

router = APIRouter(prefix="/api/v1/tenants/{tenant}/archive/disposal", tags=["archiwum"])

Tenant = Annotated[str, Path(pattern=TENANT)]
Year = Annotated[int, Path(ge=2000, le=2999)]
Seq = Annotated[int, Path(ge=1, le=1_000_000)]


class DisposalRequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    as_of: date | None = Field(
        None, description="The day the records must be due by (not in the future); today if empty"
    )


def _number(year: int, seq: int) -> str:
    return f"{seq}/{year}"


@router.get("/requests", summary="The office's disposal requests, newest first", responses=errors(*READ))
def requests(tenant: Tenant, me: Me, uow: UoW) -> list[DisposalRequestView]:
    return disposal_view.list_requests(uow.session, me.actor, tenant=tenant)


@router.post(
    "/requests",
    summary="File a disposal request listing every record whose retention has run out",
    status_code=201,
    responses=errors(*WRITE),
)
def file_request(tenant: Tenant, body: DisposalRequestBody, me: Me, deps: ServiceDeps) -> DisposalRequestView:
    return disposal_view.file_request(deps.session, deps.store, me.actor, tenant=tenant, as_of=body.as_of)


@router.get(
    "/requests/{year}/{seq}", summary="One disposal request with its records", responses=errors(*READ)
)
def show(tenant: Tenant, year: Year, seq: Seq, me: Me, uow: UoW) -> DisposalRequestView:
    return disposal_view.show_request(uow.session, me.actor, tenant=tenant, number=_number(year, seq))


@router.post(
    "/requests/{year}/{seq}/consent",
    summary="Record the state archive's decision (PDF or scan), its reference and date",
    responses=errors(*WRITE),
)
async def consent(
    tenant: Tenant,
    year: Year,
    seq: Seq,
    me: Me,
    deps: ServiceDeps,
    file: Annotated[
        UploadFile, File(description="The decision of the state archive: PDF, JPEG, PNG or TIFF")
    ],
    reference: Annotated[str, Form(min_length=1, max_length=100, description="Znak pisma archiwum")],
    consent_date: Annotated[date, Form(description="Date of the decision (not in the future)")],
    excluded: Annotated[list[str], Form(description="Case signs the archive keeps")] = [],  # noqa: B006
) -> DisposalRequestView:
    # one byte over the limit is enough to refuse: the whole upload is never held in memory
    data = await file.read(disposal_view.MAX_DECISION_BYTES + 1)
    return disposal_view.consent(
        deps.session,
        deps.store,
        me.actor,
        tenant=tenant,
        number=_number(year, seq),
        document=data,
        reference=reference,
        consent_date=consent_date,
        excluded=[s.strip() for s in excluded if s.strip()],
    )


@router.post(
    "/requests/{year}/{seq}/execute",
    summary="Destroy the consented records and write the destruction protocol",
    responses=errors(*WRITE),
)
def execute(tenant: Tenant, year: Year, seq: Seq, me: Me, deps: ServiceDeps) -> DisposalExecuted:
    return disposal_view.execute(deps.session, deps.store, me.actor, tenant=tenant, number=_number(year, seq))


@router.get(
    "/requests/{year}/{seq}/protocol.pdf",
    summary="The destruction protocol (protokół zniszczenia) as PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **errors(*READ)},
)
def protocol(tenant: Tenant, year: Year, seq: Seq, me: Me, deps: ServiceDeps) -> Response:
    doc = disposal_view.document(
        deps.session, deps.store, me.actor, tenant=tenant, number=_number(year, seq), which="protokol"
    )
    return Response(
        doc.content,
        media_type=doc.media_type,
        headers={"Content-Disposition": f'attachment; filename="{doc.filename}"'},
    )
