"""Office administration over the API, on the command line's services (``ezd unit|user|jrwa|seal``).

``/api/v1/tenants/{tenant}/admin/...`` is the office administrator's; ``/api/v1/offices`` lists
the offices the caller belongs to, and a system administrator (``EZD_SYSTEM_ADMINS``) founds an
office with its first administrator there.  Each service checks the caller: an administrator of
one office gets 404 for another's.  Passwords go in request bodies only and never come back.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from pydantic import Field, StringConstraints

from ezd.records.tenancy import Role
from ezd.services import admin_log, jrwa_edit, jrwa_view, office_founding, office_setup, seals
from ezd.services.jrwa_view import JrwaClassInfo
from ezd.services.office_setup import OfficeInfo, UnitInfo, UserInfo
from ezd.services.processes import list_versions
from ezd.services.queries.admin_log import AdminLogPage
from ezd.services.queries.models import ReadModel
from ezd.web.api.models import LOGIN, TENANT, UNIT, Body, Login, UnitCode
from ezd.web.api.responses import READ, errors
from ezd.web.dependencies import Me, UoW, core
from ezd.web.forms import read_upload

router = APIRouter(prefix="/api/v1", tags=["office administration"])

Tenant = Annotated[str, Path(pattern=TENANT)]
UserLogin = Annotated[str, Path(pattern=LOGIN)]
UnitPath = Annotated[str, Path(pattern=UNIT)]
Symbol = Annotated[str, Path(pattern=r"^\d{1,4}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Category = Annotated[str, StringConstraints(max_length=10)]
WRITE = (400, 401, 403, 404, 409, 422)
MAX_P12_BYTES = 100_000


class NewUnitBody(Body):
    code: UnitCode
    name: Name
    parent: UnitCode | None = None


class RenameBody(Body):
    name: Name


class CloseBody(Body):
    on: date | None = Field(default=None, description="Day of closing; default today")


class NewUserBody(Body):
    login: Login
    full_name: Name
    email: Annotated[str, StringConstraints(max_length=200)] | None = None
    password: Password | None = Field(default=None, description="Set now; or later (POST …/password)")
    unit: UnitCode | None = Field(default=None, description="Unit of the first role")
    role: Role | None = None


class ActiveBody(Body):
    active: bool


class PasswordBody(Body):
    password: Password


class RoleBody(Body):
    role: Role
    unit: UnitCode | None = None


class ClassBody(Body):
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    category: Category = ""


class NewClassBody(ClassBody):
    symbol: Annotated[str, StringConstraints(pattern=r"^\d{1,4}$")]


class NewOfficeBody(Body):
    code: Annotated[str, StringConstraints(pattern=TENANT)]
    name: Name
    kind: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    regon: Annotated[str, StringConstraints(pattern=r"^\d{9}(\d{5})?$")] | None = None
    epuap_box: Annotated[str, StringConstraints(max_length=200)] | None = None
    address: Annotated[str, StringConstraints(max_length=500)] | None = None
    unit_code: UnitCode
    unit_name: Name
    admin_login: Login
    admin_name: Name
    admin_email: Annotated[str, StringConstraints(max_length=200)] | None = None
    admin_password: Password


class SealView(ReadModel):
    """The e-seal; times as the API's other ISO 8601 strings (naive UTC, seconds)."""

    office: str
    kind: str
    subject: str
    issuer: str
    serial: str
    not_before: str
    not_after: str
    days_left: int
    warning: str | None

    @classmethod
    def of(cls, i: seals.SealInfo) -> SealView:
        return cls(
            office=i.office,
            kind=i.kind,
            subject=i.subject,
            issuer=i.issuer,
            serial=i.serial,
            not_before=i.not_before.isoformat(timespec="seconds"),
            not_after=i.not_after.isoformat(timespec="seconds"),
            days_left=i.days_left,
            warning=i.warning,
        )


class ProcessView(ReadModel):
    process_key: str
    version: int
    running: int
    source_name: str | None
    deployed_at: str | None


# ---------------------------------------------------------------------------------------- units


@router.get("/tenants/{tenant}/admin/units", summary="The unit tree (parents first)", responses=errors(*READ))
def units(tenant: Tenant, me: Me, uow: UoW) -> list[UnitInfo]:
    return office_setup.list_units(uow.session, me.actor, office=tenant)


@router.post("/tenants/{tenant}/admin/units", summary="Add a unit", status_code=201, responses=errors(*WRITE))
def add_unit(tenant: Tenant, body: NewUnitBody, me: Me, uow: UoW) -> UnitInfo:
    return office_setup.add_unit(
        uow.session, me.actor, office=tenant, code=body.code, name=body.name, parent=body.parent
    )


@router.post("/tenants/{tenant}/admin/units/{code}/rename", summary="Rename a unit", responses=errors(*WRITE))
def rename_unit(tenant: Tenant, code: UnitPath, body: RenameBody, me: Me, uow: UoW) -> UnitInfo:
    return office_setup.rename_unit(uow.session, me.actor, office=tenant, code=code, name=body.name)


@router.post(
    "/tenants/{tenant}/admin/units/{code}/close",
    summary="Close a unit (it keeps its history and case signs)",
    responses=errors(*WRITE),
)
def close_unit(tenant: Tenant, code: UnitPath, body: CloseBody, me: Me, uow: UoW) -> UnitInfo:
    return office_setup.close_unit(
        uow.session, me.actor, office=tenant, code=code, on=body.on or date.today()
    )


# ------------------------------------------------------------------------------------- accounts


@router.get(
    "/tenants/{tenant}/admin/users", summary="The office's accounts and roles", responses=errors(*READ)
)
def users(tenant: Tenant, me: Me, uow: UoW) -> list[UserInfo]:
    return office_setup.list_users(uow.session, me.actor, office=tenant)


@router.post(
    "/tenants/{tenant}/admin/users", summary="Add an account", status_code=201, responses=errors(*WRITE)
)
def add_user(tenant: Tenant, body: NewUserBody, me: Me, uow: UoW) -> UserInfo:
    s, a = uow.session, me.actor
    info = office_setup.add_user(
        s, a, office=tenant, login=body.login, full_name=body.full_name, email=body.email
    )
    if body.password is not None:
        info = office_setup.set_password(s, a, office=tenant, login=body.login, password=body.password)
    if body.role is not None:
        info = office_setup.grant_role(
            s, a, office=tenant, login=body.login, role=body.role.value, unit=body.unit
        )
    return info


@router.post(
    "/tenants/{tenant}/admin/users/{login}/active",
    summary="Enable or disable an account",
    responses=errors(*WRITE),
)
def set_active(tenant: Tenant, login: UserLogin, body: ActiveBody, me: Me, uow: UoW) -> UserInfo:
    return office_setup.set_active(uow.session, me.actor, office=tenant, login=login, active=body.active)


@router.post(
    "/tenants/{tenant}/admin/users/{login}/password",
    summary="Set an account's password (never shown back)",
    responses=errors(*WRITE),
)
def set_password(tenant: Tenant, login: UserLogin, body: PasswordBody, me: Me, uow: UoW) -> UserInfo:
    return office_setup.set_password(
        uow.session, me.actor, office=tenant, login=login, password=body.password
    )


@router.post(
    "/tenants/{tenant}/admin/users/{login}/roles", summary="Grant a role in a unit", responses=errors(*WRITE)
)
def grant_role(tenant: Tenant, login: UserLogin, body: RoleBody, me: Me, uow: UoW) -> UserInfo:
    return office_setup.grant_role(
        uow.session, me.actor, office=tenant, login=login, role=body.role.value, unit=body.unit
    )


@router.post(
    "/tenants/{tenant}/admin/users/{login}/roles/revoke",
    summary="Revoke a role in a unit",
    responses=errors(*WRITE),
)
def revoke_role(tenant: Tenant, login: UserLogin, body: RoleBody, me: Me, uow: UoW) -> UserInfo:
    return office_setup.revoke_role(
        uow.session, me.actor, office=tenant, login=login, role=body.role.value, unit=body.unit
    )


# ----------------------------------------------------------------------------------------- JRWA


@router.get(
    "/tenants/{tenant}/admin/jrwa", summary="The JRWA with the cases per class", responses=errors(*READ)
)
def jrwa(tenant: Tenant, me: Me, uow: UoW) -> list[JrwaClassInfo]:
    office_setup.office_for(uow.session, me.actor, tenant)
    return jrwa_view.show_jrwa(uow.session, me.actor, office=tenant)


@router.put(
    "/tenants/{tenant}/admin/jrwa/{symbol}",
    summary="Edit a class (title; the category of a leaf class)",
    responses=errors(*WRITE),
)
def edit_class(tenant: Tenant, symbol: Symbol, body: ClassBody, me: Me, uow: UoW) -> JrwaClassInfo:
    return jrwa_edit.edit_class(
        uow.session, me.actor, office=tenant, symbol=symbol, title=body.title, category=body.category
    )


@router.post(
    "/tenants/{tenant}/admin/jrwa",
    summary="Add a leaf class (its parent must hold no cases)",
    status_code=201,
    responses=errors(*WRITE),
)
def add_class(tenant: Tenant, body: NewClassBody, me: Me, uow: UoW) -> JrwaClassInfo:
    return jrwa_edit.add_class(
        uow.session, me.actor, office=tenant, symbol=body.symbol, title=body.title, category=body.category
    )


# --------------------------------------------------------------------- e-seal, processes, log


@router.get(
    "/tenants/{tenant}/admin/seal",
    summary="The office's e-seal (expiry warned 30 days ahead)",
    responses=errors(*READ),
)
def seal(tenant: Tenant, me: Me, uow: UoW) -> SealView:
    office_setup.office_for(uow.session, me.actor, tenant)
    return SealView.of(seals.show_seal(uow.session, me.actor, office=tenant))


@router.post(
    "/tenants/{tenant}/admin/seal",
    summary="Import the office's e-seal (PKCS#12)",
    responses=errors(*WRITE),
)
async def import_seal(
    request: Request,
    tenant: Tenant,
    me: Me,
    uow: UoW,
    file: Annotated[UploadFile, File(description="PKCS#12 (.p12/.pfx)")],
    password: Annotated[str, Form(max_length=200)] = "",
) -> SealView:
    data, _name, _type = await read_upload(file, MAX_P12_BYTES)
    return SealView.of(
        seals.import_p12(
            uow.session, core(request).settings, me.actor, office=tenant, data=data, password=password
        )
    )


@router.get(
    "/tenants/{tenant}/admin/processes",
    summary="Deployed processes, their versions and running instances",
    responses=errors(*READ),
)
def processes(request: Request, tenant: Tenant, me: Me, uow: UoW) -> list[ProcessView]:
    office_setup.office_for(uow.session, me.actor, tenant)
    app = core(request)  # the request's own transaction: SQLite has one writer
    return [
        ProcessView(
            process_key=v.process_key,
            version=v.version,
            running=v.running,
            source_name=v.source_name,
            deployed_at=v.deployed_at.isoformat(timespec="seconds") if v.deployed_at else None,
        )
        for v in list_versions(uow.session, app.engine(uow.session), engine_id=app.engine_id)
    ]


@router.get(
    "/tenants/{tenant}/admin/log",
    summary="The administrative log, newest first, 50 a page",
    responses=errors(400, *READ),
)
def log(
    tenant: Tenant,
    me: Me,
    uow: UoW,
    who: Annotated[str | None, Query(pattern=LOGIN)] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    since: Annotated[date | None, Query(description="First day (Europe/Warsaw)")] = None,
    until: Annotated[date | None, Query(description="Last day (Europe/Warsaw)")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> AdminLogPage:
    return admin_log.admin_log(
        uow.session, me.actor, office=tenant, who=who, action=action, since=since, until=until, page=page
    )


# -------------------------------------------------------------------------------------- offices


@router.get(
    "/offices", summary="Offices the caller belongs to (a system administrator: all)", responses=errors(401)
)
def offices(me: Me, uow: UoW) -> list[OfficeInfo]:
    return office_setup.list_offices(uow.session, me.actor)


@router.post(
    "/offices",
    summary="Found an office with its first unit and administrator (system administrator)",
    status_code=201,
    responses=errors(*WRITE),
)
def found_office(body: NewOfficeBody, me: Me, uow: UoW) -> OfficeInfo:
    return office_founding.found_office(
        uow.session,
        me.actor,
        office_founding.NewOffice(body.code, body.name, body.kind, body.regon, body.epuap_box, body.address),
        [(body.unit_code, body.unit_name)],
        office_founding.FirstAdmin(body.admin_login, body.admin_name, body.admin_email, body.admin_password),
    )
