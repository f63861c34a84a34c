"""Engine calls made by handlers, held back until the handler's database commit.

With a remote engine the handler's database transaction and the engine are two systems. A
handler that opens a case both inserts rows and starts the case process; if the process were
started first and the worker then died before its commit, the refetched task would start a
second process for the same case. So, on the remote path, ``start`` is recorded instead of
sent, stored in the idempotency-ledger row with the handler's result
(:data:`ezd.workers.execute.AFTER_COMMIT_KEY`) and replayed after the commit by :func:`replay`,
which skips a start already made (found by the origin-task marker variable). A refetch after
a crash between commit and replay finds the ledger row and replays the same calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ezd.workflow.port import ProcessInstance, Variables, WorkflowEngine

ORIGIN_VARIABLE = "ezd_origin_task"


class DeferringEngine:
    """Proxy of a :class:`WorkflowEngine`: ``start`` is deferred, everything else passes through."""

    def __init__(self, engine: WorkflowEngine, task_id: str) -> None:
        self._engine = engine
        self._task_id = task_id
        self._deferred: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def start(
        self, process_key: str, business_key: str, variables: Variables | None = None
    ) -> ProcessInstance:
        values = {**dict(variables or {}), ORIGIN_VARIABLE: self._task_id}
        self._deferred.append(
            {"op": "start", "process_key": process_key, "business_key": business_key, "variables": values}
        )
        # The id is not known before the real start; callers in handlers do not use it.
        return ProcessInstance(id="", process_key=process_key, business_key=business_key)

    def drain_deferred(self) -> list[dict[str, Any]]:
        calls, self._deferred = self._deferred, []
        return calls


def replay(engine: WorkflowEngine, calls: Sequence[Mapping[str, Any]]) -> None:
    """Make the recorded calls; a start already made for the same origin task is skipped."""
    for call in calls:
        if call.get("op") != "start":
            raise ValueError(f"unknown deferred engine call {call.get('op')!r}")
        variables = dict(call.get("variables") or {})
        origin = variables.get(ORIGIN_VARIABLE)
        existing = engine.find_instances(str(call["business_key"]), str(call["process_key"]))
        if any(i.variables.get(ORIGIN_VARIABLE) == origin for i in existing):
            continue
        engine.start(str(call["process_key"]), str(call["business_key"]), variables)
