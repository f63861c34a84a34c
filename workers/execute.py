"""Running one external task: the part every runner shares.

``execute`` runs the topic's handler inside a savepoint with the idempotency ledger, and reports
the outcome to the engine: completion with variables, a BPMN error for a ``BusinessError``,
or a failure with decreasing retries and exponential backoff (an incident at zero).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ezd.services.deps import Deps
from workers.errors import BusinessError
from workers.handlers import HANDLERS
from workers.ledger import run_once
from workers.task import TaskInput
from workflow.port import ExternalTask

log = logging.getLogger("ezd.workers")

DEFAULT_RETRIES = 3
BASE_BACKOFF_MS = 2_000


@dataclass(frozen=True)
class Outcome:
    kind: str  # completed | bpmn_error | failed
    variables: dict[str, Any]
    error: str | None = None


def backoff_ms(retries_left: int, total: int = DEFAULT_RETRIES) -> int:
    return int(BASE_BACKOFF_MS * 2 ** max(0, total - retries_left - 1))


def run_handler(deps: Deps, task: ExternalTask) -> Outcome:
    """Run the handler and the ledger inside a savepoint; never raises for handler errors."""
    handler = HANDLERS.get(task.topic)
    if handler is None:
        return Outcome("failed", {}, f"no handler for topic {task.topic!r}")
    inp = TaskInput(task.id, task.topic, task.business_key, dict(task.variables))
    try:
        with deps.session.begin_nested():
            result = run_once(deps.session, task.id, task.topic, lambda: handler(inp, deps))
        return Outcome("completed", result)
    except BusinessError as exc:
        log.info("task %s (%s): business error %s: %s", task.id, task.topic, exc.code, exc.message)
        return Outcome("bpmn_error", {}, f"{exc.code}:{exc.message}")
    except Exception as exc:
        log.warning("task %s (%s) failed: %s", task.id, task.topic, exc, exc_info=True)
        return Outcome("failed", {}, f"{type(exc).__name__}: {exc}")


def report(deps: Deps, task: ExternalTask, outcome: Outcome) -> None:
    engine = deps.engine
    if outcome.kind == "completed":
        engine.complete_external_task(task.id, outcome.variables)
    elif outcome.kind == "bpmn_error":
        code, _, message = (outcome.error or "").partition(":")
        engine.bpmn_error(task.id, code, message)
    else:
        retries = (task.retries if task.retries is not None else DEFAULT_RETRIES) - 1
        engine.fail_external_task(task.id, outcome.error or "failed", max(retries, 0), backoff_ms(retries))


def execute(deps: Deps, task: ExternalTask) -> Outcome:
    outcome = run_handler(deps, task)
    report(deps, task, outcome)
    return outcome
