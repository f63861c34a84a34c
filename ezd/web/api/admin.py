"""Admin: units, users and roles, substitutions, the JRWA."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Query, UploadFile

from ezd.jrwa_io import parse_jrwa_bytes
from ezd.services import admin, office_admin
from ezd.services.queries.models import JrwaClassView, SubstitutionView, UnitView, UserView
from ezd.web.api.models import LOGIN, TENANT, GrantBody, SubstitutionBody, UnitBody, UserBody
from ezd.web.api.responses import READ, errors
from ezd.web.api.views import Granted, JrwaImported, SubstitutionAdded, Unlocked
from ezd.web.dependencies import Me, UoW
from ezd.web.forms import read_upload

router = APIRouter(prefix="/api/v1/tenants/{tenant}", tags=["admin"])

Tenant = Annotated[str, Path(pattern=TENANT)]
Login = Annotated[str, Path(pattern=LOGIN)]


@router.get("/units", summary="Units of the office", responses=errors(*READ))
def units(tenant: Tenant, me: Me, uow: UoW) -> list[UnitView]:
    return office_admin.list_units(uow.session, me.actor, tenant=tenant)


@router.post("/units", summary="Create a unit", status_code=201, responses=errors(400, 401, 403, 404, 422))
def create_unit(tenant: Tenant, body: UnitBody, me: Me, uow: UoW) -> UnitView:
    return office_admin.create_unit(uow.session, me.actor, tenant=tenant, code=body.code, name=body.name)


@router.get("/users", summary="People with a role in the office", responses=errors(*READ))
def users(tenant: Tenant, me: Me, uow: UoW) -> list[UserView]:
    return office_admin.list_users(uow.session, me.actor, tenant=tenant)


@router.post(
    "/users",
    summary="Create a local account with one role",
    status_code=201,
    responses=errors(400, 401, 403, 404, 422),
)
def create_user(tenant: Tenant, body: UserBody, me: Me, uow: UoW) -> UserView:
    return office_admin.create_user(
        uow.session,
        me.actor,
        tenant=tenant,
        login=body.login,
        full_name=body.full_name,
        password=body.password,
        unit=body.unit,
        role=body.role,
    )


@router.post(
    "/users/{login}/grants",
    summary="Grant a role in a unit",
    status_code=201,
    responses=errors(400, 401, 403, 404, 422),
)
def grant(tenant: Tenant, login: Login, body: GrantBody, me: Me, uow: UoW) -> Granted:
    office_admin.grant_role(uow.session, me.actor, tenant=tenant, login=login, unit=body.unit, role=body.role)
    return Granted(login=login, unit=body.unit, role=body.role.value)


@router.post(
    "/users/{login}/unlock",
    summary="Unlock an account locked after failed sign-ins",
    responses=errors(401, 403, 404, 422),
)
def unlock(tenant: Tenant, login: Login, me: Me, uow: UoW) -> Unlocked:
    office_admin.unlock_user(uow.session, me.actor, tenant=tenant, login=login)
    return Unlocked(login=login)


@router.get("/substitutions", summary="Substitutions (zastępstwa) in the office", responses=errors(*READ))
def substitutions(tenant: Tenant, me: Me, uow: UoW) -> list[SubstitutionView]:
    return office_admin.list_substitutions(uow.session, me.actor, tenant=tenant)


@router.post(
    "/substitutions",
    summary="Record a substitution",
    status_code=201,
    responses=errors(400, 401, 403, 404, 422),
)
def add_substitution(tenant: Tenant, body: SubstitutionBody, me: Me, uow: UoW) -> SubstitutionAdded:
    office_admin.add_substitution(
        uow.session,
        me.actor,
        tenant=tenant,
        absent=body.absent,
        substitute=body.substitute,
        start=body.start,
        end=body.end,
    )
    return SubstitutionAdded(absent=body.absent, substitute=body.substitute)


@router.get("/jrwa", summary="The office's JRWA", responses=errors(*READ))
def jrwa(tenant: Tenant, me: Me, uow: UoW, leaves: Annotated[bool, Query()] = False) -> list[JrwaClassView]:
    return office_admin.list_jrwa(uow.session, me.actor, tenant=tenant, leaves_only=leaves)


@router.post(
    "/jrwa",
    summary="Import (replace) the JRWA from WykazAkt XML or CSV",
    responses=errors(400, 401, 403, 404, 409, 422),
)
async def import_jrwa(
    tenant: Tenant, me: Me, uow: UoW, file: Annotated[UploadFile, File(description="WykazAkt XML or CSV")]
) -> JrwaImported:
    from ezd.jrwa_io import MAX_JRWA_BYTES

    data, _name, _type = await read_upload(file, MAX_JRWA_BYTES)
    entries = parse_jrwa_bytes(data)
    count = admin.import_jrwa(uow.session, me.actor, tenant=tenant, entries=entries)
    return JrwaImported(classes=count)
