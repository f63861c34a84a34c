"""A background thread that runs due worker tasks in-process (the embedded default, no Celery).

It wakes every ``interval`` seconds, and at once when a request has written something
(:meth:`kick`), so a signature or a new case follows a click within moments.
"""

from __future__ import annotations

import logging
import threading

from ezd.bootstrap import App

log = logging.getLogger("ezd.web.worker")


class InProcessWorker:
    def __init__(self, app: App, interval: float = 2.0) -> None:
        self.app = app
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ran = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="ezd-inprocess-worker", daemon=True)
            self._thread.start()

    def kick(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        from ezd.workers.inprocess import run_pending

        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.ran += run_pending(self.app)
            except Exception:
                log.exception("in-process worker pass failed")
            self._wake.wait(self.interval)
