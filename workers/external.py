"""External-task worker for the Operaton engine: ``ezd worker external``.

* ONE long-polling ``fetchAndLock`` serves all topics, asking for as many tasks as there are
  free slots (a pool of N threads); nothing is fetched while all slots are busy.
* Each task runs its handler and the idempotency ledger in one database transaction that is
  committed BEFORE the engine is told (:mod:`ezd.workers._external_run`); a handler exception
  becomes a failure with decreasing retries and exponential backoff (an incident at 0), a
  :class:`ezd.workers.errors.BusinessError` a BPMN error.
* A heartbeat thread extends the locks of running tasks (:mod:`ezd.workers._external_heartbeat`).
* :meth:`ExternalWorker.stop` (SIGTERM/SIGINT) stops fetching, waits up to ``drain_timeout_s``
  for running tasks and unlocks those still running, and any fetched after the stop, so
  another worker takes them at once.
* Worker ids are unique (host, pid, random suffix).
* Every ``outbox_sweep_s`` the worker also sends engine commands that people's steps committed
  but could not deliver (engine down, process died before its relay; see workflow/outbox.py).
* Topics in ``handoff_topics`` (heavy work: signature verification, archive packaging) are
  handed to Celery with IDs only when a ``handoff`` function is given
  (:func:`ezd.workers.tasks_celery.hand_off`); if the broker cannot take them they run here.

The HTTP side and the task/result model come from camunda-external-task-client-python3, see
:mod:`ezd.workers._external_client` for what is reused and why.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ezd.workers._external_client import EngineTaskClient, ExternalTaskExecutor, TaskResult, library_task
from ezd.workers._external_heartbeat import Heartbeat
from ezd.workers._external_run import run_committed
from ezd.workers.execute import Outcome, backoff_ms, failure_retries
from ezd.workers.runtime import WorkerApp
from ezd.workflow.operaton import EngineUnavailable, LockLost, OperatonEngine
from ezd.workflow.port import ExternalTask, TaskNotFound, WorkflowError

log = logging.getLogger("ezd.workers.external")

# Pause between the count queries of wait_idle (see there).
IDLE_POLL_S = 0.01

# (task, worker id) -> True when a Celery worker took the task
HandOff = Callable[[ExternalTask, str], bool]


def new_worker_id(prefix: str = "ezd-worker") -> str:
    return f"{prefix}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class ExternalWorker:
    def __init__(
        self,
        app: WorkerApp[Any],
        engine: OperatonEngine,
        *,
        slots: int = 4,
        topics: Sequence[str] | None = None,
        lock_duration_ms: int = 60_000,
        long_poll_ms: int = 10_000,
        drain_timeout_s: float = 30.0,
        handoff: HandOff | None = None,
        handoff_topics: Collection[str] = (),
        handoff_lock_ms: int = 600_000,
        worker_id: str | None = None,
        outbox_sweep_s: float = 5.0,
    ) -> None:
        if slots < 1:
            raise ValueError("a worker needs at least one slot")
        self.app = app
        self.slots = slots
        self.topics = list(topics or app.handlers)
        self.drain_timeout_s = drain_timeout_s
        self.worker_id = worker_id or new_worker_id()
        # Two pools: the long poll holds one connection for up to long_poll_ms; completions,
        # failures and lock extensions from the task threads must not queue behind it.
        self._poller = engine.clone(worker_id=self.worker_id)
        self._reporter = engine.clone(worker_id=self.worker_id)
        self.handoff = handoff
        self.handoff_topics = frozenset(handoff_topics) if handoff is not None else frozenset()
        self.handoff_lock_ms = handoff_lock_ms
        # Topics handed to Celery are locked for the hand-off duration right in the fetch: the
        # message may wait in the queue, and no extendLock call is needed before publishing.
        self.client = EngineTaskClient(
            self._poller,
            lock_duration_ms=lock_duration_ms,
            long_poll_ms=long_poll_ms,
            topic_lock_ms=dict.fromkeys(self.handoff_topics, handoff_lock_ms),
        )
        results = EngineTaskClient(
            self._reporter, lock_duration_ms=lock_duration_ms, long_poll_ms=long_poll_ms
        )
        self._results = results
        self._executor = ExternalTaskExecutor(self.worker_id, results)
        self.heartbeat = Heartbeat(results.extend_lock, lock_duration_ms, name=f"{self.worker_id}-heartbeat")
        self._pool = ThreadPoolExecutor(slots, thread_name_prefix="ezd-task")
        self._inflight: dict[str, Future[None]] = {}
        self._slot_freed = threading.Condition()
        self._stopping = threading.Event()
        self.stats: Counter[str] = Counter()
        self._stats_guard = threading.Lock()
        self.outbox_sweep_s = outbox_sweep_s
        self._sweeper = threading.Thread(
            target=self._sweep_outbox, name=f"{self.worker_id}-outbox", daemon=True
        )

    # ------------------------------------------------------------------ control
    def stop(self) -> None:
        """Stop fetching; :meth:`run` then drains and returns."""
        self._stopping.set()
        with self._slot_freed:
            self._slot_freed.notify_all()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def in_flight(self) -> int:
        with self._slot_freed:
            return len(self._inflight)

    def run(self) -> None:
        """Fetch and execute until :meth:`stop`; then drain or unlock."""
        log.info("worker %s: %d slots, topics %s", self.worker_id, self.slots, ", ".join(self.topics))
        self.heartbeat.start()
        if self.outbox_sweep_s > 0:
            self._sweeper.start()
        pause = 0.5
        try:
            while not self._stopping.is_set():
                free = self._wait_for_free_slots()
                if free == 0:
                    continue
                try:
                    asked = time.monotonic()
                    tasks = self.client.fetch(self.topics, free)
                    waited_ms = (time.monotonic() - asked) * 1e3
                    log.debug("fetched %d of %d task(s) in %.0f ms", len(tasks), free, waited_ms)
                except WorkflowError as exc:  # engine down or restarting: back off, keep going
                    log.warning("worker %s: fetch failed: %s (retrying in %.1fs)", self.worker_id, exc, pause)
                    self._count("fetch_errors")
                    self._stopping.wait(pause)
                    pause = min(pause * 2, 10.0)
                    continue
                pause = 0.5
                for task in tasks:
                    if self._stopping.is_set():
                        self._give_back(task.id)
                    else:
                        self._submit(task)
        finally:
            self._drain()
            self.heartbeat.stop()
            # Tasks still running after the drain were unlocked; their threads end with their
            # handler (no wait here). The sweeper ends at its next wake-up, i.e. at once unless
            # it is inside a relay: waited for, so no sweep runs after run() returned.
            self._pool.shutdown(wait=False)
            if self._sweeper.is_alive():
                self._sweeper.join(timeout=30)
            log.info("worker %s stopped: %s", self.worker_id, dict(self.stats))

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGINT stop the worker gracefully (main thread only)."""

        def on_signal(signum: int, _frame: Any) -> None:
            log.info("worker %s: signal %d, stopping", self.worker_id, signum)
            self.stop()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)

    # ------------------------------------------------------------------ slots
    def _wait_for_free_slots(self) -> int:
        with self._slot_freed:
            while len(self._inflight) >= self.slots and not self._stopping.is_set():
                self._slot_freed.wait(1.0)
            return 0 if self._stopping.is_set() else self.slots - len(self._inflight)

    def _submit(self, task: ExternalTask) -> None:
        self.heartbeat.track(task.id)
        with self._slot_freed:
            self._inflight[task.id] = self._pool.submit(self._execute, task)

    def _release(self, task_id: str) -> None:
        self.heartbeat.untrack(task_id)
        with self._slot_freed:
            self._inflight.pop(task_id, None)
            self._slot_freed.notify_all()

    def _drain(self) -> None:
        deadline = time.monotonic() + self.drain_timeout_s
        with self._slot_freed:
            while self._inflight and time.monotonic() < deadline:
                self._slot_freed.wait(min(0.5, max(deadline - time.monotonic(), 0.01)))
            left = list(self._inflight)
        for task_id in left:  # still running: give them back; a rerun is deduplicated by the ledger
            log.warning("worker %s: task %s still running at shutdown, unlocking it", self.worker_id, task_id)
            self.heartbeat.untrack(task_id)
            self._give_back(task_id)

    def _give_back(self, task_id: str) -> None:
        try:
            self._results.unlock(task_id)
            self._count("unlocked")
        except WorkflowError as exc:  # the lock will expire by itself
            log.warning("worker %s: cannot unlock %s: %s", self.worker_id, task_id, exc)

    def _count(self, what: str) -> None:
        with self._stats_guard:
            self.stats[what] += 1

    def _sweep_outbox(self) -> None:
        from ezd.workflow.outbox import relay

        while not self._stopping.wait(self.outbox_sweep_s):
            try:
                # commands younger than the grace period are still being sent by their own step
                report = relay(self.app.sessions, self._reporter, min_age_s=2.0)
            except Exception as exc:  # database or engine down: next round
                log.warning("worker %s: outbox sweep failed: %s", self.worker_id, exc)
                continue
            if report.sent or report.failed:
                log.info(
                    "worker %s: outbox sweep sent %d, refused %d", self.worker_id, report.sent, report.failed
                )
                self._count("outbox_sent")

    # ------------------------------------------------------------------ one task
    def _execute(self, task: ExternalTask) -> None:
        try:
            if task.topic in self.handoff_topics and self.handoff is not None and self._hand_off(task):
                return
            self._executor.execute_task(library_task(task, self.worker_id), lambda lt: self._result(lt, task))
        except (LockLost, TaskNotFound) as exc:
            # Another worker holds (or completed) the task; its run is deduplicated by the ledger.
            log.info("task %s (%s): result not accepted: %s", task.id, task.topic, exc)
            self._count("lock_lost")
        except EngineUnavailable as exc:
            # The effect is committed; when the lock expires the task is refetched and the
            # ledger makes the rerun a no-op that only reports the recorded result.
            log.warning("task %s (%s): engine unavailable when reporting: %s", task.id, task.topic, exc)
            self._count("report_errors")
        except Exception:
            log.exception("task %s (%s): reporting failed", task.id, task.topic)
            self._count("report_errors")
        finally:
            self._release(task.id)

    def _result(self, lt: Any, task: ExternalTask) -> Any:
        outcome = run_committed(self.app, self._reporter, task)
        self._count(outcome.kind)
        return to_task_result(lt, task, outcome)

    def _hand_off(self, task: ExternalTask) -> bool:
        assert self.handoff is not None
        try:  # the task was fetched with the longer hand-off lock (see __init__)
            taken = self.handoff(task, self.worker_id)
        except (LockLost, TaskNotFound):
            raise
        except Exception as exc:
            log.warning(
                "task %s (%s): hand-off to Celery failed (%s); running in-process", task.id, task.topic, exc
            )
            taken = False
        if taken:
            self._count("handed_off")
        return taken


def to_task_result(lt: Any, task: ExternalTask, outcome: Outcome) -> Any:
    """An :class:`Outcome` as the library's :class:`TaskResult`."""
    if outcome.kind == "completed":
        return TaskResult.success(lt, dict(outcome.variables))
    if outcome.kind == "bpmn_error":
        code, _, message = (outcome.error or "").partition(":")
        return TaskResult.bpmn_error(lt, error_code=code, error_message=message)
    message = outcome.error or "failed"
    if outcome.held is not None:
        # retrying cannot help until a person acts (its note is written once); 'ezd seal import'
        # gives the retries back -- as report_to does for the embedded engine
        return TaskResult.failure(
            lt, error_message=message, error_details=message, retries=0, retry_timeout=0
        )
    retries = failure_retries(task)
    return TaskResult.failure(
        lt, error_message=message, error_details=message, retries=retries, retry_timeout=backoff_ms(retries)
    )


def remote_engine(app: WorkerApp[Any]) -> OperatonEngine:
    """The app's Operaton adapter (``EZD_ENGINE_URL`` must be set)."""
    settings = app.settings
    if not settings.engine_url:
        raise ValueError("EZD_ENGINE_URL is not set: external workers need the Operaton engine")
    return OperatonEngine(
        settings.engine_url,
        settings.engine_user,
        settings.engine_password.get_secret_value(),
        tenant_id=settings.engine_tenant,
    )


def wait_idle(
    app: WorkerApp[Any] | None,
    *,
    timeout_s: float = 120.0,
    engine: OperatonEngine | None = None,
    poll_s: float = IDLE_POLL_S,
    business_keys: Sequence[str] = (),
) -> None:
    """Wait until the external workers have done every ready task of this installation
    (or, with ``business_keys``, of the processes running under those keys).

    Used by the demo driver on the distributed stack: after a person's step the engine has
    created the next external tasks synchronously, so "no task with retries left" means the
    workers have carried every process to its next wait state (a user task, a message or a
    timer). Tasks that became incidents do not count; the next step then reports them.
    With several people working at once the installation is never idle, so each waits for
    the processes of its own letter or case: their instances are looked up once (a process
    that a worker starts meanwhile, such as the case a create-case task opens, runs under
    another key and reaches its first user task before the task that started it completes).

    The engine has no "idle" notification, so this polls a count query. The pause is short
    (``poll_s``, default 10 ms) because every millisecond slept after the last task finished is
    added to the driver's step; the count query itself is one indexed SELECT in the engine.
    """
    if engine is None:
        if app is None:
            raise ValueError("wait_idle needs the app or an engine")
        engine = _shared_engine(app)
    deadline = time.monotonic() + timeout_s
    instances: list[str] | None = None
    while True:
        try:
            if business_keys and instances is None:
                instances = [i for key in business_keys for i in engine.running_instance_ids(key)]
            pending = engine.count_external_tasks(process_instance_ids=instances)
        except EngineUnavailable:  # engine restarting: keep waiting within the timeout
            pending = -1
        if pending == 0:
            return
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"{pending} external task(s) not done after {timeout_s:.0f}s: "
                "is 'ezd worker external' running?"
            )
        time.sleep(poll_s if pending > 0 else 0.5)


_ENGINES: dict[int, OperatonEngine] = {}


def _shared_engine(app: WorkerApp[Any]) -> OperatonEngine:
    engine = _ENGINES.get(id(app))
    if engine is None:
        engine = _ENGINES[id(app)] = remote_engine(app)
    return engine
