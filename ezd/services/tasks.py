"""Finding and completing user tasks on behalf of people."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ezd.records.errors import InvalidState
from ezd.services.actor import Actor
from ezd.workflow.port import UserTask, WorkflowEngine
from ezd.workflow.screens import DEFAULT_KEYS, OTHER_OWN_KEYS, SCREEN_OF_KEY, declared_screens


def task_screen(engine: WorkflowEngine, task: UserTask) -> str | None:
    """The domain screen a task is done on (``ezd:screen`` in its BPMN), or None for a generic task.

    ezd's own task ids answer without reading the BPMN: the deploy-time check
    (:func:`ezd.workflow.screens.check_screens`) refuses such an id declaring another screen.
    """
    if task.task_key in SCREEN_OF_KEY:
        return SCREEN_OF_KEY[task.task_key]
    if task.task_key in OTHER_OWN_KEYS:
        return None
    return declared_screens(engine.task_definition_xml(task.id)).get(task.task_key)


def by_screen(engine: WorkflowEngine, tasks: Iterable[UserTask]) -> dict[str, UserTask]:
    """Open tasks keyed by their domain screen (generic tasks left out)."""
    found: dict[str, UserTask] = {}
    for task in tasks:
        if (screen := task_screen(engine, task)) is not None:
            found.setdefault(screen, task)
    return found


def open_task(engine: WorkflowEngine, business_key: str, screen: str) -> UserTask:
    """The open task of a process that the domain screen ``screen`` (decree, approve, …) does.

    ezd's own id of a screen's task (``Task_Decree``) names that screen too; any other id (a task
    with no screen, e.g. ``Task_FixDispatch``) is matched as it is.
    """
    tasks = engine.user_tasks(business_key=business_key)
    wanted = SCREEN_OF_KEY.get(screen, screen)
    if wanted in DEFAULT_KEYS:
        task = by_screen(engine, tasks).get(wanted)
    else:
        task = next((t for t in tasks if t.task_key == screen), None)
    if task is None:
        raise InvalidState(f"{business_key.split('/', 1)[-1]} is not waiting for '{screen}'")
    return task


def complete_task(engine: WorkflowEngine, task: UserTask, actor: Actor, variables: dict[str, Any]) -> None:
    if task.assignee is None:
        engine.claim(task.id, actor.login)
    engine.complete_user_task(task.id, variables)
