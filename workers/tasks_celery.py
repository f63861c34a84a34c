"""Celery tasks: heavy external-task topics and the periodic jobs.

Tasks are thin: they carry IDs only (external-task id, topic, business key, the id of the
worker holding the engine lock); the task loads the variables from the engine and everything
else from the database, through the same handler and idempotency ledger as every runner
(:func:`ezd.workers._external_run.run_committed`).

Failure policy of :func:`run_external_task`: a technical failure is retried by Celery with
exponential backoff (``RETRY_BASE_S * 2**n``, ``MAX_RETRIES`` times) while the engine lock is
kept; when retries are exhausted the engine gets a failure with 0 retries (an incident the
operator sees in the engine) and the message is rejected without requeue, so RabbitMQ
dead-letters it into ``ezd.dead``. A business error becomes a BPMN error at once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import Celery, Task
from celery.exceptions import Reject

from ezd.workers._external_heartbeat import Heartbeat
from ezd.workers._external_run import run_committed
from ezd.workers.beat import FIXITY_PERCENT
from ezd.workers.celery_app import celery_app
from ezd.workers.execute import report_to
from ezd.workers.runtime import AppFactory, WorkerApp
from ezd.workflow.operaton import EngineUnavailable, LockLost, OperatonEngine
from ezd.workflow.port import ExternalTask, TaskNotFound

log = logging.getLogger("ezd.workers.celery")

# Heavy topics: signature verification, archive packaging (NES metadata, package, locks).
HANDOFF_TOPICS = ("ezd.verify-signature", "ezd.archive-prepare", "ezd.archive")
MAX_RETRIES = 5
RETRY_BASE_S = 2.0
LOCK_MS = 120_000

_app: WorkerApp[Any] | None = None
_factory: AppFactory | None = None
_engines: dict[str, OperatonEngine] = {}
_guard = threading.Lock()


def use_app(app: WorkerApp[Any] | None) -> None:
    """Run the tasks against this app (tests, embedded in-process use); None = from the factory."""
    global _app
    with _guard:
        _app = app
        _engines.clear()


def use_app_factory(factory: AppFactory | None) -> None:
    """How a worker process builds its app on its first task (``ezd worker celery`` passes
    ``ezd.bootstrap.bootstrap`` before the pool forks, so each process builds its own)."""
    global _factory
    with _guard:
        _factory = factory


def ezd_app() -> WorkerApp[Any]:
    global _app
    with _guard:
        if _app is None:
            if _factory is None:
                raise RuntimeError("no ezd app for the Celery tasks: start them with 'ezd worker celery'")
            _app = _factory()
        return _app


def _engine(worker_id: str) -> OperatonEngine:
    """The adapter acting as ``worker_id`` (the worker that locked the task), one per worker."""
    from ezd.workers.external import remote_engine

    with _guard:
        engine = _engines.get(worker_id)
    if engine is None:
        engine = remote_engine(ezd_app()).clone(worker_id=worker_id)
        with _guard:
            _engines[worker_id] = engine
    return engine


def hand_off(task: ExternalTask, worker_id: str, *, via: Task | None = None) -> bool:
    """Queue a heavy external task (IDs only); raises if the broker does not take it.

    ``via``: the task object of another Celery app (tests bind it with :func:`register_tasks`).
    """
    (via or run_external_task).apply_async(
        kwargs={
            "task_id": task.id,
            "topic": task.topic,
            "business_key": task.business_key,
            "worker_id": worker_id,
            "process_instance_id": task.process_instance_id,
            "activity_id": task.activity_id,
            "process_key": task.process_key,
        },
        retry=True,
        retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1.0},
    )
    return True


def _run_external_task(
    self: Task,
    task_id: str,
    topic: str,
    business_key: str,
    worker_id: str,
    process_instance_id: str | None = None,
    activity_id: str = "",
    process_key: str = "",
) -> str:
    engine = _engine(worker_id)
    task = _load_task(engine, task_id, topic, business_key, process_instance_id, activity_id, process_key)
    if task is None:
        log.info("external task %s (%s, %s) is already done", task_id, topic, business_key)
        return "gone"
    if task.topic != topic:
        raise Reject(f"task {task_id} is {task.topic!r}, not {topic!r}", requeue=False)
    heartbeat = Heartbeat(engine.extend_lock, LOCK_MS, name=f"celery-{task_id}").start()
    heartbeat.track(task_id)
    try:
        outcome = run_committed(ezd_app(), engine, task)
    finally:
        heartbeat.stop()
    try:
        if outcome.kind == "failed" and outcome.held is None:  # a held step waits for a person
            retries = int(self.request.retries or 0)
            if retries < int(self.max_retries if self.max_retries is not None else MAX_RETRIES):
                countdown = _countdown(retries, float(self.app.conf.get("ezd_retry_base_s") or RETRY_BASE_S))
                engine.extend_lock(task_id, LOCK_MS + int(countdown * 1000))
                raise self.retry(countdown=countdown, exc=RuntimeError(outcome.error))
            engine.fail_external_task(task_id, outcome.error or "failed", 0, 0)
            raise Reject(f"{topic} {task_id}: {outcome.error}", requeue=False)
        report_to(engine, task, outcome)
    except (LockLost, TaskNotFound) as exc:
        log.info("external task %s: result not accepted (%s); another run reports it", task_id, exc)
        return "lock-lost"
    return outcome.kind


def _load_task(
    engine: OperatonEngine,
    task_id: str,
    topic: str,
    business_key: str,
    process_instance_id: str | None,
    activity_id: str,
    process_key: str,
) -> ExternalTask | None:
    """The task with its current process variables, or None when its process has ended.

    With the process instance id in the message this is ONE call (the variables). Whether the
    task itself is still ours is settled when the result is reported: a task completed
    meanwhile by another run refuses it, and that run's effects were recorded in the ledger
    under the same task id, so the handler did not repeat them. Older messages without the
    instance id ask the engine for the task first.
    """
    if not process_instance_id:
        return engine.external_task(task_id)
    variables = engine.process_variables(process_instance_id)
    if variables is None:
        return None
    return ExternalTask(
        id=task_id,
        topic=topic,
        activity_id=activity_id,
        process_instance_id=process_instance_id,
        process_key=process_key,
        business_key=business_key,
        variables=variables,
    )


def register_tasks(app: Celery) -> Task:
    """Bind ``ezd.run_external_task`` to ``app`` (done for :data:`celery_app` at import).

    The retry base can be set per app as ``app.conf.ezd_retry_base_s`` (default RETRY_BASE_S).
    """
    task: Task = app.task(
        name="ezd.run_external_task",
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        max_retries=MAX_RETRIES,
        autoretry_for=(EngineUnavailable,),
        retry_backoff=RETRY_BASE_S,
        retry_backoff_max=300,
    )(_run_external_task)
    return task


run_external_task = register_tasks(celery_app)


def _countdown(retries: int, base_s: float = RETRY_BASE_S) -> float:
    return base_s * 2**retries


@celery_app.task(
    name="ezd.periodic.deadline_reminders",
    acks_late=True,
    max_retries=3,
    autoretry_for=(Exception,),
    retry_backoff=True,
)
def deadline_reminders() -> dict[str, Any]:
    return ezd_app().jobs.deadline_reminders()


@celery_app.task(
    name="ezd.periodic.mail_digest",
    acks_late=True,
    max_retries=3,
    autoretry_for=(Exception,),
    retry_backoff=True,
)
def mail_digest() -> dict[str, Any]:
    return ezd_app().jobs.mail_digest()


@celery_app.task(
    name="ezd.periodic.retention_check",
    acks_late=True,
    max_retries=3,
    autoretry_for=(Exception,),
    retry_backoff=True,
)
def retention_check() -> dict[str, Any]:
    return ezd_app().jobs.retention_check()


@celery_app.task(
    name="ezd.periodic.fixity_sample",
    acks_late=True,
    max_retries=3,
    autoretry_for=(Exception,),
    retry_backoff=True,
)
def fixity_sample(percent: float = FIXITY_PERCENT) -> dict[str, Any]:
    return ezd_app().jobs.fixity_sample(percent)


@celery_app.task(name="ezd.periodic.mailbox_poll", acks_late=True)
def mailbox_poll() -> dict[str, Any]:
    # no retry here: an unreachable mailbox is tried again at the next run of the schedule, and
    # its messages wait unread on the server meanwhile
    return ezd_app().jobs.mailbox_poll()
