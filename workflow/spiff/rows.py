"""How an embedded instance is stored: the ``wf_instance`` row, its task mirror, its history.

The hot statements are built once (the path of every step then skips SQL construction and cache
keys); :func:`save_instance` writes a step's result under the revision check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from ezd.db.base import utcnow
from ezd.workflow import juel
from ezd.workflow.port import WorkflowError
from ezd.workflow.spiff.specs import ExternalServiceTask, EzdUserTask
from ezd.workflow.spiff.state import STATE_FORMAT, StateCodec
from ezd.workflow.tables import WorkflowHistory, WorkflowInstance, WorkflowTask


@dataclass(frozen=True)
class Head:
    """The small columns of a ``wf_instance`` row (the state is read only when not cached)."""

    id: str
    process_key: str
    version: int
    business_key: str
    revision: int
    state_format: int


INSTANCE = cast(Table, WorkflowInstance.__table__)
TASK = cast(Table, WorkflowTask.__table__)
HEAD_COLUMNS = (
    INSTANCE.c.id,
    INSTANCE.c.process_key,
    INSTANCE.c.version,
    INSTANCE.c.business_key,
    INSTANCE.c.revision,
    INSTANCE.c.state_format,
)
# Statements built once: the hot path of every step then skips SQL construction and cache keys.
LOCK_HEAD = select(*HEAD_COLUMNS).where(INSTANCE.c.id == bindparam("iid")).with_for_update()
STATE = select(INSTANCE.c.state).where(INSTANCE.c.id == bindparam("iid"))
TASK_IDS = select(TASK.c.id).where(TASK.c.instance_id == bindparam("iid"))
TASK_OWNER = select(TASK.c.instance_id).where(TASK.c.id == bindparam("tid"))
SAVE = (
    update(INSTANCE)
    .where(INSTANCE.c.id == bindparam("iid"), INSTANCE.c.revision == bindparam("expected"))
    .values(
        state=bindparam("state"),
        ended=bindparam("ended"),
        next_timer_at=bindparam("next_timer_at"),
        updated_at=bindparam("now"),
        revision=bindparam("new_revision"),
    )
)
FETCH = (
    select(
        TASK.c.id,
        TASK.c.topic,
        TASK.c.task_key,
        TASK.c.retries,
        TASK.c.instance_id,
        INSTANCE.c.process_key,
        INSTANCE.c.business_key,
    )
    .join(INSTANCE, INSTANCE.c.id == TASK.c.instance_id)
    .where(TASK.c.kind == "external", TASK.c.topic.in_(bindparam("topics", expanding=True)))
    .where(TASK.c.retries.is_(None) | (TASK.c.retries > 0))
    .where(TASK.c.locked_until.is_(None) | (TASK.c.locked_until < bindparam("now")))
    .order_by(TASK.c.created_at)
    .limit(bindparam("max_tasks"))
)
USER_TASKS = (
    select(
        TASK.c.id,
        TASK.c.name,
        TASK.c.task_key,
        TASK.c.assignee,
        TASK.c.candidate_groups,
        TASK.c.instance_id,
        INSTANCE.c.process_key,
        INSTANCE.c.business_key,
    )
    .join(INSTANCE, INSTANCE.c.id == TASK.c.instance_id)
    .where(TASK.c.kind == "user")
)
LOCK_TASKS = (
    update(TASK)
    .where(TASK.c.id.in_(bindparam("ids", expanding=True)))
    .values(locked_until=bindparam("until"))
)
DUE_TIMERS = (
    select(INSTANCE.c.id)
    .where(INSTANCE.c.ended.is_(False), INSTANCE.c.next_timer_at <= bindparam("now"))
    .limit(bindparam("limit"))
)
INSERT_TASK = insert(TASK)
INSERT_HISTORY = insert(cast(Table, WorkflowHistory.__table__))
INSERT_INSTANCE = insert(INSTANCE)


def record_history(session: Session, instance_id: str, tasks: list[Any]) -> None:
    """The activities a step completed, as ``wf_history`` rows."""
    now = utcnow()
    rows = [
        {
            "instance_id": instance_id,
            "activity_id": t.task_spec.bpmn_id,
            "activity_type": type(t.task_spec).__name__,
            "name": t.task_spec.bpmn_name,
            "ended_at": now,
        }
        for t in tasks
        if getattr(t.task_spec, "bpmn_id", None)
    ]
    if rows:  # one executemany instead of an ORM insert per activity
        session.execute(INSERT_HISTORY, rows)


def save_instance(
    session: Session, head: Head, wf: BpmnWorkflow, task_ids: frozenset[str], codec: StateCodec
) -> tuple[int, bool, frozenset[str]]:
    """Insert or update the instance row (revision-checked) and its task mirror.

    Returns the new revision, whether the instance ended, and the ids of its open tasks.
    """
    now = utcnow()
    state = codec.dumps(wf)
    ended = bool(wf.is_completed())
    timer = next_timer(wf)
    revision = head.revision + 1
    if head.revision == 0:
        session.execute(
            INSERT_INSTANCE,
            {
                "id": head.id,
                "process_key": head.process_key,
                "version": head.version,
                "business_key": head.business_key,
                "state_format": STATE_FORMAT,
                "state": state,
                "ended": ended,
                "next_timer_at": timer,
                "revision": revision,
                "started_at": now,
                "updated_at": now,
            },
        )
    else:
        # optimistic check on top of the row lock: a concurrent save would have bumped revision
        res = session.execute(
            SAVE,
            {
                "iid": head.id,
                "expected": head.revision,
                "state": state,
                "ended": ended,
                "next_timer_at": timer,
                "now": now,
                "new_revision": revision,
            },
        )
        if res.rowcount != 1:  # type: ignore[attr-defined]
            raise WorkflowError(f"process instance {head.id} was changed concurrently; retry")
    return revision, ended, sync_tasks(session, head.id, wf, task_ids, now)


def sync_tasks(
    session: Session, instance_id: str, wf: BpmnWorkflow, existing: frozenset[str], now: datetime
) -> frozenset[str]:
    """Mirror the open user/external tasks into ``wf_task``; return their ids."""
    wanted: set[str] = set()
    new_rows: list[dict[str, Any]] = []
    for task in wf.get_tasks(state=TaskState.READY):
        spec = task.task_spec
        if isinstance(spec, ExternalServiceTask):
            kind, topic, assignee, groups = "external", spec.topic, None, None
        elif isinstance(spec, EzdUserTask):
            kind, topic = "user", None
            assignee = resolve(spec.assignee, task.data)
            groups = resolve(spec.candidate_groups, task.data)
        else:
            continue
        tid = str(task.id)
        wanted.add(tid)
        if tid in existing:
            continue
        new_rows.append(
            {
                "id": tid,
                "instance_id": instance_id,
                "kind": kind,
                "task_key": spec.bpmn_id,
                "name": spec.bpmn_name,
                "topic": topic,
                "assignee": assignee,
                "candidate_groups": groups,
                "retries": None,
                "error": None,
                "locked_until": None,
                "created_at": now,
            }
        )
    stale = [tid for tid in existing if tid not in wanted]
    if stale:
        session.execute(delete(WorkflowTask).where(WorkflowTask.id.in_(stale)))
    if new_rows:
        session.execute(INSERT_TASK, new_rows)
    return frozenset(wanted)


def resolve(value: str | None, data: dict[str, Any]) -> str | None:
    if not value:
        return None
    if juel.is_expression(value):
        result = juel.evaluate(value, data)
        return None if result is None else str(result)
    return value


def merged_data(wf: BpmnWorkflow) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for task in wf.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.COMPLETED):
        data.update(task.data)
    return data


def next_timer(wf: BpmnWorkflow) -> datetime | None:
    due: list[datetime] = []
    for task in wf.get_tasks(state=TaskState.WAITING):
        defn = getattr(task.task_spec, "event_definition", None)
        if isinstance(defn, TimerEventDefinition):
            value = task._get_internal_data("event_value")
            if isinstance(value, str):
                due.append(datetime.fromisoformat(value).astimezone(UTC).replace(tzinfo=None))
            elif isinstance(value, dict) and "next" in value:
                due.append(datetime.fromisoformat(value["next"]).astimezone(UTC).replace(tzinfo=None))
    return min(due) if due else None


def mark_due_timers(wf: BpmnWorkflow, now: datetime) -> None:
    """Let the caller's clock decide which date and duration timers are due (``now``, naive UTC).

    SpiffWorkflow compares a timer with its own wall clock; ``fire_due_timers(now)`` is the
    engine's clock, so a timer due by ``now`` is marked fired before the timers are refreshed
    (this is also what lets a test move the clock instead of sleeping).
    """
    for task in wf.get_tasks(state=TaskState.WAITING):
        defn = getattr(task.task_spec, "event_definition", None)
        value = task._get_internal_data("event_value")
        due = isinstance(defn, TimerEventDefinition) and isinstance(value, str)
        if due and datetime.fromisoformat(str(value)).astimezone(UTC).replace(tzinfo=None) <= now:
            task._set_internal_data(event_fired=True)
