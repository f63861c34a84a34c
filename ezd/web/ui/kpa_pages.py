"""Pages for the KPA paths: re-decree and return ("niewłaściwa komórka"), forwarding to the
competent office (art. 65), suspension, resumption and extension of a case's term (art. 36),
and the in-app inbox.  Every decision is the service layer's (roles, four eyes, states); a
refused form comes back with what was typed and one Polish message next to its field."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from ezd.records.deadlines import parse_day
from ezd.services import case_terms, forwarding, notice_dispatch, notifications, redecree
from ezd.web.dependencies import Me, ServiceDeps, UoW
from ezd.web.labels import N_
from ezd.web.ui.casework import _case_response, _case_url
from ezd.web.ui.common import back, tenant_of
from ezd.web.ui.form_state import USER_ERRORS, failed, refused, status_of
from ezd.web.ui.office import _item_response
from ezd.web.ui.render import render

CHOOSE_NEW_UNIT = N_("Wybierz komórkę.")
CHOOSE_OFFICE = N_("Wybierz urząd, do którego przekazujesz pismo.")
CONFIRM_FORWARD = N_("Potwierdź przekazanie pisma do innego urzędu.")
GIVE_DATE = N_("Podaj nowy termin (dd.mm.rrrr).")

router = APIRouter()


# --- the item page: re-decree, return, forward ---------------------------------------------------


def _rpw(number: int, year: int) -> str:
    return f"RPW/{number}/{year}"


@router.post("/rpw/{tenant}/{year}/{number}/ponowna-dekretacja")
def redecree_item(
    request: Request,
    tenant: str,
    year: int,
    number: int,
    me: Me,
    deps: ServiceDeps,
    unit: Annotated[str, Form(max_length=30)] = "",
    reason: Annotated[str, Form(max_length=600)] = "",
) -> Response:
    values = {"unit": unit, "reason": reason}
    if not unit:
        form = refused(request, CHOOSE_NEW_UNIT, "unit", values)
        return _item_response(request, deps, me, tenant, year, number, form=form, status=400)
    try:
        redecree.redecree(deps, me.actor, tenant=tenant, rpw=_rpw(number, year), unit=unit, reason=reason)
    except USER_ERRORS as exc:
        form = failed(request, exc, values)
        return _item_response(request, deps, me, tenant, year, number, form=form, status=status_of(exc))
    return back(f"/rpw/{tenant}/{year}/{number}")


@router.post("/rpw/{tenant}/{year}/{number}/zwrot")
def return_item(
    request: Request,
    tenant: str,
    year: int,
    number: int,
    me: Me,
    deps: ServiceDeps,
    return_reason: Annotated[str, Form(max_length=600)] = "",
) -> Response:
    try:
        redecree.return_to_kancelaria(
            deps, me.actor, tenant=tenant, rpw=_rpw(number, year), reason=return_reason
        )
    except USER_ERRORS as exc:
        form = failed(request, exc, {"return_reason": return_reason})
        return _item_response(request, deps, me, tenant, year, number, form=form, status=status_of(exc))
    # the letter has left the unit: its head may no longer read it, so back to their tasks
    return back("/zadania")


@router.post("/rpw/{tenant}/{year}/{number}/przekazanie")
def forward_item(
    request: Request,
    tenant: str,
    year: int,
    number: int,
    me: Me,
    deps: ServiceDeps,
    to_tenant: Annotated[str, Form(max_length=40)] = "",
    forward_reason: Annotated[str, Form(max_length=600)] = "",
    confirm: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    values = {"to_tenant": to_tenant, "forward_reason": forward_reason}
    # forwarding hands the letter to another office for good: the page asks for a confirmation
    checks = ((to_tenant, CHOOSE_OFFICE, "to_tenant"), (confirm, CONFIRM_FORWARD, "confirm"))
    for given, message, target in checks:
        if not given:
            form = refused(request, message, target, values)
            return _item_response(request, deps, me, tenant, year, number, form=form, status=400)
    try:
        forwarding.decide_forward(
            deps, me.actor, tenant=tenant, rpw=_rpw(number, year), to_tenant=to_tenant, reason=forward_reason
        )
    except USER_ERRORS as exc:
        form = failed(request, exc, values)
        return _item_response(request, deps, me, tenant, year, number, form=form, status=status_of(exc))
    return back(f"/rpw/{tenant}/{year}/{number}")


# --- the case page: the term ---------------------------------------------------------------------


@router.post("/sprawy/{tenant}/{sign}/zawieszenie")
def suspend(
    request: Request,
    tenant: str,
    sign: str,
    me: Me,
    deps: ServiceDeps,
    suspend_reason: Annotated[str, Form(max_length=600)] = "",
) -> Response:
    try:
        case_terms.suspend(deps, me.actor, tenant=tenant, case_sign=sign, reason=suspend_reason)
    except USER_ERRORS as exc:
        form = failed(request, exc, {"suspend_reason": suspend_reason})
        return _case_response(request, deps, me, tenant, sign, form=form, status=status_of(exc))
    return back(_case_url(tenant, sign))


@router.post("/sprawy/{tenant}/{sign}/podjecie")
def resume(request: Request, tenant: str, sign: str, me: Me, deps: ServiceDeps) -> Response:
    try:
        case_terms.resume(deps, me.actor, tenant=tenant, case_sign=sign)
    except USER_ERRORS as exc:
        form = failed(request, exc, {})
        return _case_response(request, deps, me, tenant, sign, form=form, status=status_of(exc))
    return back(_case_url(tenant, sign))


@router.post("/sprawy/{tenant}/{sign}/przedluzenie")
def extend(
    request: Request,
    tenant: str,
    sign: str,
    me: Me,
    deps: ServiceDeps,
    until: Annotated[str, Form(max_length=20)] = "",
    extend_reason: Annotated[str, Form(max_length=600)] = "",
) -> Response:
    values = {"until": until, "extend_reason": extend_reason}
    if not until.strip():
        form = refused(request, GIVE_DATE, "until", values)
        return _case_response(request, deps, me, tenant, sign, form=form, status=400)
    try:
        day = parse_day(until)
        case_terms.extend(deps, me.actor, tenant=tenant, case_sign=sign, until=day, reason=extend_reason)
    except USER_ERRORS as exc:
        form = failed(request, exc, values)
        return _case_response(request, deps, me, tenant, sign, form=form, status=status_of(exc))
    return back(_case_url(tenant, sign))


@router.post("/sprawy/{tenant}/{sign}/zawiadomienie")
def send_notice(
    request: Request,
    tenant: str,
    sign: str,
    me: Me,
    deps: ServiceDeps,
    uid: Annotated[str, Form(max_length=40)] = "",
    channel: Annotated[str, Form(pattern="^(epuap|e-doreczenia|poczta)$")] = "poczta",
) -> Response:
    try:
        notice_dispatch.send_as(
            deps, me.actor, tenant=tenant, case_sign=sign, document_uid=uid, channel=channel
        )
    except USER_ERRORS as exc:
        form = failed(request, exc, {"channel": channel})
        return _case_response(request, deps, me, tenant, sign, form=form, status=status_of(exc))
    return back(_case_url(tenant, sign))


# --- the inbox -----------------------------------------------------------------------------------


@router.get("/powiadomienia")
def inbox_page(request: Request, me: Me, uow: UoW) -> Response:
    tenant = tenant_of(me, request)
    messages = notifications.inbox(uow.session, me.actor, tenant=tenant)
    return render(request, "inbox.html", messages=messages, tenant=tenant)


@router.post("/powiadomienia/przeczytane")
async def mark_read(request: Request, me: Me, uow: UoW) -> Response:
    form = await request.form()
    ids = [int(v) for v in form.getlist("id") if isinstance(v, str) and v.isdigit()][:200]
    notifications.mark_read(uow.session, me.actor, ids)
    tenant = str(form.get("t") or "")
    return back(f"/powiadomienia?t={tenant}" if tenant else "/powiadomienia")
