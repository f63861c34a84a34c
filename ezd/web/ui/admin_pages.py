"""The office administrator's pages: units (a tree), accounts and roles, substitutions.

Every form calls the same services as ``ezd unit|user`` (:mod:`ezd.services.office_setup`), which
check that the person administers the office named by ``?t=``: an administrator of one office
who names another gets the service's refusal, never that office's data.  A refused form comes
back with what was typed and the Polish message (:mod:`ezd.web.ui.form_state`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ezd.records.errors import InvalidInput, NotFound
from ezd.records.tenancy import Role
from ezd.services import office_admin, office_setup, seals
from ezd.web.dependencies import Me, Principal, UoW
from ezd.web.ui.common import back, tenant_of
from ezd.web.ui.form_state import USER_ERRORS, FormState, failed, status_of, typed_values
from ezd.web.ui.render import render

router = APIRouter()


def admin_office(me: Principal, request: Request) -> str:
    """The office the page administers: ``?t=`` as asked (the services refuse a stranger's),
    else the first office where the person is an administrator."""
    wanted = request.query_params.get("t")
    if wanted:
        return wanted
    tenants = sorted(g.tenant for g, _ in me.actor.grants if g.role == Role.ADMIN)
    return tenants[0] if tenants else tenant_of(me, request)


def here(path: str, tenant: str) -> str:
    return f"{path}?t={quote(tenant)}"


def _depths(units: list[office_setup.UnitInfo]) -> dict[str, int]:
    depth: dict[str, int] = {}
    for u in units:  # parents come before their children (list_units walks the tree)
        depth[u.code] = depth.get(u.parent or "", -1) + 1 if u.parent else 0
    return depth


def _seal(uow: UoW, me: Principal, tenant: str) -> seals.SealInfo | None:
    try:
        return seals.show_seal(uow.session, me.actor, office=tenant)
    except NotFound:
        return None


@router.get("/admin")
def admin_page(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    units = office_setup.list_units(uow.session, me.actor, office=tenant)
    users = office_setup.list_users(uow.session, me.actor, office=tenant)  # the admin check
    return render(
        request,
        "admin.html",
        tenant=tenant,
        units=units,
        depth=_depths(units),
        users=len(users),
        seal=_seal(uow, me, tenant),
        section="",
    )


def _page(
    request: Request, me: Principal, uow: UoW, name: str, form: FormState | None, status: int
) -> Response:
    tenant = admin_office(me, request)
    s, a = uow.session, me.actor
    units = office_setup.list_units(s, a, office=tenant)
    ctx: dict[str, Any] = {"tenant": tenant, "units": units, "depth": _depths(units)}
    if name in ("admin_users.html", "admin_substitutions.html"):
        ctx["users"] = office_setup.list_users(s, a, office=tenant)
        ctx["roles"] = [r.value for r in Role]
        # locked after failed sign-ins: shown with its time and an unlock button
        ctx["locked"] = {
            u.login: u.locked_until for u in office_admin.list_users(s, a, tenant=tenant) if u.locked_until
        }
    if name == "admin_substitutions.html":
        ctx["substitutions"] = office_admin.list_substitutions(s, a, tenant=tenant)
    return render(request, name, status=status, form=form, section=name, today=date.today(), **ctx)


@router.get("/admin/komorki")
def units_page(request: Request, me: Me, uow: UoW) -> Response:
    return _page(request, me, uow, "admin_units.html", None, 200)


@router.get("/admin/uzytkownicy")
def users_page(request: Request, me: Me, uow: UoW) -> Response:
    return _page(request, me, uow, "admin_users.html", None, 200)


@router.get("/admin/zastepstwa")
def substitutions_page(request: Request, me: Me, uow: UoW) -> Response:
    return _page(request, me, uow, "admin_substitutions.html", None, 200)


async def _submit(
    request: Request,
    me: Principal,
    uow: UoW,
    page: str,
    template: str,
    act: Callable[[dict[str, str]], object],
) -> Response:
    """Run one form's service call; on a refusal show the page again with the typed values."""
    values = typed_values(await request.form())
    try:
        act(values)
    except USER_ERRORS as exc:
        if status_of(exc) == 403:
            raise  # not the person's office: the refusal page, not the form
        return _page(request, me, uow, template, failed(request, exc, values), status_of(exc))
    return back(here(page, admin_office(me, request)))


def _day(text: str, default: date | None = None) -> date:
    if not text.strip() and default is not None:
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("dates must be YYYY-MM-DD") from None


# --------------------------------------------------------------------------------------- units


@router.post("/admin/komorki")
async def add_unit(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    return await _submit(
        request,
        me,
        uow,
        "/admin/komorki",
        "admin_units.html",
        lambda v: office_setup.add_unit(
            uow.session,
            me.actor,
            office=tenant,
            code=v.get("code", "").strip(),
            name=v.get("name", ""),
            parent=v.get("parent") or None,
        ),
    )


@router.post("/admin/komorki/nazwa")
async def rename_unit(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    return await _submit(
        request,
        me,
        uow,
        "/admin/komorki",
        "admin_units.html",
        lambda v: office_setup.rename_unit(
            uow.session, me.actor, office=tenant, code=v.get("unit", ""), name=v.get("new_name", "")
        ),
    )


@router.post("/admin/komorki/zamknij")
async def close_unit(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    return await _submit(
        request,
        me,
        uow,
        "/admin/komorki",
        "admin_units.html",
        lambda v: office_setup.close_unit(
            uow.session,
            me.actor,
            office=tenant,
            code=v.get("unit", ""),
            on=_day(v.get("on", ""), date.today()),
        ),
    )


# ------------------------------------------------------------------------------------ accounts


def _new_account(uow: UoW, me: Principal, tenant: str, v: dict[str, str], password: str) -> None:
    s, a, login = uow.session, me.actor, v.get("login", "").strip()
    office_setup.add_user(
        s, a, office=tenant, login=login, full_name=v.get("full_name", ""), email=v.get("email") or None
    )
    if password:
        office_setup.set_password(s, a, office=tenant, login=login, password=password)
    office_setup.grant_role(
        s, a, office=tenant, login=login, role=v.get("role", ""), unit=v.get("unit") or None
    )


@router.post("/admin/uzytkownicy")
async def add_user(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    password = str((await request.form()).get("password") or "")  # never kept, never shown back
    return await _submit(
        request,
        me,
        uow,
        "/admin/uzytkownicy",
        "admin_users.html",
        lambda v: _new_account(uow, me, tenant, v, password),
    )


@router.post("/admin/uzytkownicy/konto")
async def set_active(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    return await _submit(
        request,
        me,
        uow,
        "/admin/uzytkownicy",
        "admin_users.html",
        lambda v: office_setup.set_active(
            uow.session, me.actor, office=tenant, login=v.get("login", ""), active=v.get("active") == "1"
        ),
    )


@router.post("/admin/uzytkownicy/haslo")
async def set_password(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    password = str((await request.form()).get("password") or "")
    return await _submit(
        request,
        me,
        uow,
        "/admin/uzytkownicy",
        "admin_users.html",
        lambda v: office_setup.set_password(
            uow.session, me.actor, office=tenant, login=v.get("login", ""), password=password
        ),
    )


@router.post("/admin/uzytkownicy/rola")
async def grant_or_revoke(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)

    def act(v: dict[str, str]) -> object:
        change = office_setup.revoke_role if v.get("op") == "revoke" else office_setup.grant_role
        return change(
            uow.session,
            me.actor,
            office=tenant,
            login=v.get("login", ""),
            role=v.get("role", ""),
            unit=v.get("unit") or None,
        )

    return await _submit(request, me, uow, "/admin/uzytkownicy", "admin_users.html", act)


@router.post("/admin/odblokuj")
async def unlock(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    return await _submit(
        request,
        me,
        uow,
        "/admin/uzytkownicy",
        "admin_users.html",
        lambda v: office_admin.unlock_user(uow.session, me.actor, tenant=tenant, login=v.get("login", "")),
    )


# ------------------------------------------------------------------------------- substitutions


@router.post("/admin/zastepstwa")
async def add_substitution(request: Request, me: Me, uow: UoW) -> Response:
    tenant = admin_office(me, request)
    return await _submit(
        request,
        me,
        uow,
        "/admin/zastepstwa",
        "admin_substitutions.html",
        lambda v: office_admin.add_substitution(
            uow.session,
            me.actor,
            tenant=tenant,
            absent=v.get("absent", ""),
            substitute=v.get("substitute", ""),
            start=_day(v.get("start", "")),
            end=_day(v.get("end", "")),
        ),
    )
