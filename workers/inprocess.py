"""In-process runner for the embedded default: no broker, no engine server.

Tasks run in batches inside one transaction: each task's handler runs in its own savepoint and
its completion is an engine step in the same transaction, so a crash leaves either all of a
batch or none of it -- and because handlers are idempotent through the ledger, a batch that is
lost is simply run again.  Batches are short (``batch`` tasks) so the SQLite write lock is not
held for long while people work.
"""

from __future__ import annotations

from collections.abc import Sequence

from ezd.workers.execute import execute
from ezd.workers.runtime import D, WorkerApp


def run_pending(
    app: WorkerApp[D], *, topics: Sequence[str] | None = None, limit: int = 10_000, batch: int = 20
) -> int:
    """Run ready external tasks (and due timers) until none is left; return how many ran."""
    topics = list(topics or app.handlers)
    ran = 0
    while ran < limit:
        with app.uow() as uow:
            deps = app.deps(uow.session)
            fired = deps.engine.fire_due_timers()
            in_batch = 0
            while in_batch < batch and ran < limit:
                tasks = deps.engine.fetch_external_tasks(topics, 1)
                if not tasks:
                    break
                execute(deps, tasks[0], app.handlers)
                in_batch += 1
                ran += 1
            if in_batch or fired:
                uow.commit()
            if in_batch < batch and not fired:
                return ran
    return ran
