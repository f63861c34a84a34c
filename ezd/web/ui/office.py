"""Kancelaria pages: registering mail, the RPW, an item with its dekretacja/assignment/decision."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import RoleGrant, Unit, User
from ezd.records.errors import InvalidInput, PermissionDenied
from ezd.records.intake import Channel
from ezd.records.tenancy import Role
from ezd.services import cases, intake, letter_view, queries
from ezd.services.deps import Deps
from ezd.services.lookup import business_key, tenant_by_code
from ezd.services.office_admin import list_jrwa, list_units
from ezd.services.tasks import by_screen
from ezd.web.dependencies import Me, Principal, ServiceDeps, UoW
from ezd.web.forms import register_upload
from ezd.web.labels import N_
from ezd.web.ui.common import back, rpw_parts, tenant_of
from ezd.web.ui.form_state import USER_ERRORS, FormState, failed, refused, status_of, typed_values
from ezd.web.ui.letters import failed_steps
from ezd.web.ui.render import render

CHOOSE_UNIT = N_("Wybierz komórkę.")
CHOOSE_REFERENT = N_("Wybierz referenta.")

router = APIRouter()


def _register_response(
    request: Request, me: Principal, form: FormState | None = None, status: int = 200
) -> Response:
    tenants = sorted({g.tenant for g, _ in me.actor.grants if g.role == Role.KANCELARIA})
    if not tenants:
        raise PermissionDenied("registering incoming mail is the kancelaria's task")
    return render(
        request, "register.html", status, form=form, tenants=tenants, channels=[c.value for c in Channel]
    )


@router.get("/kancelaria/rejestracja")
def register_page(request: Request, me: Me) -> Response:
    return _register_response(request, me)


@router.post("/kancelaria/rejestracja")
async def register_submit(
    request: Request,
    me: Me,
    deps: ServiceDeps,
    tenant: Annotated[str, Form(max_length=40)],
    file: Annotated[UploadFile, File()],
    sender: Annotated[str, Form(max_length=300)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    letter_date: Annotated[str, Form(max_length=10)] = "",
    channel: Annotated[Channel, Form()] = Channel.EPUAP,
    kind: Annotated[str, Form(max_length=40)] = "pismo",
    sender_address: Annotated[str, Form(max_length=500)] = "",
    sender_reference: Annotated[str, Form(max_length=100)] = "",
    attachments: Annotated[int, Form(ge=0, le=1000)] = 0,
    restricted: Annotated[bool, Form()] = False,
) -> Response:
    values = typed_values(await request.form())
    try:
        try:
            letter_day = date.fromisoformat(letter_date) if letter_date else None
        except ValueError:
            raise InvalidInput("the letter date must be a date (YYYY-MM-DD)") from None
        reg = await register_upload(
            deps,
            me.actor,
            tenant=tenant,
            file=file,
            channel=channel,
            sender=sender,
            title=title,
            letter_date=letter_day,
            kind=kind,
            sender_address=sender_address,
            sender_reference=sender_reference,
            attachments=attachments,
            restricted=restricted,
        )
    except USER_ERRORS as exc:
        return _register_response(request, me, failed(request, exc, values), status_of(exc))
    year, number = rpw_parts(reg.sign)
    return RedirectResponse(f"/rpw/{tenant}/{year}/{number}?nowe=1", status_code=303)


@router.get("/rpw")
def rpw_page(request: Request, me: Me, uow: UoW, year: int | None = None) -> Response:
    tenant = tenant_of(me, request)
    year = year or date.today().year
    items = queries.rpw_list(uow.session, me.actor, tenant=tenant, year=year)
    return render(request, "rpw.html", items=items, year=year, tenant=tenant)


@router.get("/wychodzace")
def outgoing_page(request: Request, me: Me, uow: UoW, year: int | None = None) -> Response:
    tenant = tenant_of(me, request)
    year = year or date.today().year
    items = queries.outgoing_register(uow.session, me.actor, tenant=tenant, year=year)
    return render(request, "outgoing.html", items=items, year=year, tenant=tenant)


def _referents(session: Session, tenant: str, unit: str | None) -> list[dict[str, str]]:
    if unit is None:
        return []
    t = tenant_by_code(session, tenant)
    rows = session.execute(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(
            Unit.tenant_id == t.id,
            Unit.code == unit,
            RoleGrant.role == Role.REFERENT.value,
            User.active.is_(True),
        )
        .order_by(User.login)
    ).scalars()
    return [{"login": u.login, "full_name": u.full_name} for u in rows]


def _item_response(
    request: Request,
    deps: Deps,
    me: Principal,
    tenant: str,
    year: int,
    number: int,
    *,
    form: FormState | None = None,
    status: int = 200,
    fresh: bool = False,
) -> Response:
    sign = f"RPW/{number}/{year}"
    item = queries.item_view(deps.session, me.actor, tenant=tenant, rpw=sign)
    # keyed by domain screen (decree, …): a task renamed in Modeler keeps its form here
    open_tasks = by_screen(deps.engine, deps.engine.user_tasks(business_key=business_key(tenant, sign)))
    unit = item.unit
    decide = open_tasks.get("case_decision")
    return render(
        request,
        "item.html",
        status,
        item=item,
        doc=letter_view.document_view(deps, me.actor, tenant=tenant, uid=item.document),
        fresh=fresh,
        form=form,
        failed_steps=failed_steps(deps.engine, [business_key(tenant, sign)]),
        open_tasks=open_tasks,
        can_decree=me.actor.can(tenant, Role.KANCELARIA),
        can_assign=bool(unit) and me.actor.can(tenant, Role.KIEROWNIK, unit),
        can_decide=decide is not None
        and (
            decide.assignee in {me.actor.login, *(b for _, b in me.actor.grants if b)}
            or (bool(unit) and me.actor.can(tenant, Role.KIEROWNIK, unit))
        ),
        units=list_units(deps.session, me.actor, tenant=tenant) if "decree" in open_tasks else [],
        referents=_referents(deps.session, tenant, unit) if "assign_referent" in open_tasks else [],
        jrwa=list_jrwa(deps.session, me.actor, tenant=tenant, leaves_only=True) if decide else [],
    )


@router.get("/rpw/{tenant}/{year}/{number}")
def item_page(
    request: Request, tenant: str, year: int, number: int, me: Me, deps: ServiceDeps, nowe: int = 0
) -> Response:
    return _item_response(request, deps, me, tenant, year, number, fresh=bool(nowe))


def _refused_again(
    request: Request,
    deps: Deps,
    me: Principal,
    tenant: str,
    year: int,
    number: int,
    form: FormState,
    status: int = 400,
) -> Response:
    return _item_response(request, deps, me, tenant, year, number, form=form, status=status)


@router.post("/rpw/{tenant}/{year}/{number}/dekretacja")
def decree(
    request: Request,
    tenant: str,
    year: int,
    number: int,
    me: Me,
    deps: ServiceDeps,
    unit: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    values = {"unit": unit}
    if not unit:
        # no default unit: a decree is a decision, never a pre-selected first option
        form = refused(request, CHOOSE_UNIT, "unit", values)
        return _refused_again(request, deps, me, tenant, year, number, form)
    try:
        intake.decree(deps, me.actor, tenant=tenant, rpw=f"RPW/{number}/{year}", unit=unit)
    except USER_ERRORS as exc:
        form = failed(request, exc, values)
        return _refused_again(request, deps, me, tenant, year, number, form, status_of(exc))
    return back(f"/rpw/{tenant}/{year}/{number}")


@router.post("/rpw/{tenant}/{year}/{number}/przydzial")
def assign(
    request: Request,
    tenant: str,
    year: int,
    number: int,
    me: Me,
    deps: ServiceDeps,
    referent: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    values = {"referent": referent}
    if not referent:
        form = refused(request, CHOOSE_REFERENT, "referent", values)
        return _refused_again(request, deps, me, tenant, year, number, form)
    try:
        intake.assign_referent(deps, me.actor, tenant=tenant, rpw=f"RPW/{number}/{year}", referent=referent)
    except USER_ERRORS as exc:
        form = failed(request, exc, values)
        return _refused_again(request, deps, me, tenant, year, number, form, status_of(exc))
    return back(f"/rpw/{tenant}/{year}/{number}")


@router.post("/rpw/{tenant}/{year}/{number}/decyzja")
def decide(
    request: Request,
    tenant: str,
    year: int,
    number: int,
    me: Me,
    deps: ServiceDeps,
    jrwa: Annotated[str, Form(max_length=300)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    attach_to: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    values = {"jrwa": jrwa, "title": title, "attach_to": attach_to}
    # the picker may hand back "0012 — Tytuł (A)"; the symbol is its first word
    symbol = jrwa.strip().split(" ", 1)[0] if jrwa.strip() else ""
    try:
        cases.case_decision(
            deps,
            me.actor,
            tenant=tenant,
            rpw=f"RPW/{number}/{year}",
            jrwa=symbol or None,
            title=title.strip() or None,
            attach_to=attach_to.strip() or None,
        )
    except USER_ERRORS as exc:
        form = failed(request, exc, values)
        return _refused_again(request, deps, me, tenant, year, number, form, status_of(exc))
    return back(f"/rpw/{tenant}/{year}/{number}")


@router.get("/wystapienia")
def opinions_page(request: Request, me: Me, uow: UoW) -> Response:
    """Art. 106 KPA: requests this office sent and received, with their terms and overdue badges."""
    from ezd.services.queries.opinions import received_requests, sent_requests

    tenant = tenant_of(me, request)
    sent = sent_requests(uow.session, me.actor, tenant=tenant)
    received = received_requests(uow.session, me.actor, tenant=tenant)
    return render(request, "opinions.html", sent=sent, received=received, tenant=tenant)
