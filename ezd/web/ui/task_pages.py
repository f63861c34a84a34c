"""My tasks: the kancelaria's working list (sortable columns, filters, pages of 50) and the
bulk decree of the selected items (all or nothing)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ezd.records.tenancy import Role
from ezd.services import intake, task_list
from ezd.services.deps import Deps
from ezd.services.generic_tasks import is_form_task
from ezd.services.office_admin import list_units
from ezd.web.dependencies import Me, Principal, ServiceDeps
from ezd.web.i18n import language, translator
from ezd.web.labels import N_, TASK
from ezd.web.ui.common import back, task_link
from ezd.web.ui.form_state import USER_ERRORS, FormState, failed, refused, status_of
from ezd.web.ui.render import render

router = APIRouter()
CHOOSE_ITEMS = N_("Zaznacz pisma do dekretacji.")
CHOOSE_UNIT = N_("Wybierz komórkę.")


def _filter(request: Request) -> task_list.TaskFilter:
    p = request.query_params
    return task_list.TaskFilter(
        task_key=p.get("zadanie", "")[:40],
        text=p.get("szukaj", "")[:200],
        late_only=bool(p.get("po_terminie")),
    )


def _tasks_response(
    request: Request,
    me: Principal,
    deps: Deps,
    *,
    fragment: bool = False,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    t = translator(language(request))
    p = request.query_params
    page_no = int(p["strona"]) if p.get("strona", "").isdigit() else 1
    result = task_list.task_page(
        deps.session,
        deps.engine,
        me.actor,
        date.today(),
        flt=_filter(request),
        sort=p.get("sort", "deadline"),
        descending=p.get("kierunek") == "malejaco",
        page=page_no,
        label=lambda key: t(TASK.get(key, key)),
    )
    # a task the web has no screen of its own for (added in Modeler) may have a generated form;
    # only those are asked for their BPMN, not every row of a long list
    form_tasks = {
        ln.task.id
        for ln in result.lines
        if ln.task.task_key not in TASK and is_form_task(deps, ln.task.id, ln.task.task_key)
    }
    kept = {k: v for k, v in p.items() if k in ("zadanie", "szukaj", "po_terminie") and v}
    decree_tenants = sorted({ln.task.tenant for ln in result.lines if ln.task.screen == "decree"})
    units = (
        list_units(deps.session, me.actor, tenant=decree_tenants[0])
        if decree_tenants and me.actor.can(decree_tenants[0], Role.KANCELARIA)
        else []
    )

    def url(**changes: object) -> str:
        params = {**kept, "sort": result.sort, "kierunek": "malejaco" if result.descending else "rosnaco"}
        params.update({k: str(v) for k, v in changes.items()})
        return "/zadania?" + urlencode(params)

    return render(
        request,
        "_tasks.html" if fragment else "tasks.html",
        status,
        form=form,
        result=result,
        flt=_filter(request),
        url=url,
        query=urlencode(
            {**kept, "sort": result.sort, "kierunek": p.get("kierunek", ""), "strona": result.page}
        ),
        units=units,
        task_link=task_link,
        form_tasks=form_tasks,
        known_tasks=TASK,  # the others (added or renamed in Modeler) go by their BPMN name
    )


@router.get("/zadania")
def tasks_page(request: Request, me: Me, deps: ServiceDeps, fragment: int = 0) -> Response:
    return _tasks_response(request, me, deps, fragment=bool(fragment))


@router.post("/zadania/dekretacja")
async def bulk_decree(request: Request, me: Me, deps: ServiceDeps) -> Response:
    """Decree every selected item to one unit in one unit of work: all of them, or none."""
    form = await request.form()
    chosen = [str(v) for v in form.getlist("pismo")][:200]
    unit = str(form.get("unit", "")).strip()[:30]
    values = {"unit": unit}
    if not chosen:
        return _tasks_response(
            request, me, deps, form=refused(request, CHOOSE_ITEMS, "pismo", values), status=400
        )
    if not unit:
        return _tasks_response(
            request, me, deps, form=refused(request, CHOOSE_UNIT, "unit", values), status=400
        )
    try:
        for ref in chosen:
            tenant, _, rpw = ref.partition("|")
            intake.decree(deps, me.actor, tenant=tenant, rpw=rpw, unit=unit)
    except USER_ERRORS as exc:
        return _tasks_response(request, me, deps, form=failed(request, exc, values), status=status_of(exc))
    return back(f"/zadania?zadekretowano={len(chosen)}")
