"""Referents and heads: my tasks, cases, drafts, akceptacja, delivery, sharing, dashboards."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response

from ezd.services import case_actions, cases, queries
from ezd.services.queries.models import ApprovalRow, CaseSummary, CaseView, Dashboard, OverdueCase, TaskRow
from ezd.web.api.models import CASE_SIGN, TENANT, UNIT, ApprovalBody, DeliveryBody, ShareBody
from ezd.web.api.responses import READ, WRITE, errors
from ezd.web.api.views import AccessCode, Approval, Delivered, DownloadLink, DraftSubmitted, Shared
from ezd.web.dependencies import Me, ServiceDeps, UoW
from ezd.web.forms import read_upload
from ezd.web.links import download_link

router = APIRouter(prefix="/api/v1", tags=["cases"])

Tenant = Annotated[str, Path(pattern=TENANT)]
Sign = Annotated[str, Path(pattern=CASE_SIGN, description="Case sign, e.g. OR.0012.7.2026")]


@router.get(
    "/tasks",
    summary="My open tasks (own, my groups', and of people I substitute)",
    responses=errors(401, 503),
)
def my_tasks(me: Me, deps: ServiceDeps) -> list[TaskRow]:
    return queries.my_tasks(deps.session, deps.engine, me.actor, date.today())


@router.get(
    "/shared-cases",
    summary="Cases other offices have shared with my office (read-only)",
    responses=errors(401),
)
def shared_cases(me: Me, uow: UoW) -> list[CaseSummary]:
    return queries.shared_cases(uow.session, me.actor)


@router.get("/tenants/{tenant}/cases", summary="The spis spraw I may read", responses=errors(*READ))
def case_list(
    tenant: Tenant,
    me: Me,
    uow: UoW,
    state: Annotated[str | None, Query(pattern="^(open|in_approval|closed|archived)$")] = None,
    unit: Annotated[str | None, Query(pattern=UNIT)] = None,
) -> list[CaseSummary]:
    return queries.case_list(uow.session, me.actor, tenant=tenant, state=state, unit=unit)


@router.get(
    "/tenants/{tenant}/cases/{sign}",
    summary="A case: documents, versions, metryka, process",
    responses=errors(*READ, 503),
)
def case_show(tenant: Tenant, sign: Sign, me: Me, deps: ServiceDeps) -> CaseView:
    return queries.case_view(deps.session, deps.engine, me.actor, tenant=tenant, sign=sign)


@router.get(
    "/tenants/{tenant}/cases/{sign}/diagram.svg",
    summary="The case's process diagram with the current step and the path taken",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, **errors(*READ, 503)},
)
def case_diagram(tenant: Tenant, sign: Sign, me: Me, deps: ServiceDeps, request: Request) -> Response:
    from ezd.web.diagram import render_case_diagram

    view = queries.case_view(deps.session, deps.engine, me.actor, tenant=tenant, sign=sign)
    svg = render_case_diagram(request.app.state.core, view.processes)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.post(
    "/tenants/{tenant}/cases/{sign}/draft",
    summary="Upload the reply draft and send it for akceptacja",
    responses=errors(*WRITE),
)
async def submit_draft(
    tenant: Tenant,
    sign: Sign,
    me: Me,
    deps: ServiceDeps,
    file: Annotated[UploadFile, File(description="The reply: PDF (PAdES seal) or XML (XAdES seal)")],
    addressee: Annotated[str, Form(max_length=300)] = "",
    channel: Annotated[str, Form(pattern="^(epuap|e-doreczenia|poczta)$")] = "epuap",
) -> DraftSubmitted:
    data, filename, _ = await read_upload(file, deps.settings.max_upload_bytes)
    uid = cases.submit_draft(
        deps,
        me.actor,
        tenant=tenant,
        case_sign=sign,
        content=data,
        filename=filename,
        addressee=addressee.strip() or None,
        channel=channel,
    )
    return DraftSubmitted(case=sign, draft=uid)


@router.post(
    "/tenants/{tenant}/cases/{sign}/approval",
    summary="Approve the draft, or return it with a comment",
    responses=errors(*WRITE),
)
def decide(tenant: Tenant, sign: Sign, body: ApprovalBody, me: Me, deps: ServiceDeps) -> Approval:
    cases.decide_approval(
        deps, me.actor, tenant=tenant, case_sign=sign, approved=body.approved, comment=body.comment
    )
    return Approval(case=sign, approved=body.approved)


@router.post(
    "/tenants/{tenant}/cases/{sign}/delivery",
    summary="Record the delivery receipt of the reply",
    responses=errors(*WRITE),
)
def delivery(tenant: Tenant, sign: Sign, body: DeliveryBody, me: Me, deps: ServiceDeps) -> Delivered:
    case_actions.confirm_delivery(deps, me.actor, tenant=tenant, case_sign=sign, receipt_ref=body.receipt_ref)
    return Delivered(case=sign, receipt=body.receipt_ref)


@router.post(
    "/tenants/{tenant}/cases/{sign}/share",
    summary="Share the case read-only with a partner office",
    responses=errors(400, 401, 403, 404, 409, 422),
)
def share(tenant: Tenant, sign: Sign, body: ShareBody, me: Me, uow: UoW) -> Shared:
    case_actions.share_case(uow.session, me.actor, tenant=tenant, case_sign=sign, with_tenant=body.tenant)
    return Shared(case=sign, shared_with=body.tenant)


@router.post(
    "/tenants/{tenant}/cases/{sign}/access-code",
    summary="Issue the resident's access code (printed on the receipt; replaces an earlier code)",
    responses=errors(401, 403, 404, 409, 422),
)
def access_code(tenant: Tenant, sign: Sign, me: Me, uow: UoW) -> AccessCode:
    code = case_actions.issue_access_code(uow.session, me.actor, tenant=tenant, case_sign=sign)
    return AccessCode(case=sign, access_code=case_actions.format_code(code))


@router.get(
    "/tenants/{tenant}/documents/{uid}/versions/{version}/link",
    summary="A short-lived signed download link for one stored version",
    responses=errors(*READ),
)
def document_link(
    tenant: Tenant,
    uid: Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")],
    version: Annotated[int, Path(ge=1, le=100_000)],
    me: Me,
    uow: UoW,
    request: Request,
) -> DownloadLink:
    _doc, ver = queries.document_version(uow.session, me.actor, tenant=tenant, uid=uid, version=version)
    url, ttl = download_link(request, tenant=tenant, uid=uid, version=ver.version, login=me.actor.login)
    return DownloadLink(url=url, expires_in=ttl, filename=ver.filename, sha256=ver.sha256)


@router.get(
    "/tenants/{tenant}/approvals",
    summary="The approval queue of the units I head",
    responses=errors(*READ, 503),
)
def approvals(tenant: Tenant, me: Me, deps: ServiceDeps) -> list[ApprovalRow]:
    return queries.approval_queue(deps.session, deps.engine, me.actor, tenant=tenant, today=date.today())


@router.get(
    "/tenants/{tenant}/overdue",
    summary="Open cases past their deadline in the units I head",
    responses=errors(*READ),
)
def overdue(
    tenant: Tenant, me: Me, uow: UoW, unit: Annotated[str | None, Query(pattern=UNIT)] = None
) -> list[OverdueCase]:
    return queries.overdue(uow.session, me.actor, tenant=tenant, today=date.today(), unit=unit)


@router.get(
    "/tenants/{tenant}/dashboard",
    summary="Intake per week, open vs closed, overdue, handling time",
    responses=errors(*READ),
)
def dashboard(
    tenant: Tenant, me: Me, uow: UoW, unit: Annotated[str | None, Query(pattern=UNIT)] = None
) -> Dashboard:
    return queries.dashboard(uow.session, me.actor, tenant=tenant, today=date.today(), unit=unit)
