"""The external-task worker against the real engine (test process of test_operaton_engine.py)
and a real PostgreSQL database (the idempotency ledger)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest

from ezd.bootstrap import App
from ezd.jobs import handlers
from ezd.workers.errors import BusinessError
from ezd.workers.external import ExternalWorker
from ezd.workflow.operaton import OperatonEngine
from ezd.workflow.port import ExternalTask, InstanceState
from tests.distributed.stack import worker_thread
from tests.distributed.test_operaton_engine import Proc, start_approved, wait_until
from tests.distributed.test_operaton_engine import proc as proc


@contextmanager
def worker(app: App, engine: OperatonEngine, topics: list[str], **options: Any) -> Iterator[ExternalWorker]:
    w = ExternalWorker(app, engine, topics=topics, long_poll_ms=1000, **options)
    with worker_thread(w):
        yield w


def _with_incident(engine: OperatonEngine, instance_id: str) -> InstanceState | None:
    state = engine.instance(instance_id)
    return state if state.incidents else None


def test_handler_exception_retries_with_backoff_then_incident(
    pg_app: App, engine: OperatonEngine, proc: Proc, business_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[float] = []

    def broken(task: Any, deps: Any) -> dict[str, Any]:
        calls.append(time.monotonic())
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(handlers.HANDLERS, proc.register, broken)
    instance_id = start_approved(engine, proc, business_key, doc={"a": 1})
    with worker(pg_app, engine, [proc.register]):
        state = wait_until(lambda: _with_incident(engine, instance_id), 40, "incident")
    assert len(calls) == 3  # DEFAULT_RETRIES attempts, then an incident
    assert calls[1] - calls[0] >= 1.8 and calls[2] - calls[1] >= 3.8  # 2 s, then 4 s backoff
    assert "disk on fire" in state.incidents[0]


def test_business_error_becomes_bpmn_error(
    pg_app: App, engine: OperatonEngine, proc: Proc, business_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(task: Any, deps: Any) -> dict[str, Any]:
        raise BusinessError("REGISTER_FAILED", "no sender")

    monkeypatch.setitem(handlers.HANDLERS, proc.register, refuse)
    instance_id = start_approved(engine, proc, business_key)
    with worker(pg_app, engine, [proc.register]):
        wait_until(lambda: "Task_Fix" in engine.instance(instance_id).active_activities, 20, "error path")


def test_failed_or_refused_handler_leaves_no_effect(
    pg_app: App, engine: OperatonEngine, proc: Proc, business_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The remote runner has no savepoint around the handler: it must not commit what a failing
    # handler wrote before it failed (or refused with a business error).
    from sqlalchemy import func, select

    from ezd.db.tables import Tenant

    def write_then(exc: Exception) -> Any:
        def handler(task: Any, deps: Any) -> dict[str, Any]:
            deps.session.add(Tenant(code=f"t-{task.task_id[:8]}", name="half-done", kind="gmina"))
            deps.session.flush()
            raise exc

        return handler

    def half_done() -> int:
        with pg_app.uow() as uow:
            return int(uow.session.scalar(select(func.count()).where(Tenant.name == "half-done")) or 0)

    monkeypatch.setitem(handlers.HANDLERS, proc.register, write_then(BusinessError("REGISTER_FAILED", "no")))
    refused = start_approved(engine, proc, business_key)
    with worker(pg_app, engine, [proc.register]):
        wait_until(lambda: "Task_Fix" in engine.instance(refused).active_activities, 20, "error path")
    monkeypatch.setitem(handlers.HANDLERS, proc.register, write_then(RuntimeError("disk on fire")))
    failed = start_approved(engine, proc, business_key + "-2")
    with worker(pg_app, engine, [proc.register]):
        wait_until(lambda: _with_incident(engine, failed), 40, "incident")
    assert half_done() == 0


def test_long_task_keeps_its_lock_and_runs_once(
    pg_app: App, engine: OperatonEngine, proc: Proc, business_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def slow(task: Any, deps: Any) -> dict[str, Any]:
        calls.append(task.task_id)
        time.sleep(4.0)  # > 2 x the 1.5 s lock: only the heartbeat keeps it
        return {"registered": True}

    monkeypatch.setitem(handlers.HANDLERS, proc.register, slow)
    instance_id = start_approved(engine, proc, business_key)
    with (
        worker(pg_app, engine, [proc.register], lock_duration_ms=1500) as w1,
        worker(pg_app, engine, [proc.register], lock_duration_ms=1500) as w2,
    ):
        wait_until(lambda: "Wait_Signed" in engine.instance(instance_id).active_activities, 30, "completion")
        assert w1.worker_id != w2.worker_id
    assert len(calls) == 1
    assert w1.stats["lock_lost"] == w2.stats["lock_lost"] == 0


def test_stop_unlocks_a_task_still_running(
    pg_app: App, engine: OperatonEngine, proc: Proc, business_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    running: list[str] = []

    def blocking(task: Any, deps: Any) -> dict[str, Any]:
        running.append(task.task_id)
        started.set()
        release.wait(30)
        return {}

    monkeypatch.setitem(handlers.HANDLERS, proc.register, blocking)
    start_approved(engine, proc, business_key)
    w = ExternalWorker(pg_app, engine, topics=[proc.register], long_poll_ms=1000, drain_timeout_s=0.5)
    try:
        with worker_thread(w):
            assert started.wait(20)
            # the handler's own task id: the worker's in-flight table may not have it yet (the
            # pool thread can start before submit() returns, seen on a busy machine)
            [task_id] = running
            assert engine.external_task_owner(task_id) == w.worker_id
        assert w.stats["unlocked"] == 1
        assert engine.external_task_owner(task_id) is None  # free for another worker at once
    finally:
        release.set()  # the handler's thread ends with it (the leak check waits for it)


def test_fetch_asks_for_free_slots_only(pg_app: App, engine: OperatonEngine) -> None:
    w = ExternalWorker(pg_app, engine, slots=3, topics=["ezd.none"], long_poll_ms=0)
    asked: list[int] = []

    def fetch(topics: Sequence[str], max_tasks: int) -> list[ExternalTask]:
        asked.append(max_tasks)
        return []

    w.client.fetch = fetch  # type: ignore[method-assign]
    w._inflight = {"a": None}  # type: ignore[dict-item]
    assert w._wait_for_free_slots() == 2
