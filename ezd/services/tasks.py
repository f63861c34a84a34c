"""Finding and completing user tasks on behalf of people."""

from __future__ import annotations

from typing import Any

from ezd.records.errors import InvalidState
from ezd.services.actor import Actor
from ezd.workflow.port import UserTask, WorkflowEngine


def open_task(engine: WorkflowEngine, business_key: str, task_key: str) -> UserTask:
    for task in engine.user_tasks(business_key=business_key):
        if task.task_key == task_key:
            return task
    raise InvalidState(f"{business_key.split('/', 1)[-1]} is not waiting for '{task_key}'")


def complete_task(engine: WorkflowEngine, task: UserTask, actor: Actor, variables: dict[str, Any]) -> None:
    if task.assignee is None:
        engine.claim(task.id, actor.login)
    engine.complete_user_task(task.id, variables)
