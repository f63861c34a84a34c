"""Faults during a demo run on the distributed stack.

While the demo driver pushes letters through Operaton, external-worker processes and a Celery
worker on RabbitMQ, this test kills one external worker with SIGKILL while it holds a task,
restarts RabbitMQ, then restarts the Operaton engine -- the session's own broker and engine
(tests/conftest.py), never ones another process uses. Required outcome: no lost item, no
duplicate effect, RPW (and RPWYCH) gapless, every case archived and every process ended, every
metryka chain verifies.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import requests

from ezd.bootstrap import App
from ezd.demo.driver import Demo, DemoResult
from ezd.workflow.operaton import EngineUnavailable
from tests.distributed import checks
from tests.distributed.conftest import ENGINE_PASSWORD, ENGINE_USER
from tests.distributed.stack import Proc, distributed_app, stack_env
from tests.infra.engine import EngineProcess
from tests.infra.rabbitmq import RabbitNode

DOCUMENTS = 10
LOCK_MS = 5000  # short engine locks: a killed worker's task is free again within seconds


class ResilientDemo(Demo):
    """The demo driver as a person would behave when the system is briefly down: try again."""

    def step(self, fn: Any) -> Any:
        for _ in range(120):
            try:
                return super().step(fn)
            except EngineUnavailable:
                time.sleep(1.0)
        return super().step(fn)


def _worker_id(proc: Proc) -> str:
    proc.wait_for_output("slots, topics", timeout=60)
    found = re.search(r"worker (\S+): \d+ slots", proc.output())
    assert found, proc.output()
    return found.group(1)


def _locked_by(engine_url: str, worker_id: str) -> int:
    try:
        r = requests.get(
            f"{engine_url}/external-task/count",
            params={"workerId": worker_id, "locked": "true"},
            auth=(ENGINE_USER, ENGINE_PASSWORD),
            timeout=5,
        )
        return int(r.json()["count"]) if r.ok else 0
    except requests.RequestException:
        return 0


def test_worker_kill_broker_restart_engine_restart(
    tmp_path: Path, pg_url: str, operaton: EngineProcess, rabbit: RabbitNode
) -> None:
    engine_url = operaton.url
    app: App = distributed_app(tmp_path / "ezd", pg_url, engine_url)
    env = stack_env(
        app, EZD_BROKER_URL=rabbit.url, EZD_CELERY_QUEUE_PREFIX=f"ezd-fault-{uuid.uuid4().hex[:8]}"
    )
    args = ["--slots", "2", "--long-poll-ms", "3000", "--lock-ms", str(LOCK_MS), "--drain-s", "5"]
    celery = Proc(["worker", "celery", "--concurrency", "1"], env, tmp_path / "celery.log")
    victim = Proc(["worker", "external", *args], env, tmp_path / "w1.log")
    other = Proc(["worker", "external", *args], env, tmp_path / "w2.log")
    procs = [celery, victim, other]
    outcome: dict[str, Any] = {}
    demo = ResilientDemo(app)
    try:
        victim_id = _worker_id(victim)
        _worker_id(other)
        celery.wait_for_output("ready", timeout=90)
        demo.prepare()

        def drive() -> None:
            try:
                outcome["result"] = demo.run(DOCUMENTS)
            except BaseException as exc:
                outcome["error"] = exc

        driver = threading.Thread(target=drive, daemon=True)
        driver.start()

        # 1. kill -9 an external worker while it holds a task
        deadline = time.monotonic() + 120
        while _locked_by(engine_url, victim_id) == 0:
            assert time.monotonic() < deadline, "the worker never held a task"
            time.sleep(0.01)
        victim.kill9()
        procs.append(Proc(["worker", "external", *args], env, tmp_path / "w3.log"))
        time.sleep(3)

        # 2. RabbitMQ restart (the broker application; durable queues survive)
        rabbit.restart_app()
        time.sleep(3)

        # 3. Operaton engine restart
        operaton.restart()

        driver.join(timeout=420)
        assert not driver.is_alive(), "the demo did not finish"
        if "error" in outcome:
            raise outcome["error"]
        result: DemoResult = outcome["result"]
    finally:
        for p in procs:
            p.stop(timeout=20)
    assert result.documents == DOCUMENTS
    logs = "\n".join(p.output()[-2000:] for p in procs)
    assert result.cases_archived == result.cases_opened, logs
    checks.assert_consistent(app, expect_cases=result.cases_opened, expect_items=DOCUMENTS)
