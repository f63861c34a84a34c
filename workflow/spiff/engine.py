"""SpiffEngine: the embedded adapter of :class:`ezd.workflow.port.WorkflowEngine`.

* Definitions are stored in ``wf_definition`` with a version per changed checksum; running
  instances keep the version they started on.
* Each instance's state is serialized (without its spec) into ``wf_instance``; open user and
  external tasks are mirrored into ``wf_task`` so task lists are plain indexed queries.
* The engine works inside the caller's SQLAlchemy session: the records change and the workflow
  step commit or roll back together.  A killed process therefore resumes from the last commit.
* Loading an instance for change takes ``SELECT ... FOR UPDATE`` (the per-instance lock on
  PostgreSQL; on SQLite the database write lock of ``BEGIN IMMEDIATE`` serialises writers) and
  bumps ``revision`` so a lost update is detected.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import ErrorEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import (
    MessageEventDefinition as BaseMessageEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ezd.db.base import utcnow
from ezd.workflow.port import (
    DeferredCall,
    DefinitionInfo,
    Deployment,
    ExternalTask,
    HistoryEntry,
    Incident,
    InstanceState,
    NoMatchingInstance,
    ProcessInstance,
    TaskNotFound,
    UserTask,
    Variables,
    WorkflowError,
)
from ezd.workflow.spiff.cache import InstanceCache, Loaded, session_loaded
from ezd.workflow.spiff.definitions import (
    SPECS,
    SpecCache,
    definition_bpmn,
    definition_infos,
    deploy_files,
    latest_version,
    task_bpmn,
)
from ezd.workflow.spiff.rows import (
    DUE_TIMERS,
    FETCH,
    INSTANCE,
    LOCK_HEAD,
    LOCK_TASKS,
    STATE,
    TASK,
    TASK_IDS,
    TASK_OWNER,
    USER_TASKS,
    Head,
    mark_due_timers,
    merged_data,
    record_history,
    save_instance,
)
from ezd.workflow.spiff.script_engine import JuelScriptEngine
from ezd.workflow.spiff.specs import ExternalServiceTask, EzdUserTask
from ezd.workflow.spiff.state import STATE_FORMAT, StateCodec
from ezd.workflow.tables import WorkflowHistory, WorkflowInstance, WorkflowTask

_SCRIPT_ENGINE = JuelScriptEngine()
_CODEC = StateCodec()


class SpiffEngine:
    def __init__(
        self,
        session: Session,
        *,
        specs: SpecCache = SPECS,
        instances: InstanceCache | None = None,
        lock_ms: int = 300_000,
    ) -> None:
        self.session = session
        self._specs = specs
        self._lock_ms = lock_ms
        # Workflows of this transaction (shared by every engine on the session) and, through
        # ``instances``, of earlier committed transactions -- see workflow.spiff.cache.
        self._shared = instances if instances is not None else InstanceCache(capacity=0)
        self._loaded = session_loaded(session, self._shared)

    # -- deployment -----------------------------------------------------------------------------
    def deploy(self, paths: Sequence[Path]) -> list[Deployment]:
        return deploy_files(self.session, paths)

    def _latest_version(self, key: str) -> int:
        return latest_version(self.session, key)

    def _spec(self, key: str, version: int) -> tuple[Any, dict[str, Any]]:
        database = self.session.get_bind().engine.url.render_as_string(hide_password=True)
        return self._specs.get(key, version, lambda: definition_bpmn(self.session, key, version), database)

    # -- instances ------------------------------------------------------------------------------
    def start(
        self, process_key: str, business_key: str, variables: Variables | None = None
    ) -> ProcessInstance:
        version = self._latest_version(process_key)
        spec, subs = self._spec(process_key, version)
        wf = BpmnWorkflow(spec, subs, script_engine=_SCRIPT_ENGINE)
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(dict(variables or {}))
        completed: list[Any] = []
        wf.do_engine_steps(did_complete_task=completed.append)
        _deliver_start_message(wf, variables)
        head = Head(str(uuid.uuid4()), process_key, version, business_key, 0, STATE_FORMAT)
        self._advance(head, wf, frozenset(), completed)
        return ProcessInstance(head.id, process_key, business_key, version)

    def _load(self, instance_id: str, *, for_change: bool) -> tuple[Head, BpmnWorkflow, frozenset[str]]:
        """Lock the row and return the workflow at its current revision.

        ``for_change``: the caller will change the workflow, so its cache entry is taken out
        until :meth:`_save` puts the new revision back (a failure in between leaves no entry).
        """
        item = self._loaded.get(instance_id)
        if item is None:  # not yet locked in this transaction
            found = self.session.execute(LOCK_HEAD, {"iid": instance_id}).first()
            if found is None:
                raise WorkflowError(f"no process instance {instance_id}")
            head = Head(*found)
            item = self._shared.take(instance_id, head.revision)
            if item is None:
                spec, subs = self._spec(head.process_key, head.version)
                state = self.session.execute(STATE, {"iid": instance_id}).scalar_one()
                wf = _CODEC.loads(state, spec, subs, head.state_format)
                wf.script_engine = _SCRIPT_ENGINE
                ids = frozenset(self.session.execute(TASK_IDS, {"iid": instance_id}).scalars())
                item = Loaded(head.revision, wf, ids)
            item.head = head
            self._loaded[instance_id] = item
        if for_change:
            self._loaded.pop(instance_id, None)
        return item.head, item.workflow, item.task_ids

    def _advance(self, head: Head, wf: BpmnWorkflow, task_ids: frozenset[str], completed: list[Any]) -> None:
        """Run the engine to the next wait states, then save state, history and task mirror."""
        wf.do_engine_steps(did_complete_task=completed.append)
        record_history(self.session, head.id, completed)
        self._save(head, wf, task_ids)

    def _save(self, head: Head, wf: BpmnWorkflow, task_ids: frozenset[str]) -> None:
        revision, ended, open_ids = save_instance(self.session, head, wf, task_ids, _CODEC)
        if not ended:  # an ended instance is not touched again
            self._loaded[head.id] = Loaded(revision, wf, open_ids, replace(head, revision=revision))

    def _task(self, task_id: str) -> WorkflowTask:
        row = self.session.get(WorkflowTask, task_id)
        if row is None:
            raise TaskNotFound(f"no open task {task_id}")
        return row

    def _load_task(
        self, task_id: str, *, for_change: bool = True
    ) -> tuple[Head, BpmnWorkflow, frozenset[str], Any]:
        instance_id = next((i for i, item in self._loaded.items() if task_id in item.task_ids), None)
        if instance_id is None:
            instance_id = self.session.execute(TASK_OWNER, {"tid": task_id}).scalar_one_or_none()
            if instance_id is None:
                raise TaskNotFound(f"no open task {task_id}")
        head, wf, ids = self._load(instance_id, for_change=for_change)
        task = wf.get_task_from_id(uuid.UUID(task_id))
        if task is None or task.state != TaskState.READY:
            raise TaskNotFound(f"task {task_id} is no longer open")
        return head, wf, ids, task

    # -- user tasks -----------------------------------------------------------------------------
    def user_tasks(
        self,
        *,
        assignee: str | None = None,
        candidate_groups: Sequence[str] | None = None,
        business_key: str | None = None,
        process_instance_id: str | None = None,
    ) -> list[UserTask]:
        q = USER_TASKS
        if assignee is not None and candidate_groups is None:
            q = q.where(TASK.c.assignee == assignee)
        if business_key is not None:
            q = q.where(INSTANCE.c.business_key == business_key)
        if process_instance_id is not None:
            q = q.where(INSTANCE.c.id == process_instance_id)
        out: list[UserTask] = []
        groups = set(candidate_groups or ())
        for t in self.session.execute(q.order_by(TASK.c.created_at)).all():
            task_groups = tuple(g.strip() for g in (t.candidate_groups or "").split(",") if g.strip())
            if candidate_groups is not None:
                mine = assignee is not None and t.assignee == assignee
                open_to_group = t.assignee is None and bool(groups.intersection(task_groups))
                if not (mine or open_to_group):
                    continue
            out.append(
                UserTask(
                    id=t.id,
                    name=t.name or t.task_key,
                    task_key=t.task_key,
                    process_instance_id=t.instance_id,
                    process_key=t.process_key,
                    business_key=t.business_key,
                    assignee=t.assignee,
                    candidate_groups=task_groups,
                )
            )
        return out

    def claim(self, task_id: str, user: str) -> None:
        trow = self._task(task_id)
        if trow.kind != "user":
            raise TaskNotFound(f"{task_id} is not a user task")
        if trow.assignee not in (None, user):
            raise WorkflowError(f"task {task_id} is already claimed by {trow.assignee}")
        trow.assignee = user
        self.session.flush()

    def complete_user_task(self, task_id: str, variables: Variables | None = None) -> None:
        head, wf, ids, task = self._load_task(task_id)
        if not isinstance(task.task_spec, EzdUserTask):
            raise TaskNotFound(f"{task_id} is not a user task")
        task.data.update(dict(variables or {}))
        task.run()
        self._advance(head, wf, ids, [task])

    def task_variables(self, task_id: str) -> dict[str, Any]:
        _head, _wf, _ids, task = self._load_task(task_id, for_change=False)
        return dict(task.data)

    # -- external tasks -------------------------------------------------------------------------
    def fetch_external_tasks(self, topics: Sequence[str], max_tasks: int = 10) -> list[ExternalTask]:
        now = utcnow()
        found = self.session.execute(
            FETCH, {"topics": list(topics), "now": now, "max_tasks": max_tasks}
        ).all()
        if not found:
            return []
        self.session.execute(
            LOCK_TASKS,
            {"ids": [t.id for t in found], "until": now + timedelta(milliseconds=self._lock_ms)},
        )
        out: list[ExternalTask] = []
        for t in found:
            _head, _wf, _ids, task = self._load_task(t.id, for_change=False)
            out.append(
                ExternalTask(
                    id=t.id,
                    topic=t.topic or "",
                    activity_id=t.task_key,
                    process_instance_id=t.instance_id,
                    process_key=t.process_key,
                    business_key=t.business_key,
                    variables=dict(task.data),
                    retries=t.retries,
                )
            )
        return out

    def complete_external_task(self, task_id: str, variables: Variables | None = None) -> None:
        head, wf, ids, task = self._load_task(task_id)
        if not isinstance(task.task_spec, ExternalServiceTask):
            raise TaskNotFound(f"{task_id} is not an external task")
        task.data.update(dict(variables or {}))
        task.run()
        self._advance(head, wf, ids, [task])

    def fail_external_task(self, task_id: str, message: str, retries: int, retry_timeout_ms: int = 0) -> None:
        trow = self._task(task_id)
        trow.retries = max(0, retries)
        trow.error = message
        trow.locked_until = utcnow() + timedelta(milliseconds=retry_timeout_ms) if retries > 0 else None
        trow.failed_at = utcnow() if retries <= 0 else None
        self.session.flush()

    def bpmn_error(
        self, task_id: str, error_code: str, message: str = "", variables: Variables | None = None
    ) -> None:
        head, wf, ids, task = self._load_task(task_id)
        payload = {**dict(variables or {}), "error_message": message}
        event = BpmnEvent(
            ErrorEventDefinition(error_code, code=error_code), payload=payload, target=task.workflow
        )
        task.data.update(payload)
        caught = task.workflow.top_workflow.event_manager.catch(event)
        if not caught:
            raise WorkflowError(
                f"BPMN error {error_code!r} has no boundary event at {task.task_spec.bpmn_id}"
            )
        self._advance(head, wf, ids, [])

    # -- messages and timers --------------------------------------------------------------------
    def correlate_message(
        self, message_name: str, business_key: str, variables: Variables | None = None
    ) -> None:
        rows = self.session.execute(
            select(WorkflowInstance.id).where(
                WorkflowInstance.business_key == business_key, WorkflowInstance.ended.is_(False)
            )
        ).scalars()
        for instance_id in list(rows):
            head, wf, ids = self._load(instance_id, for_change=False)
            waiting = [
                t
                for t in wf.get_tasks(state=TaskState.WAITING)
                if isinstance(getattr(t.task_spec, "event_definition", None), BaseMessageEventDefinition)
                and t.task_spec.event_definition.name == message_name
            ]
            if not waiting:
                continue
            self._loaded.pop(instance_id, None)  # about to change it (see _load)
            for t in waiting:
                t.data.update(dict(variables or {}))
            # SpiffWorkflow matches an event by its exact class: the camunda parser gives catch and
            # boundary events its own message definition, a receive task keeps the plain one
            for kind in {type(t.task_spec.event_definition) for t in waiting}:
                wf.catch(BpmnEvent(kind(message_name), payload=_message_payload(kind, variables)))
            for t in waiting:  # a caught boundary event took its parent's data when it became ready
                t.data.update(dict(variables or {}))
            self._advance(head, wf, ids, [])
            return
        raise NoMatchingInstance(
            f"no instance with business key {business_key!r} waits for message {message_name!r}"
        )

    def definitions(self) -> list[DefinitionInfo]:
        return definition_infos(self.session)

    def task_definition_xml(self, task_id: str) -> bytes:
        return task_bpmn(self.session, task_id)

    def retry_exhausted_tasks(self, topics: Sequence[str], business_key_prefix: str, retries: int) -> int:
        exhausted = (
            select(WorkflowTask.id)
            .join(WorkflowInstance, WorkflowInstance.id == WorkflowTask.instance_id)
            .where(
                WorkflowTask.kind == "external",
                WorkflowTask.topic.in_(list(topics)),
                WorkflowTask.retries == 0,
            )
            .where(WorkflowInstance.business_key.startswith(business_key_prefix, autoescape=True))
        )
        ids = list(self.session.execute(exhausted).scalars())
        if ids:
            self.session.execute(
                update(WorkflowTask)
                .where(WorkflowTask.id.in_(ids))
                .values(retries=retries, error=None, locked_until=None)
            )
        return len(ids)

    def incidents(self, business_key_prefix: str) -> list[Incident]:
        rows = self.session.execute(
            select(WorkflowTask, WorkflowInstance.business_key)
            .join(WorkflowInstance, WorkflowInstance.id == WorkflowTask.instance_id)
            .where(WorkflowTask.kind == "external", WorkflowTask.retries == 0)
            .where(WorkflowInstance.business_key.startswith(business_key_prefix, autoescape=True))
            .order_by(WorkflowTask.failed_at, WorkflowTask.created_at)
        ).all()
        return [
            Incident(t.id, t.topic or "", t.task_key, key or "", t.error or "", t.failed_at)
            for t, key in rows
        ]

    def retry_task(self, task_id: str, retries: int) -> None:
        trow = self._task(task_id)
        trow.retries, trow.error, trow.locked_until, trow.failed_at = retries, None, None, None
        self.session.flush()

    def fire_due_timers(self, now: datetime | None = None, limit: int = 100) -> int:
        """Advance instances whose next timer is due; returns how many were advanced."""
        now = now or utcnow()
        ids = self.session.execute(DUE_TIMERS, {"now": now, "limit": limit}).scalars()
        count = 0
        for instance_id in list(ids):
            head, wf, task_ids = self._load(instance_id, for_change=True)
            mark_due_timers(wf, now)
            wf.refresh_timers()
            self._advance(head, wf, task_ids, [])
            count += 1
        return count

    def drain_deferred(self) -> list[DeferredCall]:
        return []  # every call is a step in the caller's own transaction: nothing is held back

    # -- queries --------------------------------------------------------------------------------
    def instance(self, instance_id: str) -> InstanceState:
        row = self.session.get(WorkflowInstance, instance_id)
        if row is None:
            raise WorkflowError(f"no process instance {instance_id}")
        return self._state(row)

    def _state(self, row: WorkflowInstance) -> InstanceState:
        spec, subs = self._spec(row.process_key, row.version)
        wf = _CODEC.loads(row.state, spec, subs, row.state_format)
        active = tuple(
            t.task_spec.bpmn_id
            for t in wf.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)
            if getattr(t.task_spec, "bpmn_id", None)
        )
        incidents = tuple(
            f"{t.task_key}: {t.error}"
            for t in self.session.execute(
                select(WorkflowTask).where(WorkflowTask.instance_id == row.id, WorkflowTask.retries == 0)
            ).scalars()
        )
        data = dict(wf.last_task.data) if wf.is_completed() and wf.last_task else merged_data(wf)
        return InstanceState(row.id, row.process_key, row.business_key, row.ended, active, data, incidents)

    def find_instances(self, business_key: str, process_key: str | None = None) -> list[InstanceState]:
        q = select(WorkflowInstance).where(WorkflowInstance.business_key == business_key)
        if process_key:
            q = q.where(WorkflowInstance.process_key == process_key)
        return [
            self._state(r) for r in self.session.execute(q.order_by(WorkflowInstance.started_at)).scalars()
        ]

    def history(self, instance_id: str) -> list[HistoryEntry]:
        rows = self.session.execute(
            select(WorkflowHistory)
            .where(WorkflowHistory.instance_id == instance_id)
            .order_by(WorkflowHistory.id)
        ).scalars()
        return [HistoryEntry(r.activity_id, r.activity_type, r.name, None, r.ended_at) for r in rows]


def _deliver_start_message(wf: BpmnWorkflow, variables: Variables | None) -> None:
    """A process whose start event is a message start event is started by that message.

    Operaton starts such a process by key at its only start event (the pool of the asked office
    in ``opinion_exchange.bpmn``); SpiffWorkflow would wait at it for the message, so ``start``
    delivers it: the same step on both engines.
    """
    for t in wf.get_tasks(state=TaskState.WAITING):
        definition = getattr(t.task_spec, "event_definition", None)
        if isinstance(definition, BaseMessageEventDefinition) and isinstance(t.task_spec, StartEvent):
            t.data.update(dict(variables or {}))
            kind = type(definition)
            wf.catch(BpmnEvent(kind(definition.name), payload=_message_payload(kind, variables)))


def _message_payload(kind: type[BaseMessageEventDefinition], variables: Variables | None) -> dict[str, Any]:
    """The event payload in the shape the definition's class copies into the task data."""
    values = dict(variables or {})
    if issubclass(kind, MessageEventDefinition):  # camunda's: {payload, result_var}
        return {"payload": values, "result_var": "message_payload"}
    return values  # the plain one sets the payload's keys as task data
