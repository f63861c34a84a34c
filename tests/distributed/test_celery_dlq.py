"""The Celery retry path and dead-letter queue against the real RabbitMQ and Operaton engine.

A heavy external task whose handler always fails is handed to Celery exactly as the external
worker does it (:func:`ezd.workers.tasks_celery.hand_off`, IDs only). The Celery worker (in this
process, on the project's own queue configuration with a unique prefix) must retry it with
exponential backoff MAX_RETRIES times while it keeps the engine lock, then report a failure
with 0 retries -- an incident in the engine -- and reject the message without requeue, so
RabbitMQ dead-letters it into ``<prefix>.dead``, where we read it back with kombu.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from celery import Celery, _state
from celery.contrib.testing.worker import start_worker
from kombu import Connection, Message

from ezd.jobs import handlers
from ezd.workers import tasks_celery
from ezd.workers.celery_app import make_celery, queues
from ezd.workflow.operaton import OperatonEngine
from ezd.workflow.port import InstanceState
from tests.conftest import _ready_app, make_settings
from tests.distributed.test_operaton_engine import Proc, fetch_mine, start_approved, wait_until
from tests.distributed.test_operaton_engine import proc as proc

RETRY_BASE_S = 0.25  # the production base is 2 s; the schedule (base * 2**n) is the same


@pytest.fixture
def prefix(broker_url: str) -> Iterator[str]:
    """A queue prefix of this test only; its queues and exchanges are deleted afterwards."""
    name = f"ezd-dlq-{uuid.uuid4().hex[:8]}"
    yield name
    with Connection(broker_url, connect_timeout=5) as conn:
        channel = conn.default_channel
        for queue in queues(name):
            queue.bind(channel).delete()
            assert queue.exchange is not None
            queue.exchange.bind(channel).delete()


@pytest.fixture
def celery_app_for(
    prefix: str, tmp_path: Path, pg_url: str, engine_url: str, broker_url: str
) -> Iterator[Celery]:
    """A Celery app with the production config, its tasks running on an ezd app on PostgreSQL."""
    app = _ready_app(
        make_settings(
            tmp_path / "ezd",
            database_url=pg_url,
            engine_url=engine_url,
            engine_tenant=None,  # the session's test process is deployed without a tenant
            broker_url=broker_url,
            celery_queue_prefix=prefix,
        )
    )
    celery = make_celery(app.settings)
    celery.conf.update(worker_enable_remote_control=False, ezd_retry_base_s=RETRY_BASE_S)
    tasks_celery.register_tasks(celery)
    tasks_celery.use_app(app)
    default, current = _state.default_app, _state.get_current_app()
    try:
        yield celery
    finally:
        tasks_celery.use_app(None)
        _state.set_default_app(default)
        _state._set_current_app(current)
        app.db.dispose()


@contextmanager
def threads_worker(celery: Celery, queues: list[str]) -> Iterator[Any]:
    """Celery's test worker with a thread pool, in this process, for the block.

    Its teardown terminates the pool, which leaves the pool's executor thread idle forever
    (celery.concurrency.thread has no on_terminate): shut the executor down here.
    """
    with start_worker(
        celery,
        pool="threads",
        concurrency=1,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=20,
        queues=queues,
    ) as worker:
        try:
            yield worker
        finally:
            pool = worker.pool
    pool.executor.shutdown(wait=True, cancel_futures=True)


def _dead_letter(conn: Connection, prefix: str, timeout: float = 10.0) -> Message:
    dead = queues(prefix)[2].bind(conn.default_channel)
    deadline = time.monotonic() + timeout
    while (message := dead.get(no_ack=True)) is None:
        assert time.monotonic() < deadline, f"nothing in {prefix}.dead"
        time.sleep(0.1)
    return message


def test_failing_celery_task_is_retried_with_backoff_then_incident_and_dead_letter(
    celery_app_for: Celery,
    prefix: str,
    engine: OperatonEngine,
    proc: Proc,
    business_key: str,
    monkeypatch: pytest.MonkeyPatch,
    broker_url: str,
) -> None:
    celery = celery_app_for
    attempts: list[float] = []
    guard = threading.Lock()

    def always_fails(task: Any, deps: Any) -> dict[str, Any]:
        with guard:
            attempts.append(time.monotonic())
        raise OSError("archive volume not mounted")

    monkeypatch.setitem(handlers.HANDLERS, proc.register, always_fails)
    # The countdowns the task asks for (the real function, recorded): the schedule itself, not
    # inferred from the gaps, which a busy machine stretches by any amount.
    countdowns: list[float] = []
    real_countdown = tasks_celery._countdown

    def recorded_countdown(retries: int, base_s: float = tasks_celery.RETRY_BASE_S) -> float:
        value = real_countdown(retries, base_s)
        countdowns.append(value)
        return value

    monkeypatch.setattr(tasks_celery, "_countdown", recorded_countdown)
    instance_id = start_approved(engine, proc, business_key)
    # Lock the task as an external worker would, then hand it off with IDs only.
    worker_engine = engine.clone(worker_id=f"ezd-dlq-worker-{uuid.uuid4().hex[:8]}")
    [task] = fetch_mine(worker_engine, [proc.register], [business_key])
    heavy, _, dead = (f"{prefix}.heavy", f"{prefix}.periodic", f"{prefix}.dead")

    with threads_worker(celery, queues=[heavy, f"{prefix}.periodic"]):
        assert tasks_celery.hand_off(task, worker_engine.worker_id, via=celery.tasks["ezd.run_external_task"])

        def incident() -> InstanceState | None:
            current = engine.instance(instance_id)
            return current if current.incidents else None

        state = wait_until(incident, 45, "the engine incident")
        with Connection(broker_url, connect_timeout=5) as conn:
            message = _dead_letter(conn, prefix)
            # nothing left for another delivery: the message was rejected, not requeued
            _, ready, _ = conn.default_channel.queue_declare(heavy, passive=True)
            assert ready == 0

    # 1 run + MAX_RETRIES retries, asked for base * 2**n later and not run earlier than that
    assert len(attempts) == tasks_celery.MAX_RETRIES + 1
    assert countdowns == [RETRY_BASE_S * 2**n for n in range(tasks_celery.MAX_RETRIES)]
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    for n, gap in enumerate(gaps):
        assert gap >= RETRY_BASE_S * 2**n * 0.9, gaps

    # the engine: the external task has an incident with the handler's error, no retries left
    assert any("archive volume not mounted" in i for i in state.incidents), state.incidents
    left = engine.external_task(task.id)
    assert left is not None and left.retries == 0
    assert "Task_Register" in state.active_activities

    # the dead-letter queue holds the final delivery of that very task
    assert message.headers["task"] == "ezd.run_external_task"
    assert message.headers["retries"] == tasks_celery.MAX_RETRIES
    _args, kwargs, _embed = message.decode()
    assert kwargs["task_id"] == task.id and kwargs["worker_id"] == worker_engine.worker_id
    [death] = message.headers["x-death"]
    assert death["reason"] == "rejected" and death["queue"] == heavy
    assert message.delivery_info["routing_key"] == dead
