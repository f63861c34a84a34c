"""``ezd demo --documents N --json`` on the distributed stack: PostgreSQL, Operaton, external
workers and a Celery worker on RabbitMQ (heavy topics handed off), all as real processes."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest

from ezd.bootstrap import App
from tests.distributed import checks
from tests.distributed.stack import Proc, distributed_app, stack_env


@pytest.fixture
def dist_app(tmp_path: Path, pg_url: str, engine_url: str) -> App:
    return distributed_app(tmp_path / "ezd", pg_url, engine_url)


def test_demo_completes_through_operaton_and_workers(dist_app: App, tmp_path: Path, broker_url: str) -> None:
    env = stack_env(
        dist_app, EZD_BROKER_URL=broker_url, EZD_CELERY_QUEUE_PREFIX=f"ezd-test-{uuid.uuid4().hex[:8]}"
    )
    celery = Proc(
        ["worker", "celery", "--concurrency", "1", "--log-level", "INFO"], env, tmp_path / "celery.log"
    )
    external = Proc(
        ["worker", "external", "--slots", "3", "--long-poll-ms", "5000", "--lock-ms", "20000"],
        env,
        tmp_path / "external.log",
    )
    try:
        celery.wait_for_output("ready", timeout=90)
        external.wait_for_output("slots, topics", timeout=60)
        demo = subprocess.run(
            ["ezd", "demo", "--documents", "6", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=400,
        )
        assert demo.returncode == 0, demo.stderr[-3000:]
        result = json.loads(demo.stdout)
    finally:
        rc_external = external.stop()
        rc_celery = celery.stop()
    assert result["documents"] == 6
    assert result["cases_opened"] == 6
    assert result["cases_archived"] == 6, external.output()[-4000:]
    # SIGTERM: the external worker drained and stopped cleanly
    assert rc_external == 0 and "stopped:" in external.output()
    assert "'handed_off'" in external.output(), "heavy topics were not handed to Celery"
    assert "succeeded" in celery.output()
    assert rc_celery in (0, 1, -15)
    checks.assert_consistent(dist_app, expect_cases=6)


def test_clerks_working_at_once_lose_nothing(dist_app: App, tmp_path: Path) -> None:
    """Three demo drivers at once (``bench_distributed --clerks``): concurrent registrations,
    steps and outbox relays on PostgreSQL, one external worker; each driver waits only for its
    own processes. Registers stay gapless, every case is archived, every chain verifies."""
    from concurrent.futures import ThreadPoolExecutor

    from ezd.demo.driver import Demo

    env = stack_env(dist_app)
    external = Proc(
        ["worker", "external", "--slots", "4", "--long-poll-ms", "5000", "--lock-ms", "20000"],
        env,
        tmp_path / "external.log",
    )
    try:
        external.wait_for_output("slots, topics", timeout=60)
        Demo(dist_app).prepare()
        drivers = [Demo(dist_app, seed_value=7 + i, shared=True) for i in range(3)]
        with ThreadPoolExecutor(3) as pool:
            results = list(pool.map(lambda d: d.run(4, prepare=False), drivers))
    finally:
        external.stop()
    # letters 0-3 of each driver: no attach path (that starts at letter 8), four cases each
    assert [r.cases_opened for r in results] == [4, 4, 4], external.output()[-4000:]
    assert [r.cases_archived for r in results] == [4, 4, 4], external.output()[-4000:]
    checks.assert_consistent(dist_app, expect_cases=12, expect_items=12)
