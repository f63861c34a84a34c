"""Admin pages: users and roles, units, JRWA import, substitutions."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from ezd.jrwa_io import MAX_JRWA_BYTES, parse_jrwa_bytes
from ezd.records.errors import InvalidInput
from ezd.records.tenancy import Role
from ezd.services import admin, office_admin
from ezd.web.dependencies import Me, UoW
from ezd.web.forms import read_upload
from ezd.web.ui.common import back, tenant_of
from ezd.web.ui.render import render

router = APIRouter()


def _admin_tenant(me: Me, request: Request) -> str:
    tenants = sorted(g.tenant for g, _ in me.actor.grants if g.role == Role.ADMIN)
    wanted = request.query_params.get("t")
    if wanted in tenants:
        return wanted
    return tenants[0] if tenants else tenant_of(me, request)


@router.get("/admin")
def admin_page(request: Request, me: Me, uow: UoW) -> Response:
    tenant = _admin_tenant(me, request)
    return render(
        request,
        "admin.html",
        tenant=tenant,
        substitutions=office_admin.list_substitutions(uow.session, me.actor, tenant=tenant),
        users=office_admin.list_users(uow.session, me.actor, tenant=tenant),
        units=office_admin.list_units(uow.session, me.actor, tenant=tenant),
        jrwa_count=len(office_admin.list_jrwa(uow.session, me.actor, tenant=tenant)),
        roles=[r.value for r in Role],
    )


@router.post("/admin/uzytkownicy")
def add_user(
    request: Request,
    me: Me,
    uow: UoW,
    login: Annotated[str, Form(max_length=64)],
    full_name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=200)],
    unit: Annotated[str, Form(max_length=30)],
    role: Annotated[Role, Form()],
) -> Response:
    tenant = _admin_tenant(me, request)
    office_admin.create_user(
        uow.session,
        me.actor,
        tenant=tenant,
        login=login.strip(),
        full_name=full_name,
        password=password,
        unit=unit,
        role=role,
    )
    return back("/admin")


@router.post("/admin/odblokuj")
def unlock(request: Request, me: Me, uow: UoW, login: Annotated[str, Form(max_length=64)]) -> Response:
    office_admin.unlock_user(uow.session, me.actor, tenant=_admin_tenant(me, request), login=login)
    return back("/admin")


@router.post("/admin/komorki")
def add_unit(
    request: Request,
    me: Me,
    uow: UoW,
    code: Annotated[str, Form(max_length=30)],
    name: Annotated[str, Form(max_length=200)],
) -> Response:
    office_admin.create_unit(
        uow.session, me.actor, tenant=_admin_tenant(me, request), code=code.strip(), name=name
    )
    return back("/admin")


@router.post("/admin/jrwa")
async def import_jrwa(request: Request, me: Me, uow: UoW, file: Annotated[UploadFile, File()]) -> Response:
    data, _name, _type = await read_upload(file, MAX_JRWA_BYTES)
    admin.import_jrwa(
        uow.session, me.actor, tenant=_admin_tenant(me, request), entries=parse_jrwa_bytes(data)
    )
    return back("/admin")


@router.post("/admin/zastepstwa")
def add_substitution(
    request: Request,
    me: Me,
    uow: UoW,
    absent: Annotated[str, Form(max_length=64)],
    substitute: Annotated[str, Form(max_length=64)],
    start: Annotated[str, Form(max_length=10)],
    end: Annotated[str, Form(max_length=10)],
) -> Response:
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise InvalidInput("dates must be YYYY-MM-DD") from None
    office_admin.add_substitution(
        uow.session,
        me.actor,
        tenant=_admin_tenant(me, request),
        absent=absent,
        substitute=substitute,
        start=first,
        end=last,
    )
    return back("/admin")
