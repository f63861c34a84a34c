"""The bounded request pool of an S3 store: bulk operations send their independent requests here.

The minio client is thread-safe; the pool is created on first use and again in a forked child,
so importing or constructing a store starts no thread.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import TypeVar

from ezd.storage.errors import StorageError

DEFAULT_CONCURRENCY = 4  # requests in flight per store: enough to hide round trips, gentle on the server

_T = TypeVar("_T")
_R = TypeVar("_R")


class RequestPool:
    """A bounded thread pool created on first use (and again after a fork: threads do not survive one)."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise StorageError("S3 concurrency must be at least 1")
        self.workers = workers
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._pid = 0

    def executor(self) -> ThreadPoolExecutor:
        pid = os.getpid()
        if self._executor is None or self._pid != pid:
            with self._lock:
                if self._executor is None or self._pid != pid:
                    self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="ezd-s3")
                    self._pid = pid
        return self._executor

    def close(self) -> None:
        """End the pool's threads (after what they are doing); the next use starts new ones."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def run_all(self, fn: Callable[[_T], _R], items: Sequence[_T]) -> list[_R]:
        """``fn`` of every item, concurrently; results in order.  Returns only when nothing runs
        any more; on failure it starts nothing new and raises the first failure in item order."""
        if len(items) <= 1 or self.workers == 1:
            return [fn(item) for item in items]
        futures = [self.executor().submit(fn, item) for item in items]
        try:
            wait(futures, return_when=FIRST_EXCEPTION)
        finally:
            if not all(f.done() and f.exception() is None for f in futures):
                for f in futures:
                    f.cancel()
                wait(futures)
        for f in futures:
            if not f.cancelled() and f.exception() is not None:
                f.result()  # re-raises the original exception, whatever its type
        return [f.result() for f in futures]

    def read_ahead(
        self, fn: Callable[[str], bytes], digests: list[str], skip_unreadable: bool
    ) -> Iterator[tuple[str, bytes]]:
        """``fn`` of each digest, at most ``workers`` ahead of the consumer; the first ones start now."""
        todo = iter(digests)
        pending: deque[tuple[str, Future[bytes]]] = deque()
        for digest in todo:
            pending.append((digest, self.executor().submit(fn, digest)))
            if len(pending) >= self.workers:
                break
        return self._drain(fn, todo, pending, skip_unreadable)

    def _drain(
        self,
        fn: Callable[[str], bytes],
        todo: Iterator[str],
        pending: deque[tuple[str, Future[bytes]]],
        skip_unreadable: bool,
    ) -> Iterator[tuple[str, bytes]]:
        try:
            while pending:
                digest, future = pending.popleft()
                following = next(todo, None)
                if following is not None:
                    pending.append((following, self.executor().submit(fn, following)))
                try:
                    data = future.result()
                except StorageError:
                    if skip_unreadable:
                        continue
                    raise
                yield digest, data
        finally:
            for _, future in pending:
                future.cancel()
