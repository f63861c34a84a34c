"""Conformance: the same scenarios on the embedded engine and on Operaton + workers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ezd.bootstrap import App
from ezd.workers.inprocess import run_pending
from tests.conftest import _ready_app, make_settings
from tests.distributed.stack import distributed_app, running_worker

REMINDER_AFTER = "PT1S"


@dataclass
class Stack:
    kind: str  # embedded | operaton
    app: App
    extra: dict[str, Any] = field(default_factory=dict)

    def work(self) -> None:
        if self.kind == "embedded":
            run_pending(self.app)
        else:
            from ezd.workers.external import wait_idle

            wait_idle(self.app, timeout_s=60)


@pytest.fixture(params=["embedded", "operaton"])
def engine_stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    if request.param == "embedded":
        app = _ready_app(make_settings(tmp_path / "ezd", case_reminder_after=REMINDER_AFTER))
        yield Stack("embedded", app)
        app.db.dispose()
        return
    url = request.getfixturevalue("pg_url")
    engine = request.getfixturevalue("engine_url")
    app = distributed_app(tmp_path / "ezd", url, engine, case_reminder_after=REMINDER_AFTER)
    with running_worker(app) as worker:
        yield Stack("operaton", app, {"worker": worker})
    app.db.dispose()
