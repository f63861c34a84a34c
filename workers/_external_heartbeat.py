"""Lock heartbeat: keeps the engine lock of long-running tasks alive.

A task is fetched with a lock of ``lock_ms``; while the handler runs, this thread extends the
lock by ``lock_ms`` every ``lock_ms / 3``. If the engine says the lock is gone (expired and
taken by another worker, or the task was cancelled), the task is marked lost: its result will
be refused by the engine, and the other worker's run is deduplicated by the ledger.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from ezd.workflow.operaton import EngineUnavailable, LockLost
from ezd.workflow.port import TaskNotFound

log = logging.getLogger("ezd.workers.heartbeat")


class Heartbeat:
    def __init__(
        self, extend: Callable[[str, int], None], lock_ms: int, *, name: str = "ezd-heartbeat"
    ) -> None:
        self._extend = extend
        self.lock_ms = lock_ms
        self.interval_s = max(lock_ms / 3000, 0.2)
        self._due: dict[str, float] = {}
        self.lost: set[str] = set()
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def track(self, task_id: str) -> None:
        with self._guard:
            self._due[task_id] = time.monotonic() + self.interval_s

    def untrack(self, task_id: str) -> None:
        with self._guard:
            self._due.pop(task_id, None)

    def is_lost(self, task_id: str) -> bool:
        with self._guard:
            return task_id in self.lost

    def _loop(self) -> None:
        while not self._stop.wait(min(self.interval_s, 1.0)):
            now = time.monotonic()
            with self._guard:
                due = [t for t, at in self._due.items() if at <= now]
            for task_id in due:
                try:
                    self._extend(task_id, self.lock_ms)
                except (LockLost, TaskNotFound) as exc:
                    log.warning("task %s lost its lock: %s", task_id, exc)
                    with self._guard:
                        self._due.pop(task_id, None)
                        self.lost.add(task_id)
                    continue
                except EngineUnavailable as exc:  # try again next round; the lock may still hold
                    log.warning("cannot extend the lock of %s: %s", task_id, exc)
                except Exception:
                    log.exception("extending the lock of %s failed", task_id)
                with self._guard:
                    if task_id in self._due:
                        self._due[task_id] = time.monotonic() + self.interval_s
