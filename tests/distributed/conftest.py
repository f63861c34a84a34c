"""Fixtures for tests against real back-end services (the Operaton engine over REST).

The engine is the session's own (``engine_url`` / ``operaton`` in tests/conftest.py): started on
a free port with a fresh database when the first test here needs it, stopped at the end.
Nothing here attaches to an engine that merely answers on a standard port.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from ezd.workflow.operaton import OperatonEngine
from tests.infra import engine as infra_engine

ENGINE_USER = infra_engine.USER
ENGINE_PASSWORD = infra_engine.PASSWORD


@pytest.fixture(scope="session")
def run_id() -> str:
    """Unique per test session: keeps process keys and topics of different tests apart."""
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def engine(engine_url: str) -> Iterator[OperatonEngine]:
    with OperatonEngine(engine_url, ENGINE_USER, ENGINE_PASSWORD, lock_duration_ms=60_000) as eng:
        yield eng


@pytest.fixture
def business_key() -> str:
    return f"test-{uuid.uuid4().hex}"
