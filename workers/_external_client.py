"""The external-task client library, on ezd's transport.

We build on ``camunda-external-task-client-python3`` (import name ``camunda``) for what it does
well -- its task/result data model (:class:`camunda.external_task.external_task.ExternalTask`,
:class:`~camunda.external_task.external_task.TaskResult`) and its result dispatcher
(:class:`~camunda.external_task.external_task_executor.ExternalTaskExecutor`, which turns a
result into complete / failure / bpmnError calls) -- and replace its HTTP layer: the library
calls module-level ``requests.post`` (a new connection per call, no keep-alive), sends dicts
and lists untyped, has no extendLock/unlock and maps engine errors to bare ``Exception``.
:class:`EngineTaskClient` keeps the library's client interface but sends everything through
:class:`ezd.workflow.operaton.OperatonEngine` (one pooled ``requests.Session``, HTTP basic auth,
typed variables with Json for dict/list, errors mapped to ``LockLost`` / ``TaskNotFound`` /
``EngineUnavailable``). Its own loop (``ExternalTaskWorker``) is not used: it swallows handler
exceptions, sleeps 300 s after any error, fetches per topic and cannot stop (see
:mod:`ezd.workers.external`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from camunda.client.external_task_client import ExternalTaskClient
from camunda.external_task.external_task import (
    ExternalTask as LibraryTask,
)
from camunda.external_task.external_task import TaskResult
from camunda.external_task.external_task_executor import (
    ExternalTaskExecutor,
)

from ezd.workflow.operaton import OperatonEngine
from ezd.workflow.port import ExternalTask


class EngineTaskClient(ExternalTaskClient):
    """The library's client interface over one shared, pooled :class:`OperatonEngine`."""

    def __init__(
        self,
        engine: OperatonEngine,
        *,
        lock_duration_ms: int,
        long_poll_ms: int,
        topic_lock_ms: Mapping[str, int] | None = None,
    ) -> None:
        self.topic_lock_ms = dict(topic_lock_ms or {})
        super().__init__(
            engine.worker_id,
            engine.base_url,
            {"lockDuration": lock_duration_ms, "asyncResponseTimeout": long_poll_ms, "usePriority": True},
        )
        self.engine = engine

    def fetch(self, topics: Sequence[str], max_tasks: int) -> list[ExternalTask]:
        """ONE long-polling fetchAndLock for all ``topics``, at most ``max_tasks`` (free slots)."""
        return self.engine.fetch_external_tasks(
            topics,
            max_tasks,
            lock_duration_ms=int(self.config["lockDuration"]),
            async_response_timeout_ms=int(self.config["asyncResponseTimeout"]),
            topic_lock_ms=self.topic_lock_ms,
        )

    # -- the interface ExternalTaskExecutor calls; True means "done" to the library
    def complete(
        self,
        task_id: str,
        global_variables: Mapping[str, Any] | None,
        local_variables: Mapping[str, Any] | None = None,
    ) -> bool:
        self.engine.complete_external_task(task_id, dict(global_variables or {}))
        return True

    def failure(
        self, task_id: str, error_message: str, error_details: Any, retries: int, retry_timeout: int
    ) -> bool:
        details = error_details if isinstance(error_details, str) and error_details else None
        self.engine.fail_external_task(task_id, error_message, retries, retry_timeout, details=details)
        return True

    def bpmn_failure(
        self, task_id: str, error_code: str, error_message: str, variables: Mapping[str, Any] | None = None
    ) -> bool:
        self.engine.bpmn_error(task_id, error_code, error_message or "", dict(variables or {}))
        return True

    # -- what the library lacks
    def extend_lock(self, task_id: str, new_duration_ms: int) -> None:
        self.engine.extend_lock(task_id, new_duration_ms)

    def unlock(self, task_id: str) -> None:
        self.engine.unlock(task_id)


def library_task(task: ExternalTask, worker_id: str) -> LibraryTask:
    """The library's task object for a fetched task (variables already typed by the adapter)."""
    return LibraryTask(
        {
            "id": task.id,
            "topicName": task.topic,
            "workerId": worker_id,
            "activityId": task.activity_id,
            "processInstanceId": task.process_instance_id,
            "businessKey": task.business_key,
            "retries": task.retries,
            "variables": {name: {"value": value} for name, value in task.variables.items()},
        }
    )


__all__ = ["EngineTaskClient", "ExternalTaskExecutor", "LibraryTask", "TaskResult", "library_task"]
