"""User tasks added in Camunda Modeler: listed, shown and completed through a generated form.

A user task with ``camunda:formData`` is *generic*: nothing in the services names it.  Its form
comes from the deployed BPMN of its own process version (:mod:`ezd.workflow.forms`), its values
are validated here, become process variables (so gateways can test them) and are recorded in the
metryka of the item or case the process belongs to.  Domain tasks (decree, approval, …) have no
form fields and keep their own screens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from ezd.records.errors import InvalidInput, NotFound, PermissionDenied
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.deps import Deps
from ezd.services.lookup import case_by_sign, split_business_key, tenant_by_code
from ezd.services.queries import task_groups
from ezd.workflow.forms import FormField, task_forms
from ezd.workflow.port import TaskNotFound, UserTask

Value = str | int | bool | None


class FieldInvalid(InvalidInput):
    """A form value refused; ``field`` says which, so a page can show the message beside it."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class GenericTask:
    id: str
    name: str
    task_key: str
    tenant: str
    subject: str  # the RPW sign or case sign the process works on
    fields: tuple[FormField, ...]


def _forms(deps: Deps, task: UserTask) -> tuple[FormField, ...] | None:
    forms = task_forms(deps.engine.task_definition_xml(task.id), task.process_key)
    return forms.get(task.task_key)


def _may_act(actor: Actor, task: UserTask) -> bool:
    groups, logins = task_groups(actor)
    if task.assignee is not None:
        return task.assignee in logins
    return bool(groups.intersection(task.candidate_groups))


def list_generic_tasks(deps: Deps, actor: Actor) -> list[GenericTask]:
    """The actor's open tasks that have a generated form (own, their groups', substituted)."""
    groups, logins = task_groups(actor)
    # asked separately: a substitute also sees the absent colleague's claimed tasks
    candidates = [t for login in logins for t in deps.engine.user_tasks(assignee=login)]
    if groups:
        offered = deps.engine.user_tasks(candidate_groups=sorted(groups))
        candidates += [t for t in offered if t.assignee is None or t.assignee in logins]
    seen: dict[str, GenericTask] = {}
    for task in candidates:
        if task.id not in seen:
            fields = _forms(deps, task)
            tenant, subject = split_business_key(task.business_key)
            if fields is not None and tenant in actor.tenants():
                seen[task.id] = GenericTask(task.id, task.name, task.task_key, tenant, subject, fields)
    return list(seen.values())


def _task(deps: Deps, actor: Actor, task_id: str) -> tuple[UserTask, GenericTask]:
    for task in deps.engine.user_tasks():
        if task.id == task_id:
            break
    else:
        raise NotFound(f"nie ma otwartego zadania {task_id}")
    tenant, subject = split_business_key(task.business_key)
    if tenant not in actor.tenants() and not actor.system:
        raise NotFound(f"nie ma otwartego zadania {task_id}")
    if not actor.system and not _may_act(actor, task):
        raise PermissionDenied(f"zadanie {task.name!r} nie jest przydzielone do {actor.login}")
    fields = _forms(deps, task)
    if fields is None:
        raise InvalidInput(f"zadanie {task.name!r} ma własny ekran; nie wykonuje się go formularzem ogólnym")
    return task, GenericTask(task.id, task.name, task.task_key, tenant, subject, fields)


def show_generic_task(deps: Deps, actor: Actor, task_id: str) -> GenericTask:
    return _task(deps, actor, task_id)[1]


def _convert(f: FormField, raw: str) -> Value:
    if f.type == "long":
        try:
            number = int(raw)
        except ValueError:
            raise FieldInvalid(f"pole „{f.label}”: podaj liczbę całkowitą", f.id) from None
        if f.min is not None and number < f.min:
            raise FieldInvalid(f"pole „{f.label}”: co najmniej {f.min}", f.id)
        if f.max is not None and number > f.max:
            raise FieldInvalid(f"pole „{f.label}”: co najwyżej {f.max}", f.id)
        return number
    if f.type == "boolean":
        if raw.lower() not in ("tak", "nie", "true", "false", "1", "0"):
            raise FieldInvalid(f"pole „{f.label}”: odpowiedz tak albo nie", f.id)
        return raw.lower() in ("tak", "true", "1")
    if f.type == "date":
        try:
            day = date.fromisoformat(raw) if "-" in raw else datetime.strptime(raw, "%d.%m.%Y").date()
        except ValueError:
            raise FieldInvalid(f"pole „{f.label}”: podaj datę dd.mm.rrrr", f.id) from None
        return day.isoformat()  # ISO text: ordered, and the same on both engines
    if f.type == "enum":
        allowed = {value for value, _ in f.options}
        if raw not in allowed:
            names = ", ".join(f"{v} ({n})" for v, n in f.options)
            raise FieldInvalid(f"pole „{f.label}”: wybierz jedną z wartości: {names}", f.id)
        return raw
    if f.minlength is not None and len(raw) < f.minlength:
        raise FieldInvalid(f"pole „{f.label}”: co najmniej {f.minlength} znaków", f.id)
    if f.maxlength is not None and len(raw) > f.maxlength:
        raise FieldInvalid(f"pole „{f.label}”: co najwyżej {f.maxlength} znaków", f.id)
    return raw


def validate(fields: tuple[FormField, ...], values: Mapping[str, str]) -> dict[str, Value]:
    """All values checked before anything is done; the first problem is reported in Polish."""
    known = {f.id for f in fields}
    if unknown := sorted(set(values) - known):
        raise InvalidInput(f"formularz nie ma pól: {', '.join(unknown)}")
    out: dict[str, Value] = {}
    for f in fields:
        raw = (values.get(f.id) or "").strip()
        if f.readonly:
            continue
        if not raw:
            if f.required:
                raise FieldInvalid(f"pole „{f.label}” jest wymagane", f.id)
            out[f.id] = None if f.type != "boolean" else False
            continue
        out[f.id] = _convert(f, raw)
    return out


def complete_generic_task(deps: Deps, actor: Actor, task_id: str, values: Mapping[str, str]) -> GenericTask:
    task, generic = _task(deps, actor, task_id)
    variables = validate(generic.fields, values)
    if task.assignee is None:
        deps.engine.claim(task.id, actor.login)
    deps.engine.complete_user_task(task.id, variables)
    tenant_row = tenant_by_code(deps.session, generic.tenant)
    case_id = None
    if generic.subject.split("/", 1)[0] == "RPW":
        chain = audit.item_chain(generic.tenant, generic.subject)
    else:
        try:
            case_id = case_by_sign(deps.session, tenant_row.id, generic.subject).id
        except NotFound:
            raise TaskNotFound(f"zadanie {task_id} nie należy do sprawy ani przesyłki") from None
        chain = audit.case_chain(case_id)
    audit.record(
        deps.session,
        chain_key=chain,
        tenant_id=tenant_row.id,
        actor=actor.login,
        action="zadanie_wykonane",
        case_id=case_id,
        details={"zadanie": task.name, "klucz": task.task_key, "wartosci": variables},
    )
    return generic


def is_form_task(deps: Deps, task_id: str, task_key: str) -> bool:
    """Whether an open task is done through the generated form (not a domain screen)."""
    return task_key in task_forms(deps.engine.task_definition_xml(task_id))


__all__ = [
    "FieldInvalid",
    "GenericTask",
    "complete_generic_task",
    "is_form_task",
    "list_generic_tasks",
    "show_generic_task",
    "validate",
]
