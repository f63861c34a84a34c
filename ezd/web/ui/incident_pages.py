"""The office administrator's "Incydenty" page: failed system steps, each with "Ponów"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from ezd.records.tenancy import Role
from ezd.services import incidents
from ezd.web.dependencies import Me, ServiceDeps
from ezd.web.ui.common import back, tenant_of
from ezd.web.ui.render import render

router = APIRouter()
PAGE = "/admin/incydenty"


def _admin_tenant(me: Me, request: Request) -> str:
    tenants = sorted(g.tenant for g, _ in me.actor.grants if g.role == Role.ADMIN)
    wanted = request.query_params.get("t")
    if wanted in tenants:
        return wanted
    return tenants[0] if tenants else tenant_of(me, request)


@router.get(PAGE)
def incidents_page(request: Request, me: Me, deps: ServiceDeps) -> Response:
    tenant = _admin_tenant(me, request)
    rows = incidents.list_incidents(deps.engine, me.actor, tenant=tenant)
    return render(request, "incidents.html", tenant=tenant, incidents=rows)


@router.post(PAGE + "/ponow")
def retry(
    request: Request, me: Me, deps: ServiceDeps, task_id: Annotated[str, Form(max_length=64)]
) -> Response:
    tenant = _admin_tenant(me, request)
    incidents.retry_incident(deps, me.actor, tenant=tenant, task_id=task_id)
    return back(f"{PAGE}?t={tenant}")
