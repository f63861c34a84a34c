"""Running one external task: the part every runner shares.

``execute`` runs the topic's handler inside a savepoint with the idempotency ledger, and reports
the outcome to the engine: completion with variables, a BPMN error for a ``BusinessError``,
or a failure with decreasing retries and exponential backoff (an incident at zero).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from ezd.records.errors import InvalidState, NotFound
from ezd.workers.errors import BusinessError, StepHeld
from ezd.workers.ledger import run_once
from ezd.workers.runtime import D, Handler
from ezd.workers.task import TaskInput
from ezd.workflow.port import ExternalTask, Variables

log = logging.getLogger("ezd.workers")

DEFAULT_RETRIES = 3
BASE_BACKOFF_MS = 2_000
# Key under which engine calls a handler made through a deferring engine (see
# workers._external_deferred) are kept in the ledger row, so they can be replayed after a crash.
AFTER_COMMIT_KEY = "__after_commit__"


class Reporter(Protocol):
    """The part of the engine port that receives a task's outcome."""

    def complete_external_task(self, task_id: str, variables: Variables | None = None) -> None: ...

    def fail_external_task(
        self, task_id: str, message: str, retries: int, retry_timeout_ms: int = 0
    ) -> None: ...

    def bpmn_error(
        self, task_id: str, error_code: str, message: str = "", variables: Variables | None = None
    ) -> None: ...


@dataclass(frozen=True)
class Outcome:
    kind: str  # completed | bpmn_error | failed
    variables: dict[str, Any]
    error: str | None = None
    # engine calls to make after the database commit (remote engine only; see AFTER_COMMIT_KEY)
    after_commit: tuple[dict[str, Any], ...] = ()
    # failed because a record was missing or in another state: on the remote engine this is
    # also what a handler sees when the step that created its task has not committed yet
    state_mismatch: bool = False
    # the step is held for a person (errors.StepHeld): write this note, then stop with no retries
    held: Callable[[Session], None] | None = None


def backoff_ms(retries_left: int, total: int = DEFAULT_RETRIES) -> int:
    return int(BASE_BACKOFF_MS * 2 ** max(0, total - retries_left - 1))


def run_handler(
    deps: D, task: ExternalTask, handlers: Mapping[str, Handler[D]], *, savepoint: bool = True
) -> Outcome:
    """Run the handler and the ledger inside a savepoint; never raises for handler errors.

    ``savepoint=False`` is for a caller whose transaction holds this task alone and which
    commits only a "completed" outcome (the remote engine's runners): there the savepoint
    would only cost two round trips. The in-process runner needs it, because the embedded
    engine records the failure in the same transaction that must drop the handler's effects.
    """
    handler = handlers.get(task.topic)
    if handler is None:
        return Outcome("failed", {}, f"no handler for topic {task.topic!r}")
    inp = TaskInput(task.id, task.topic, task.business_key, dict(task.variables))

    def effect() -> dict[str, Any]:
        result = dict(handler(inp, deps))
        deferred = deps.engine.drain_deferred()
        return {**result, AFTER_COMMIT_KEY: deferred} if deferred else result

    try:
        with deps.session.begin_nested() if savepoint else contextlib.nullcontext():
            result = dict(run_once(deps.session, task.id, task.topic, effect))
        deferred = result.pop(AFTER_COMMIT_KEY, None) or []
        return Outcome("completed", result, after_commit=tuple(deferred))
    except BusinessError as exc:
        log.info("task %s (%s): business error %s: %s", task.id, task.topic, exc.code, exc.message)
        return Outcome("bpmn_error", {}, f"{exc.code}:{exc.message}")
    except StepHeld as exc:
        log.warning("task %s (%s) held: %s", task.id, task.topic, exc.message)
        return Outcome("failed", {}, exc.message, held=exc.note)
    except (NotFound, InvalidState) as exc:
        log.info("task %s (%s): %s: %s", task.id, task.topic, type(exc).__name__, exc)
        return Outcome("failed", {}, f"{type(exc).__name__}: {exc}", state_mismatch=True)
    except Exception as exc:
        log.warning("task %s (%s) failed: %s", task.id, task.topic, exc, exc_info=True)
        return Outcome("failed", {}, f"{type(exc).__name__}: {exc}")


def failure_retries(task: ExternalTask) -> int:
    """Retries left after this failure: DEFAULT_RETRIES - 1 on the first, then one less each time."""
    return max((task.retries if task.retries is not None else DEFAULT_RETRIES) - 1, 0)


def report_to(engine: Reporter, task: ExternalTask, outcome: Outcome) -> None:
    if outcome.kind == "completed":
        engine.complete_external_task(task.id, outcome.variables)
    elif outcome.kind == "bpmn_error":
        code, _, message = (outcome.error or "").partition(":")
        engine.bpmn_error(task.id, code, message)
    elif outcome.held is not None:
        # retrying cannot help until a person acts; 'ezd seal import' gives the retries back
        engine.fail_external_task(task.id, outcome.error or "held", 0, 0)
    else:
        retries = failure_retries(task)
        engine.fail_external_task(task.id, outcome.error or "failed", retries, backoff_ms(retries))


def execute(deps: D, task: ExternalTask, handlers: Mapping[str, Handler[D]]) -> Outcome:
    outcome = run_handler(deps, task, handlers)
    if outcome.held is not None:
        outcome.held(deps.session)  # outside the rolled-back savepoint: committed with the failure
    report_to(deps.engine, task, outcome)
    return outcome
