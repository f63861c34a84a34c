"""The distributed stack for tests: PostgreSQL + Operaton (own engine tenant) + workers.

Every stack gets a fresh PostgreSQL database and its own Operaton tenant id, so business keys
("<office>/<sign>", the same in every fresh database) of different tests and earlier runs never
meet on the shared engine.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ezd.bootstrap import App
from ezd.workers.external import ExternalWorker, remote_engine
from tests.conftest import _ready_app, make_settings

ENGINE_USER_DEFAULT = "ezd"


def distributed_app(home: Path, pg_url: str, engine_url: str, **overrides: Any) -> App:
    tenant = f"t-{uuid.uuid4().hex[:12]}"
    return _ready_app(
        make_settings(home, database_url=pg_url, engine_url=engine_url, engine_tenant=tenant, **overrides)
    )


@contextmanager
def running_worker(app: App, **options: Any) -> Iterator[ExternalWorker]:
    """An external-task worker in a thread for the duration of the block."""
    options.setdefault("slots", 2)
    options.setdefault("long_poll_ms", 5_000)
    options.setdefault("drain_timeout_s", 10.0)
    worker = ExternalWorker(app, remote_engine(app), **options)
    with worker_thread(worker):
        yield worker


@contextmanager
def worker_thread(worker: ExternalWorker) -> Iterator[threading.Thread]:
    """Run ``worker`` in a thread for the block; stop it and wait until it has really ended.

    A worker left running after its test keeps fetching (and locking) the next tests' tasks
    and sweeping the outbox of a dropped database, so a worker that does not end within its
    drain timeout plus one long poll (and a margin for a busy machine) fails the test here.
    """
    thread = threading.Thread(target=worker.run, name=f"ezd-test-{worker.worker_id}", daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        worker.stop()
        limit = worker.drain_timeout_s + int(worker.client.config["asyncResponseTimeout"]) / 1000 + 60
        thread.join(timeout=limit)
        if thread.is_alive():
            raise AssertionError(f"worker {worker.worker_id} still running {limit:.0f}s after stop()")


def stack_env(app: App, **extra: str) -> dict[str, str]:
    """Environment for ``ezd`` subprocesses working on ``app``'s installation."""
    import os

    s = app.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("EZD_")}
    env.update(
        {
            "EZD_HOME": str(s.resolved_home),
            "EZD_DATABASE_URL": s.db_url,
            "EZD_ENGINE_URL": s.engine_url or "",
            "EZD_ENGINE_USER": s.engine_user,
            "EZD_ENGINE_PASSWORD": s.engine_password.get_secret_value(),
            "EZD_ENGINE_TENANT": s.engine_tenant or "",
            "EZD_OBJECT_FSYNC": "false",
            "EZD_SQLITE_SYNCHRONOUS": "NORMAL",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if s.s3_endpoint:
        env["EZD_S3_ENDPOINT"] = s.s3_endpoint
        env["EZD_S3_SECURE"] = "true" if s.s3_secure else "false"
        env["EZD_S3_BUCKET_PREFIX"] = s.s3_bucket_prefix
        for name in ("s3_access_key", "s3_secret_key"):
            secret = getattr(s, name)
            if secret is not None:
                env[f"EZD_{name.upper()}"] = secret.get_secret_value()
    if s.broker_url:
        env["EZD_BROKER_URL"] = s.broker_url
    if s.case_reminder_after:
        env["EZD_CASE_REMINDER_AFTER"] = s.case_reminder_after
    env.update(extra)
    return env


class Proc:
    """A background ``ezd`` process with its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        import subprocess

        self.args = args
        self.log_path = log
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            ["ezd", *args],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = 60.0) -> None:
        import time

        deadline = time.monotonic() + timeout
        while text not in self.output():
            if self.popen.poll() is not None:
                raise AssertionError(f"ezd {' '.join(self.args)} exited: {self.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"ezd {' '.join(self.args)}: no {text!r} in {timeout}s: {self.output()[-3000:]}"
                )
            time.sleep(0.2)

    def stop(self, timeout: float = 40.0) -> int:
        import signal
        import subprocess

        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)
        self._log.close()
        return int(self.popen.returncode)

    def kill9(self) -> None:
        import os
        import signal

        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)
