"""The generated form of a user task added in Camunda Modeler (``camunda:formData``).

Nothing here names a task: the fields come from the deployed BPMN of the task's own process
version, and the form is completed through :mod:`ezd.services.generic_tasks` — the same service
as ``/api/v1/form-tasks`` and ``ezd task complete``, so the values are validated once, become
process variables and land in the metryka.  A refused value is shown beside its field, with
everything typed kept.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ezd.services.generic_tasks import FieldInvalid, GenericTask, complete_generic_task, show_generic_task
from ezd.web.dependencies import Me, ServiceDeps
from ezd.web.ui.common import back, rpw_parts
from ezd.web.ui.form_state import USER_ERRORS, FormState, failed, status_of
from ezd.web.ui.render import render

router = APIRouter()
PATH = "/zadania/formularz/{task_id}"
_MAX_VALUE = 2000  # a form value; longer text is refused by the field's own rule or cut here


def subject_link(task: GenericTask) -> str:
    """The page of the letter or case the task works on."""
    if task.subject.startswith("RPW/"):
        year, number = rpw_parts(task.subject)
        return f"/rpw/{task.tenant}/{year}/{number}"
    return f"/sprawy/{task.tenant}/{task.subject}"


def _page(request: Request, task: GenericTask, form: FormState | None = None, status: int = 200) -> Response:
    return render(request, "form_task.html", status, form=form, task=task, subject_url=subject_link(task))


@router.get(PATH)
def form_task_page(request: Request, task_id: str, me: Me, deps: ServiceDeps) -> Response:
    return _page(request, show_generic_task(deps, me.actor, task_id[:64]))


def _values(task: GenericTask, raw: dict[str, str]) -> dict[str, str]:
    """The form's own fields as typed; a checkbox left unticked is not sent, and says "nie"."""
    values: dict[str, str] = {}
    for f in task.fields:
        if not f.readonly:
            typed = raw.get(f.id, "")[:_MAX_VALUE]
            values[f.id] = ("tak" if typed else "nie") if f.type == "boolean" else typed
    return values


@router.post(PATH)
async def form_task_submit(request: Request, task_id: str, me: Me, deps: ServiceDeps) -> Response:
    task = show_generic_task(deps, me.actor, task_id[:64])
    posted = await request.form()
    raw = {k: v for k, v in posted.items() if isinstance(v, str)}
    values = _values(task, raw)
    try:
        complete_generic_task(deps, me.actor, task.id, values)
    except USER_ERRORS as exc:
        # typed as typed: an unticked box stays unticked, a refused date keeps its text
        kept = {f.id: raw.get(f.id, "")[:_MAX_VALUE] for f in task.fields}
        form = failed(request, exc, kept)
        if isinstance(exc, FieldInvalid):  # beside the field it concerns, not above the form
            form.errors = {exc.field: next(iter(form.errors.values()))}
        return _page(request, task, form, status_of(exc))
    return back("/zadania")  # "Zapisano." on the list the task has left


__all__ = ["router", "subject_link"]
