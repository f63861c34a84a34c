"""Engine calls made by handlers, held back until the handler's database commit.

With a remote engine the handler's database transaction and the engine are two systems. A
handler that opens a case both inserts rows and starts the case process; if the process were
started first and the worker then died before its commit, the refetched task would start a
second process for the same case. So, on the remote path, ``start`` is recorded instead of
sent, stored in the idempotency-ledger row with the handler's result
(:data:`ezd.workers.execute.AFTER_COMMIT_KEY`) and replayed after the commit by :func:`replay`,
which skips a start already made (found by the origin-task marker variable). A refetch after
a crash between commit and replay finds the ledger row and replays the same calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

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
    UserTask,
    Variables,
    WorkflowEngine,
)

ORIGIN_VARIABLE = "ezd_origin_task"


class DeferringEngine:
    """A :class:`WorkflowEngine` in front of another: ``start`` and ``correlate_message`` are deferred."""

    def __init__(self, engine: WorkflowEngine, task_id: str) -> None:
        self._engine = engine
        self._task_id = task_id
        self._deferred: list[DeferredCall] = []

    def start(
        self, process_key: str, business_key: str, variables: Variables | None = None
    ) -> ProcessInstance:
        values = {**dict(variables or {}), ORIGIN_VARIABLE: self._task_id}
        self._deferred.append(
            {"op": "start", "process_key": process_key, "business_key": business_key, "variables": values}
        )
        # The id is not known before the real start; callers in handlers do not use it.
        return ProcessInstance(id="", process_key=process_key, business_key=business_key)

    def correlate_message(
        self, message_name: str, business_key: str, variables: Variables | None = None
    ) -> None:
        # Held back like start: a message to another process (the asked office's answer to the
        # asking office's case) must not arrive before the records it refers to are committed.
        self._deferred.append(
            {
                "op": "correlate",
                "message": message_name,
                "business_key": business_key,
                "variables": dict(variables or {}),
            }
        )

    def drain_deferred(self) -> list[DeferredCall]:
        calls, self._deferred = self._deferred, []
        return calls

    # -- passed through as they are -------------------------------------------------------------
    def deploy(self, paths: Sequence[Path]) -> list[Deployment]:
        return self._engine.deploy(paths)

    def definitions(self) -> list[DefinitionInfo]:
        return self._engine.definitions()

    def task_definition_xml(self, task_id: str) -> bytes:
        return self._engine.task_definition_xml(task_id)

    def retry_exhausted_tasks(self, topics: Sequence[str], business_key_prefix: str, retries: int) -> int:
        # not a step's change of a process: asked after the seal import has committed
        return self._engine.retry_exhausted_tasks(topics, business_key_prefix, retries)

    def incidents(self, business_key_prefix: str) -> list[Incident]:
        return self._engine.incidents(business_key_prefix)

    def retry_task(self, task_id: str, retries: int) -> None:
        # a person's retry, not a step's change of a process: no outbox entry needed
        self._engine.retry_task(task_id, retries)

    def user_tasks(
        self,
        *,
        assignee: str | None = None,
        candidate_groups: Sequence[str] | None = None,
        business_key: str | None = None,
        process_instance_id: str | None = None,
    ) -> list[UserTask]:
        return self._engine.user_tasks(
            assignee=assignee,
            candidate_groups=candidate_groups,
            business_key=business_key,
            process_instance_id=process_instance_id,
        )

    def claim(self, task_id: str, user: str) -> None:
        self._engine.claim(task_id, user)

    def complete_user_task(self, task_id: str, variables: Variables | None = None) -> None:
        self._engine.complete_user_task(task_id, variables)

    def fetch_external_tasks(self, topics: Sequence[str], max_tasks: int = 10) -> list[ExternalTask]:
        return self._engine.fetch_external_tasks(topics, max_tasks)

    def complete_external_task(self, task_id: str, variables: Variables | None = None) -> None:
        self._engine.complete_external_task(task_id, variables)

    def fail_external_task(self, task_id: str, message: str, retries: int, retry_timeout_ms: int = 0) -> None:
        self._engine.fail_external_task(task_id, message, retries, retry_timeout_ms)

    def bpmn_error(
        self, task_id: str, error_code: str, message: str = "", variables: Variables | None = None
    ) -> None:
        self._engine.bpmn_error(task_id, error_code, message, variables)

    def instance(self, instance_id: str) -> InstanceState:
        return self._engine.instance(instance_id)

    def find_instances(self, business_key: str, process_key: str | None = None) -> list[InstanceState]:
        return self._engine.find_instances(business_key, process_key)

    def history(self, instance_id: str) -> list[HistoryEntry]:
        return self._engine.history(instance_id)

    def fire_due_timers(self, now: datetime | None = None, limit: int = 100) -> int:
        return self._engine.fire_due_timers(now, limit)


def replay(engine: WorkflowEngine, calls: Sequence[Mapping[str, Any]]) -> None:
    """Make the recorded calls; a start already made for the same origin task is skipped."""
    for call in calls:
        if call.get("op") == "correlate":
            try:
                engine.correlate_message(
                    str(call["message"]), str(call["business_key"]), dict(call.get("variables") or {})
                )
            except NoMatchingInstance:
                continue  # replayed after a crash: the first attempt was delivered
            continue
        if call.get("op") != "start":
            raise ValueError(f"unknown deferred engine call {call.get('op')!r}")
        variables = dict(call.get("variables") or {})
        origin = variables.get(ORIGIN_VARIABLE)
        existing = engine.find_instances(str(call["business_key"]), str(call["process_key"]))
        if any(i.variables.get(ORIGIN_VARIABLE) == origin for i in existing):
            continue
        engine.start(str(call["process_key"]), str(call["business_key"]), variables)
