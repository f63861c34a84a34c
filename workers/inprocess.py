"""In-process runner for the embedded default: no broker, no engine server.

Each task runs in its own transaction, together with the engine step that completes it, so a
crash leaves either both or neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from workers.execute import execute
from workers.handlers import HANDLERS

if TYPE_CHECKING:
    from ezd.bootstrap import App


def run_pending(app: App, *, topics: Sequence[str] | None = None, limit: int = 10_000) -> int:
    """Run ready external tasks (and due timers) until none is left; return how many ran."""
    topics = list(topics or HANDLERS)
    ran = 0
    while ran < limit:
        with app.uow() as uow:
            deps = app.deps(uow.session)
            fire = getattr(deps.engine, "fire_due_timers", None)
            fired = fire() if fire else 0
            tasks = deps.engine.fetch_external_tasks(topics, 1)
            if not tasks:
                if fired:
                    uow.commit()
                    continue
                return ran
            execute(deps, tasks[0])
            uow.commit()
        ran += 1
    return ran
