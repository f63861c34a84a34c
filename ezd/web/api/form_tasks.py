"""User tasks with a generated form (added in Camunda Modeler): list, show, complete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from ezd.services.generic_tasks import (
    GenericTask,
    complete_generic_task,
    list_generic_tasks,
    show_generic_task,
)
from ezd.web.api.responses import READ, WRITE, errors
from ezd.web.dependencies import Me, ServiceDeps

router = APIRouter(prefix="/api/v1", tags=["form tasks"])

TaskId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9:._-]+$")]


class FormValues(BaseModel):
    values: dict[str, str] = Field(
        default_factory=dict, description="Field id → value as typed (dd.mm.rrrr, tak/nie)"
    )


@router.get("/form-tasks", summary="My open tasks that have a generated form", responses=errors(401))
def form_tasks(me: Me, deps: ServiceDeps) -> list[GenericTask]:
    return list_generic_tasks(deps, me.actor)


@router.get(
    "/form-tasks/{task_id}", summary="A task's form: fields, types, rules, choices", responses=errors(*READ)
)
def form_task(task_id: TaskId, me: Me, deps: ServiceDeps) -> GenericTask:
    return show_generic_task(deps, me.actor, task_id)


@router.post(
    "/form-tasks/{task_id}/complete",
    summary="Complete the task with its form's values",
    responses=errors(*WRITE),
)
def complete(task_id: TaskId, body: FormValues, me: Me, deps: ServiceDeps) -> GenericTask:
    # committed by the request's unit of work, which then wakes the embedded worker
    return complete_generic_task(deps, me.actor, task_id, body.values)
