"""Requests between partner offices (art. 106 KPA): sending from a case, the overviews of requests
sent and received, and the asked office's steps (dekretacja, answer or refusal, approval, notice
of delay). Each office reads and acts only on its own side: another office's request answers 404."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field, StringConstraints

from ezd.services import opinions
from ezd.services.queries.opinions import OpinionRequestRow, received_requests, sent_requests
from ezd.web.api.models import CASE_SIGN, TENANT, UNIT, Body
from ezd.web.api.responses import READ, WRITE, errors
from ezd.web.dependencies import Me, ServiceDeps, UoW

router = APIRouter(prefix="/api/v1/tenants/{tenant}", tags=["art. 106 KPA"])

Tenant = Annotated[str, Path(pattern=TENANT, description="Office code, e.g. ug-melgiew")]
Sign = Annotated[str, Path(pattern=CASE_SIGN, description="Case sign, e.g. OR.0012.7.2026")]
Year = Annotated[int, Path(ge=2000, le=2999)]
Number = Annotated[int, Path(ge=1, le=10_000_000)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]


class OpinionRequestBody(Body):
    to_tenant: Annotated[str, StringConstraints(pattern=TENANT)]
    kind: Annotated[str, StringConstraints(pattern="^(opinia|uzgodnienie|informacja)$")]
    subject: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    documents: list[Annotated[str, StringConstraints(min_length=1, max_length=36)]] = Field(
        default_factory=list, max_length=50, description="Document uids of the case sent with the request"
    )
    deadline: date | None = Field(default=None, description="Default: 14 days (art. 106 § 3 KPA)")


class OpinionDecreeBody(Body):
    unit: Annotated[str, StringConstraints(pattern=UNIT)]


class OpinionAnswerBody(Body):
    text: Text
    refuse: bool = Field(default=False, description="Not competent: refuse (and forward, art. 65)")
    forward_to: Annotated[str, StringConstraints(pattern=TENANT)] | None = None


class OpinionApprovalBody(Body):
    approved: bool


class OpinionDelayBody(Body):
    until: date
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class OpinionSent(BaseModel):
    id: int
    case: str
    to_tenant: str
    deadline: date


class OpinionStep(BaseModel):
    rpw: str
    step: str


def _rpw(year: int, number: int) -> str:
    return f"RPW/{number}/{year}"


@router.get(
    "/opinion-requests/sent", summary="Requests this office sent, with terms", responses=errors(*READ)
)
def sent(tenant: Tenant, me: Me, uow: UoW) -> list[OpinionRequestRow]:
    return sent_requests(uow.session, me.actor, tenant=tenant)


@router.get(
    "/opinion-requests/received",
    summary="Requests other offices sent here, with terms",
    responses=errors(*READ),
)
def received(tenant: Tenant, me: Me, uow: UoW) -> list[OpinionRequestRow]:
    return received_requests(uow.session, me.actor, tenant=tenant)


@router.post(
    "/cases/{sign}/opinion-requests",
    summary="Ask a partner office for an opinion, agreement or information (art. 106 § 1)",
    responses=errors(*WRITE),
    status_code=201,
)
def send(tenant: Tenant, sign: Sign, body: OpinionRequestBody, me: Me, deps: ServiceDeps) -> OpinionSent:
    request = opinions.send_request(
        deps,
        me.actor,
        tenant=tenant,
        case_sign=sign,
        to_tenant=body.to_tenant,
        kind=body.kind,
        subject=body.subject,
        documents=body.documents,
        term=body.deadline,
    )
    return OpinionSent(id=request.id, case=sign, to_tenant=body.to_tenant, deadline=request.deadline)


@router.post(
    "/opinion-requests/{year}/{number}/decree", summary="Decree a received request", responses=errors(*WRITE)
)
def decree(
    tenant: Tenant, year: Year, number: Number, body: OpinionDecreeBody, me: Me, deps: ServiceDeps
) -> OpinionStep:
    opinions.decree_request(deps, me.actor, tenant=tenant, rpw=_rpw(year, number), unit=body.unit)
    return OpinionStep(rpw=_rpw(year, number), step="decreed")


@router.post(
    "/opinion-requests/{year}/{number}/answer",
    summary="The answer to a received request, or a refusal (not competent)",
    responses=errors(*WRITE),
)
def answer(
    tenant: Tenant, year: Year, number: Number, body: OpinionAnswerBody, me: Me, deps: ServiceDeps
) -> OpinionStep:
    opinions.prepare_answer(
        deps,
        me.actor,
        tenant=tenant,
        rpw=_rpw(year, number),
        text=body.text,
        refuse=body.refuse,
        forward_to=body.forward_to,
    )
    return OpinionStep(rpw=_rpw(year, number), step="refused" if body.refuse else "answered")


@router.post(
    "/opinion-requests/{year}/{number}/approval",
    summary="Approve the answer (or return it); never by its author",
    responses=errors(*WRITE),
)
def approval(
    tenant: Tenant, year: Year, number: Number, body: OpinionApprovalBody, me: Me, deps: ServiceDeps
) -> OpinionStep:
    opinions.approve_answer(deps, me.actor, tenant=tenant, rpw=_rpw(year, number), approved=body.approved)
    return OpinionStep(rpw=_rpw(year, number), step="approved" if body.approved else "returned")


@router.post(
    "/opinion-requests/{year}/{number}/delay",
    summary="Notice of delay with a new date and its reason (art. 106 § 4)",
    responses=errors(*WRITE),
)
def delay(
    tenant: Tenant, year: Year, number: Number, body: OpinionDelayBody, me: Me, deps: ServiceDeps
) -> OpinionStep:
    opinions.notify_delay(
        deps, me.actor, tenant=tenant, rpw=_rpw(year, number), until=body.until, reason=body.reason
    )
    return OpinionStep(rpw=_rpw(year, number), step="delay")
