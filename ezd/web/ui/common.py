"""Helpers shared by the page routers."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse

from ezd.records.errors import PermissionDenied
from ezd.services.queries.models import TaskRow
from ezd.web.dependencies import Principal


def tenant_of(me: Principal, request: Request) -> str:
    """The office the page is about: ``?t=`` when the person belongs to it, else their first."""
    tenants = sorted(me.actor.tenants())
    if not tenants:
        raise PermissionDenied("your account has no role in any office yet")
    wanted = request.query_params.get("t")
    return wanted if wanted in tenants else tenants[0]


def back(url: str) -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}ok=1", status_code=303)


def rpw_parts(sign: str) -> tuple[int, int]:
    _, number, year = sign.split("/")
    return int(year), int(number)


def task_link(task: TaskRow) -> str:
    ref, tenant = task.ref, task.tenant
    if ref.startswith("RPW/"):
        year, number = rpw_parts(ref)
        return f"/rpw/{tenant}/{year}/{number}"
    return f"/sprawy/{tenant}/{quote(ref)}"
