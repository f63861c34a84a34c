"""What the runners need from the application, as protocols (the app itself is built by
:mod:`ezd.bootstrap`, which ``ezd.workers`` never imports).

A runner is given a :class:`WorkerApp`: units of work, the per-transaction dependencies its
handlers receive (anything with a session and an engine, :class:`TaskDeps`), the handlers by
topic and the periodic jobs. The handlers and jobs are written on the services
(:mod:`ezd.jobs`); the runners only fetch, run, record and report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from ezd.config import Settings
from ezd.db.uow import UnitOfWork
from ezd.workers.task import TaskInput
from ezd.workflow.port import WorkflowEngine


class TaskDeps(Protocol):
    """What the runner itself uses of a handler's dependencies."""

    @property
    def session(self) -> Session: ...

    @property
    def engine(self) -> WorkflowEngine: ...


D = TypeVar("D", bound=TaskDeps)

# handler(task, deps) -> the process variables it sets
Handler = Callable[[TaskInput, D], Mapping[str, Any]]


class PeriodicJobs(Protocol):
    def deadline_reminders(self, as_of: date | None = None) -> dict[str, Any]: ...

    def mail_digest(self) -> dict[str, Any]: ...

    def retention_check(self, as_of: date | None = None) -> dict[str, Any]: ...

    def fixity_sample(self, percent: float = ..., seed: int | None = None) -> dict[str, Any]: ...

    def mailbox_poll(self) -> dict[str, Any]: ...


class WorkerApp(Protocol[D]):
    @property
    def settings(self) -> Settings: ...

    @property
    def sessions(self) -> sessionmaker[Session]: ...

    @property
    def handlers(self) -> Mapping[str, Handler[D]]: ...

    @property
    def jobs(self) -> PeriodicJobs: ...

    def uow(self) -> UnitOfWork: ...

    def deps(self, session: Session, engine: WorkflowEngine | None = None) -> D:
        """The handlers' dependencies in ``session``'s transaction (``engine``: instead of the app's)."""
        ...


# the factory a runner calls when it was started without an app (a Celery worker process)
AppFactory = Callable[[], WorkerApp[Any]]
