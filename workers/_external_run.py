"""One external task against a remote engine: handler + ledger committed, then the engine told.

Shared by the external-task worker (:mod:`ezd.workers.external`) and the Celery tasks
(:mod:`ezd.workers.tasks_celery`). The order is what makes a lost completion harmless: the
handler's effects and the ledger row are COMMITTED before any REST call reports the outcome,
so if the completion is lost (worker killed, engine restarted, lock expired) the task is
fetched again, the ledger returns the recorded result and the effects happen once.
"""

from __future__ import annotations

import logging
import time

from ezd.workers._external_deferred import DeferringEngine, replay
from ezd.workers.execute import Outcome, run_handler
from ezd.workers.runtime import D, WorkerApp
from ezd.workflow.port import ExternalTask, WorkflowEngine

log = logging.getLogger("ezd.workers")


# Pauses before running a task again whose records are not (yet) as expected; see run_committed.
SETTLE_S = (0.05, 0.1, 0.2)


def run_committed(app: WorkerApp[D], engine: WorkflowEngine, task: ExternalTask) -> Outcome:
    """Run the handler in its own transaction, commit, then make its deferred engine calls.

    A person's step tells the engine only after its own transaction has committed (the
    outbox, :mod:`ezd.workflow.outbox`), so a task normally finds the records it needs. Something
    that drives the engine directly (a script over REST, a process started by hand in the
    cockpit) can still be a moment ahead of the database: on a task's first delivery a
    "not found" / "not in that state" failure is therefore retried here a few times within
    ~0.35 s before it is reported; a real mismatch then takes the normal failure path.
    Only a completed handler is committed; any other outcome rolls its effects back.
    """
    outcome = _run(app, engine, task)
    if task.retries is None:  # first delivery: the engine has never seen it fail
        for pause in SETTLE_S:
            if not outcome.state_mismatch:
                break
            time.sleep(pause)
            outcome = _run(app, engine, task)
    return outcome


def _run(app: WorkerApp[D], engine: WorkflowEngine, task: ExternalTask) -> Outcome:
    proxy = DeferringEngine(engine, task.id)
    try:
        with app.uow() as uow:
            deps = app.deps(uow.session, engine=proxy)
            outcome = run_handler(deps, task, app.handlers, savepoint=False)
            if outcome.kind == "completed":  # anything else: the unit of work rolls back
                uow.commit()
            elif outcome.held is not None:
                # only the note of a held step is kept: it tells the case why the step stopped
                uow.rollback()  # drops the step's effects and its commit hooks (engine calls)
                outcome.held(uow.session)
                uow.commit()
    except Exception as exc:
        log.warning("task %s (%s): transaction failed: %s", task.id, task.topic, exc)
        return Outcome("failed", {}, f"{type(exc).__name__}: {exc}")
    if outcome.after_commit:
        try:
            replay(engine, outcome.after_commit)
        except Exception as exc:
            log.warning("task %s (%s): engine calls after commit failed: %s", task.id, task.topic, exc)
            return Outcome("failed", {}, f"{type(exc).__name__}: {exc}")
    return outcome
