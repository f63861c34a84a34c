"""Kancelaria: the RPW (register, list, show), dekretacja, referent assignment, case decision,
and the outgoing register."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from ezd.records.errors import InvalidInput
from ezd.records.intake import Channel
from ezd.services import cases, copies, intake, queries
from ezd.services.duplicates import DuplicateSuspected
from ezd.services.queries.models import ItemView, OutgoingRow
from ezd.web.api.models import TENANT, AssignBody, CaseDecisionBody, DecreeBody
from ezd.web.api.responses import READ, WRITE, DuplicateBody, ErrorCode, errors
from ezd.web.api.views import Assigned, CaseDecided, Decreed, Registered
from ezd.web.dependencies import Me, ServiceDeps, UoW
from ezd.web.errors import api_detail
from ezd.web.forms import register_upload

router = APIRouter(prefix="/api/v1/tenants/{tenant}", tags=["kancelaria"])

Tenant = Annotated[str, Path(pattern=TENANT, description="Office code, e.g. ug-melgiew")]
Year = Annotated[int, Path(ge=2000, le=2999)]
Number = Annotated[int, Path(ge=1, le=10_000_000)]


# A multipart form has no null: an optional date is a string, empty when not given (a nullable
# field would be sent as the text "null" by a client following the schema).
DATE_OR_EMPTY = r"^(\d{4}-\d{2}-\d{2})?$"


def form_date(value: str, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{what}: nie ma takiego dnia ({value})") from None


def rpw(year: int, number: int) -> str:
    return f"RPW/{number}/{year}"


@router.post(
    "/incoming",
    summary="Register an incoming item (ePUAP XML, PDF or a scan)",
    status_code=201,
    response_model=Registered,
    responses={
        **errors(*WRITE),
        409: {
            "model": DuplicateBody,
            "description": "Wygląda na już zarejestrowane (earlier, earlier_url)"
            " albo niedozwolone w obecnym stanie",
        },
    },
)
async def register(
    request: Request,
    tenant: Tenant,
    me: Me,
    deps: ServiceDeps,
    file: Annotated[UploadFile, File(description="The item as received")],
    sender: Annotated[str, Form(max_length=300)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    letter_date: Annotated[str, Form(pattern=DATE_OR_EMPTY, description="rrrr-mm-dd, or empty")] = "",
    channel: Annotated[Channel, Form()] = Channel.EPUAP,
    kind: Annotated[str, Form(max_length=40)] = "pismo",
    sender_address: Annotated[str, Form(max_length=500)] = "",
    sender_reference: Annotated[str, Form(max_length=100)] = "",
    attachments: Annotated[int, Form(ge=0, le=1000)] = 0,
    restricted: Annotated[bool, Form()] = False,
    received_date: Annotated[
        str,
        Form(
            pattern=DATE_OR_EMPTY,
            description="Paper letters: the envelope stamp day (not in the future); rrrr-mm-dd or empty",
        ),
    ] = "",
    duplicate_reason: Annotated[
        str, Form(max_length=500, description="Why an item that looks registered already is registered again")
    ] = "",
) -> Registered | JSONResponse:
    try:
        reg = await register_upload(
            deps,
            me.actor,
            tenant=tenant,
            file=file,
            channel=channel,
            sender=sender,
            title=title,
            letter_date=form_date(letter_date, "data pisma"),
            kind=kind,
            sender_address=sender_address,
            sender_reference=sender_reference,
            attachments=attachments,
            restricted=restricted,
            received_date=form_date(received_date, "data wpływu"),
            duplicate_reason=duplicate_reason,
        )
    except DuplicateSuspected as exc:
        # the earlier item is linked so the clerk can compare before registering with a reason
        number, year = exc.earlier.sign.split("/")[1:3]
        body = DuplicateBody(
            detail=api_detail(request, str(exc)),
            code=ErrorCode.duplicate,
            earlier=exc.earlier.sign,
            earlier_url=f"/api/v1/tenants/{tenant}/incoming/{year}/{number}",
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=409)
    return Registered(rpw=reg.sign, tenant=tenant, document=reg.document_uid, sha256=reg.sha256)


@router.get("/incoming", summary="The RPW of a year", responses=errors(*READ))
def rpw_list(
    tenant: Tenant,
    me: Me,
    uow: UoW,
    year: Annotated[int | None, Query(ge=2000, le=2999)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> list[ItemView]:
    return queries.rpw_list(
        uow.session, me.actor, tenant=tenant, year=year or date.today().year, status=status
    )


@router.get("/incoming/{year}/{number}", summary="One incoming item", responses=errors(*READ))
def item(tenant: Tenant, year: Year, number: Number, me: Me, uow: UoW) -> ItemView:
    return queries.item_view(uow.session, me.actor, tenant=tenant, rpw=rpw(year, number))


@router.post(
    "/incoming/{year}/{number}/decree",
    summary="Dekretacja: send the item to a unit",
    responses=errors(*WRITE),
)
def decree(
    tenant: Tenant, year: Year, number: Number, body: DecreeBody, me: Me, deps: ServiceDeps
) -> Decreed:
    sign = rpw(year, number)
    intake.decree(deps, me.actor, tenant=tenant, rpw=sign, unit=body.unit)
    added = (
        copies.give_copies(
            deps, me.actor, tenant=tenant, rpw=sign, units=body.copies_units, people=body.copies_people
        )
        if body.copies_units or body.copies_people
        else []
    )
    return Decreed(rpw=sign, unit=body.unit, copies=added)


@router.post(
    "/incoming/{year}/{number}/assign",
    summary="The unit head assigns a referent",
    responses=errors(*WRITE),
)
def assign(
    tenant: Tenant, year: Year, number: Number, body: AssignBody, me: Me, deps: ServiceDeps
) -> Assigned:
    intake.assign_referent(deps, me.actor, tenant=tenant, rpw=rpw(year, number), referent=body.referent)
    return Assigned(rpw=rpw(year, number), referent=body.referent)


@router.post(
    "/incoming/{year}/{number}/case-decision",
    summary="Open a new case in a JRWA class, or attach the item to an existing case",
    responses=errors(*WRITE),
)
def case_decision(
    tenant: Tenant, year: Year, number: Number, body: CaseDecisionBody, me: Me, deps: ServiceDeps
) -> CaseDecided:
    cases.case_decision(
        deps,
        me.actor,
        tenant=tenant,
        rpw=rpw(year, number),
        jrwa=body.jrwa,
        title=body.title,
        attach_to=body.attach_to,
    )
    return CaseDecided(rpw=rpw(year, number), jrwa=body.jrwa, attach_to=body.attach_to)


@router.get("/outgoing", summary="The outgoing register of a year", responses=errors(*READ))
def outgoing_register(
    tenant: Tenant, me: Me, uow: UoW, year: Annotated[int | None, Query(ge=2000, le=2999)] = None
) -> list[OutgoingRow]:
    return queries.outgoing_register(uow.session, me.actor, tenant=tenant, year=year or date.today().year)
