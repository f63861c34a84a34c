"""The workflow-engine port.

Two adapters implement it: :mod:`ezd.workflow.spiff` (SpiffWorkflow in-process, the embedded
default) and :mod:`ezd.workflow.operaton` (Operaton over REST).  Both run the same files in
``bpmn/``.  Service tasks are ``camunda:type="external"`` with a ``camunda:topic``; the
engine never runs business code itself, workers fetch and complete them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

Variables = Mapping[str, Any]


@dataclass(frozen=True)
class Deployment:
    process_key: str
    version: int
    definition_id: str


@dataclass(frozen=True)
class ProcessInstance:
    id: str
    process_key: str
    business_key: str
    version: int = 1


@dataclass(frozen=True)
class UserTask:
    id: str
    name: str
    task_key: str  # BPMN element id, e.g. "Task_Approve"
    process_instance_id: str
    process_key: str
    business_key: str
    assignee: str | None
    candidate_groups: tuple[str, ...]
    variables: Mapping[str, Any] = field(default_factory=dict)
    due: datetime | None = None


@dataclass(frozen=True)
class ExternalTask:
    id: str
    topic: str
    activity_id: str
    process_instance_id: str
    process_key: str
    business_key: str
    variables: Mapping[str, Any]
    retries: int | None = None


@dataclass(frozen=True)
class InstanceState:
    id: str
    process_key: str
    business_key: str
    ended: bool
    active_activities: tuple[str, ...]
    variables: Mapping[str, Any]
    incidents: tuple[str, ...] = ()


@dataclass(frozen=True)
class HistoryEntry:
    activity_id: str
    activity_type: str
    name: str | None
    started: datetime | None
    ended: datetime | None


class WorkflowError(Exception):
    """Base of workflow errors."""


class DeploymentRejected(WorkflowError):
    """A process definition uses something outside what both engines support."""


class TaskNotFound(WorkflowError):
    pass


class NoMatchingInstance(WorkflowError):
    """A message could not be correlated to any waiting instance."""


@runtime_checkable
class WorkflowEngine(Protocol):
    def deploy(self, paths: Sequence[Path]) -> list[Deployment]: ...

    def start(
        self, process_key: str, business_key: str, variables: Variables | None = None
    ) -> ProcessInstance: ...

    def user_tasks(
        self,
        *,
        assignee: str | None = None,
        candidate_groups: Sequence[str] | None = None,
        business_key: str | None = None,
        process_instance_id: str | None = None,
    ) -> list[UserTask]: ...

    def claim(self, task_id: str, user: str) -> None: ...

    def complete_user_task(self, task_id: str, variables: Variables | None = None) -> None: ...

    def fetch_external_tasks(self, topics: Sequence[str], max_tasks: int = 10) -> list[ExternalTask]: ...

    def complete_external_task(self, task_id: str, variables: Variables | None = None) -> None: ...

    def fail_external_task(
        self, task_id: str, message: str, retries: int, retry_timeout_ms: int = 0
    ) -> None: ...

    def bpmn_error(
        self, task_id: str, error_code: str, message: str = "", variables: Variables | None = None
    ) -> None: ...

    def correlate_message(
        self, message_name: str, business_key: str, variables: Variables | None = None
    ) -> None: ...

    def instance(self, instance_id: str) -> InstanceState: ...

    def find_instances(self, business_key: str, process_key: str | None = None) -> list[InstanceState]: ...

    def history(self, instance_id: str) -> list[HistoryEntry]: ...
