"""One external task against a remote engine: handler + ledger committed, then the engine told.

Shared by the external-task worker (:mod:`workers.external`) and the Celery tasks
(:mod:`workers.tasks_celery`). The order is what makes a lost completion harmless: the
handler's effects and the ledger row are COMMITTED before any REST call reports the outcome,
so if the completion is lost (worker killed, engine restarted, lock expired) the task is
fetched again, the ledger returns the recorded result and the effects happen once.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from workers._external_deferred import DeferringEngine, replay
from workers.execute import Outcome, run_handler
from workflow.port import ExternalTask, WorkflowEngine

if TYPE_CHECKING:
    from ezd.bootstrap import App

log = logging.getLogger("ezd.workers")


def run_committed(app: App, engine: WorkflowEngine, task: ExternalTask) -> Outcome:
    """Run the handler in its own transaction, commit, then make its deferred engine calls."""
    proxy = DeferringEngine(engine, task.id)
    try:
        with app.uow() as uow:
            deps = replace(app.deps(uow.session), engine=cast(WorkflowEngine, proxy))
            outcome = run_handler(deps, task)
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
