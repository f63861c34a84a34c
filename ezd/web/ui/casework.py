"""Referent and head pages: my tasks, cases and the case view with its actions, approvals,
the unit's cases and overdue list, the dashboard."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from ezd.db.tables import Tenant
from ezd.records.cases import CaseState
from ezd.records.tenancy import Role
from ezd.services import archive, case_actions, cases, letter_view, queries
from ezd.services.deps import Deps
from ezd.services.incidents import office_incidents
from ezd.services.lookup import business_key, tenant_by_code
from ezd.web.charts import bar_chart
from ezd.web.dependencies import Me, Principal, ServiceDeps, UoW
from ezd.web.forms import read_upload
from ezd.web.i18n import language, translator
from ezd.web.labels import N_, TASK
from ezd.web.links import download_link
from ezd.web.ui.common import back, tenant_of
from ezd.web.ui.directory import Directory
from ezd.web.ui.form_state import USER_ERRORS, FormState, failed, refused, status_of
from ezd.web.ui.letters import failed_steps, return_notes, shown_letters
from ezd.web.ui.render import render

router = APIRouter()
SAY_WHAT_TO_CHANGE = N_("Napisz, co poprawić, zwracając projekt.")


@router.get("/sprawy")
def cases_page(request: Request, me: Me, uow: UoW, state: str = "") -> Response:
    tenant = tenant_of(me, request)
    rows = queries.case_list(uow.session, me.actor, tenant=tenant, state=state or None)
    return render(request, "cases.html", cases=rows, state=state, show_late=False)


def _case_url(tenant: str, sign: str) -> str:
    return f"/sprawy/{tenant}/{quote(sign)}"


@router.get("/sprawy/{tenant}/{sign}")
def case_page(request: Request, tenant: str, sign: str, me: Me, deps: ServiceDeps) -> Response:
    return _case_response(request, deps, me, tenant, sign)


def _case_response(
    request: Request,
    deps: Deps,
    me: Principal,
    tenant: str,
    sign: str,
    *,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    t = translator(language(request))
    view = queries.case_view(deps.session, deps.engine, me.actor, tenant=tenant, sign=sign)
    late = bool(
        view.deadline and view.state in ("open", "in_approval") and view.deadline < date.today().isoformat()
    )
    partners = (
        sorted(c for c in deps.session.execute(select(Tenant.code)).scalars() if c != tenant)
        if view.can.share
        else []
    )
    steps: list[str] = []
    for p in view.processes:
        # the diagram's text alternative names the current steps as people know them
        steps.extend(t(TASK[a]) for a in p.active if a in TASK)
    return render(
        request,
        "case.html",
        status,
        form=form,
        case=view,
        late=late,
        partners=partners,
        steps_text=", ".join(steps) or "—",
        returns=return_notes(view.metryka),
        failed_steps=failed_steps(
            deps.engine,
            [business_key(tenant, sign), *(business_key(tenant, i.rpw) for i in view.incoming)],
        ),
        letters=[
            (heading, letter_view.document_view(deps, me.actor, tenant=tenant, uid=uid))
            for heading, uid in shown_letters(view.documents)
        ],
        can_lend=view.access == "full"
        and view.state == CaseState.ARCHIVED.value
        and me.actor.can(tenant, Role.ARCHIWISTA),
        can_start_transfer=view.access == "full"
        and view.state == CaseState.CLOSED.value
        and me.actor.can(tenant, Role.ARCHIWISTA)
        and not view.can.accept_transfer,
    )


@router.post("/sprawy/{tenant}/{sign}/projekt")
async def draft(
    request: Request,
    tenant: str,
    sign: str,
    me: Me,
    deps: ServiceDeps,
    file: Annotated[UploadFile, File()],
    addressee: Annotated[str, Form(max_length=300)] = "",
    channel: Annotated[str, Form(pattern="^(epuap|e-doreczenia|poczta)$")] = "epuap",
) -> Response:
    values = {"addressee": addressee, "channel": channel}
    try:
        data, filename, _ = await read_upload(file, deps.settings.max_upload_bytes)
        cases.submit_draft(
            deps,
            me.actor,
            tenant=tenant,
            case_sign=sign,
            content=data,
            filename=filename,
            addressee=addressee.strip() or None,
            channel=channel,
        )
    except USER_ERRORS as exc:
        form = failed(request, exc, values)
        return _case_response(request, deps, me, tenant, sign, form=form, status=status_of(exc))
    return back(_case_url(tenant, sign))


@router.post("/sprawy/{tenant}/{sign}/akceptacja")
def approval(
    request: Request,
    tenant: str,
    sign: str,
    me: Me,
    deps: ServiceDeps,
    decision: Annotated[str, Form(pattern="^(approve|return)$")],
    comment: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    values = {"comment": comment}
    if decision == "return" and not comment.strip():
        # refused in the form, next to the comment, before the service sees it
        form = refused(request, SAY_WHAT_TO_CHANGE, "comment", values)
        return _case_response(request, deps, me, tenant, sign, form=form, status=400)
    try:
        cases.decide_approval(
            deps, me.actor, tenant=tenant, case_sign=sign, approved=decision == "approve", comment=comment
        )
    except USER_ERRORS as exc:
        form = failed(request, exc, values)
        return _case_response(request, deps, me, tenant, sign, form=form, status=status_of(exc))
    return back(_case_url(tenant, sign))


@router.post("/sprawy/{tenant}/{sign}/doreczenie")
def delivery(
    request: Request,
    tenant: str,
    sign: str,
    me: Me,
    deps: ServiceDeps,
    receipt_ref: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        case_actions.confirm_delivery(deps, me.actor, tenant=tenant, case_sign=sign, receipt_ref=receipt_ref)
    except USER_ERRORS as exc:
        form = failed(request, exc, {"receipt_ref": receipt_ref})
        return _case_response(request, deps, me, tenant, sign, form=form, status=status_of(exc))
    return back(_case_url(tenant, sign))


@router.post("/sprawy/{tenant}/{sign}/udostepnij")
def share(
    tenant: str, sign: str, me: Me, uow: UoW, with_tenant: Annotated[str, Form(max_length=40)]
) -> Response:
    case_actions.share_case(uow.session, me.actor, tenant=tenant, case_sign=sign, with_tenant=with_tenant)
    return back(_case_url(tenant, sign))


@router.post("/sprawy/{tenant}/{sign}/kod")
def access_code(request: Request, tenant: str, sign: str, me: Me, uow: UoW) -> Response:
    code = case_actions.issue_access_code(uow.session, me.actor, tenant=tenant, case_sign=sign)
    office = tenant_by_code(uow.session, tenant).name
    response = render(
        request,
        "access_code.html",
        code=case_actions.format_code(code),
        sign=sign,
        tenant=tenant,
        office=office,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/sprawy/{tenant}/{sign}/archiwum")
def accept_transfer(
    tenant: str,
    sign: str,
    me: Me,
    deps: ServiceDeps,
    decision: Annotated[str, Form(pattern="^(accept|return)$")],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    archive.decide_transfer(
        deps, me.actor, tenant=tenant, case_sign=sign, accepted=decision == "accept", note=note
    )
    return back(_case_url(tenant, sign))


@router.post("/sprawy/{tenant}/{sign}/przekaz")
def start_transfer(tenant: str, sign: str, me: Me, deps: ServiceDeps) -> Response:
    case_actions.start_transfer(deps, me.actor, tenant=tenant, case_sign=sign)
    return back(_case_url(tenant, sign))


@router.get("/sprawy/{tenant}/{sign}/pobierz/{uid}/{version}")
def download(request: Request, tenant: str, sign: str, uid: str, version: int, me: Me, uow: UoW) -> Response:
    _doc, ver = queries.document_version(uow.session, me.actor, tenant=tenant, uid=uid, version=version)
    url, _ttl = download_link(request, tenant=tenant, uid=uid, version=ver.version, login=me.actor.login)
    return RedirectResponse(url, status_code=303)


@router.get("/akceptacje")
def approvals_page(request: Request, me: Me, deps: ServiceDeps) -> Response:
    tenant = tenant_of(me, request)
    queue = queries.approval_queue(deps.session, deps.engine, me.actor, tenant=tenant, today=date.today())
    return render(request, "approvals.html", queue=queue, tenant=tenant)


@router.get("/wydzial")
def unit_page(request: Request, me: Me, uow: UoW) -> Response:
    tenant = tenant_of(me, request)
    late = queries.overdue(uow.session, me.actor, tenant=tenant, today=date.today())
    units = queries.units_with(me.actor, tenant, (Role.KIEROWNIK,))
    rows = [
        c for c in queries.case_list(uow.session, me.actor, tenant=tenant) if units is None or c.unit in units
    ]
    return render(request, "unit.html", late=late, cases=rows)


@router.get("/pulpit")
def dashboard_page(request: Request, me: Me, deps: ServiceDeps) -> Response:
    tenant = tenant_of(me, request)
    data = queries.dashboard(deps.session, me.actor, tenant=tenant, today=date.today())
    t = translator(language(request))
    names = Directory(deps.session, t)  # the chart names referents by full name, like the pages
    intake = bar_chart(t("Wpływ tygodniowo"), [(w.week[5:], w.count) for w in data.intake_per_week])
    states = bar_chart(t("Otwarte i zakończone"), [(t("Otwarte"), data.open), (t("Zakończone"), data.closed)])
    late = bar_chart(
        t("Po terminie wg referenta"),
        [(names.person(r.referent), r.count) for r in data.overdue_per_referent],
    )
    return render(
        request,
        "dashboard.html",
        data=data,
        tenant=tenant,
        intake_chart=intake,
        state_chart=states,
        late_chart=late,
        # failed system steps of the office: the head sees that cases wait on them
        incident_count=len(office_incidents(deps.engine, tenant)),
        is_admin=me.actor.can(tenant, Role.ADMIN),
    )
