"""The workflow-engine port.

Two adapters implement it: :mod:`ezd.workflow.spiff` (SpiffWorkflow in-process, the embedded
default) and :mod:`ezd.workflow.operaton` (Operaton over REST).  Both run the same files in
``bpmn/``.  Service tasks are ``camunda:type="external"`` with a ``camunda:topic``; the
engine never runs business code itself, workers fetch and complete them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ezd.records.errors import EzdError

Variables = Mapping[str, Any]
# An engine call an adapter held back for its caller to make after the database commit
# (see :meth:`WorkflowEngine.drain_deferred`); JSON-serialisable, so it can be stored.
DeferredCall = dict[str, Any]


@dataclass(frozen=True)
class Deployment:
    process_key: str
    version: int
    definition_id: str


@dataclass(frozen=True)
class DefinitionInfo:
    """A deployed process version and how many of its instances are still running."""

    process_key: str
    version: int
    definition_id: str
    running: int


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
class Incident:
    """An external task that ran out of retries: the process waits on it until it is retried."""

    task_id: str
    topic: str
    activity_id: str
    business_key: str
    message: str
    at: datetime | None  # when the last retry failed (UTC), if the engine knows


@dataclass(frozen=True)
class HistoryEntry:
    activity_id: str
    activity_type: str
    name: str | None
    started: datetime | None
    ended: datetime | None


class WorkflowError(EzdError):
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

    def definitions(self) -> list[DefinitionInfo]:
        """Every deployed version of every process, oldest first per key."""
        ...

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
    ) -> list[UserTask]:
        """Open user tasks.  ``assignee`` with ``candidate_groups``: the assignee's own tasks *or*
        the groups' unclaimed ones (the same on every engine: tests/conformance)."""
        ...

    def task_definition_xml(self, task_id: str) -> bytes:
        """The BPMN of the process version a user task belongs to (for its form fields)."""
        ...

    def claim(self, task_id: str, user: str) -> None: ...

    def complete_user_task(self, task_id: str, variables: Variables | None = None) -> None: ...

    def fetch_external_tasks(self, topics: Sequence[str], max_tasks: int = 10) -> list[ExternalTask]: ...

    def complete_external_task(self, task_id: str, variables: Variables | None = None) -> None: ...

    def fail_external_task(
        self, task_id: str, message: str, retries: int, retry_timeout_ms: int = 0
    ) -> None: ...

    def retry_exhausted_tasks(self, topics: Sequence[str], business_key_prefix: str, retries: int) -> int:
        """Give external tasks of ``topics`` that ran out of retries (incidents), in instances whose
        business key starts with ``business_key_prefix``, ``retries`` again; returns how many."""
        ...

    def incidents(self, business_key_prefix: str) -> list[Incident]:
        """External tasks without retries left in instances whose business key starts with
        ``business_key_prefix`` (an office's: ``"<office>/"``), oldest first."""
        ...

    def retry_task(self, task_id: str, retries: int) -> None:
        """Give one external task ``retries`` again (a worker fetches it next); TaskNotFound if
        it no longer exists."""
        ...

    def bpmn_error(
        self, task_id: str, error_code: str, message: str = "", variables: Variables | None = None
    ) -> None: ...

    def correlate_message(
        self, message_name: str, business_key: str, variables: Variables | None = None
    ) -> None: ...

    def instance(self, instance_id: str) -> InstanceState: ...

    def find_instances(self, business_key: str, process_key: str | None = None) -> list[InstanceState]: ...

    def history(self, instance_id: str) -> list[HistoryEntry]: ...

    def fire_due_timers(self, now: datetime | None = None, limit: int = 100) -> int:
        """Advance instances whose timers are due; how many were advanced.

        The embedded engine has no clock of its own, so its runners call this; an engine
        server fires its own timers (its job executor) and answers 0.
        """
        ...

    def drain_deferred(self) -> list[DeferredCall]:
        """Take the calls this adapter held back for the caller to make after its commit.

        Only the worker-side deferring engine holds any back (:mod:`ezd.workers._external_deferred`);
        every other adapter sends or records its calls itself and answers ``[]``.
        """
        ...


class CommitHooks(Protocol):
    """What an adapter may ask of the unit of work it runs in (``ezd.db.uow.UnitOfWork``).

    The outbox (:mod:`ezd.workflow.outbox`) writes a held-back claim just before the commit and
    sends its commands right after it; the hooks of a transaction that rolls back never run.
    """

    def before_commit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` inside the transaction, just before it commits (it may write rows)."""
        ...

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the transaction has committed (a failure is logged, the commit stands)."""
        ...

    def pending_after_commit(self) -> Sequence[Callable[[], None]]:
        """The after-commit callables registered so far in this transaction."""
        ...
