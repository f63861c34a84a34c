"""Fixtures for tests against real back-end services (the Operaton engine over REST).

The engine is reused when it already answers at EZD_ENGINE_URL; otherwise it is started with
``scripts/services.sh start engine`` (PostgreSQL + engine jar; CI runs ``start all`` first).
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ezd.workflow.operaton import OperatonEngine

ROOT = Path(__file__).resolve().parents[2]
BPMN_DIR = Path(__file__).resolve().parent / "bpmn"
ENGINE_URL = os.environ.get("EZD_ENGINE_URL", "http://127.0.0.1:8080/engine-rest").rstrip("/")
ENGINE_USER = os.environ.get("EZD_ENGINE_USER", "ezd")
ENGINE_PASSWORD = os.environ.get("EZD_ENGINE_PASSWORD", "ezd-dev")


def _engine_answers() -> bool:
    try:
        r = requests.get(f"{ENGINE_URL}/version", auth=(ENGINE_USER, ENGINE_PASSWORD), timeout=5)
    except requests.RequestException:
        return False
    return r.status_code == 200


@pytest.fixture(scope="session")
def engine_url() -> str:
    if not _engine_answers():
        result = subprocess.run(
            [str(ROOT / "scripts" / "services.sh"), "start", "engine"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if result.returncode != 0 or not _engine_answers():
            pytest.fail(f"cannot start the Operaton engine: {result.stderr.strip()[-2000:]}")
    return ENGINE_URL


@pytest.fixture(scope="session")
def run_id() -> str:
    """Unique per test session: keeps process keys and topics apart from earlier runs' data."""
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def engine(engine_url: str) -> Iterator[OperatonEngine]:
    with OperatonEngine(engine_url, ENGINE_USER, ENGINE_PASSWORD, lock_duration_ms=60_000) as eng:
        yield eng


@pytest.fixture
def business_key() -> str:
    return f"test-{uuid.uuid4().hex}"
