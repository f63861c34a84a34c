"""The outbox against the real engine and PostgreSQL: a step's engine changes follow its commit."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from ezd.demo.driver import Demo
from ezd.services import intake
from ezd.workflow.outbox import COMMAND_VARIABLE, OutboxEngine
from ezd.workflow.tables import EngineCommand
from tests.distributed.stack import distributed_app, running_worker
from tests.helpers import letter


def test_failed_commit_leaves_the_engine_untouched(tmp_path: Path, pg_url: str, engine_url: str) -> None:
    app = distributed_app(tmp_path / "ezd", pg_url, engine_url)
    demo = Demo(app)
    demo.prepare()
    kanc = demo.actor("mg.kancelaria")
    with pytest.raises(RuntimeError), app.uow() as uow:
        reg = intake.register_incoming(
            app.deps(uow.session), kanc, tenant="ug-melgiew", data=letter(1), filename="l.xml"
        )
        raise RuntimeError("the database commit never happens (process killed, disk full)")
    assert app.remote_engine is not None
    assert app.remote_engine.find_instances(reg.business_key) == []  # no orphan process in the engine
    with app.uow() as uow:  # the same registration again: RPW/1 (not burned), and now the process runs
        again = intake.register_incoming(
            app.deps(uow.session), kanc, tenant="ug-melgiew", data=letter(1), filename="l.xml"
        )
        uow.commit()
    assert again.sign == reg.sign
    [instance] = app.remote_engine.find_instances(again.business_key)
    assert instance.process_key == "ezd_incoming" and COMMAND_VARIABLE in instance.variables
    app.db.dispose()


def test_worker_sweep_sends_what_a_dead_process_left(tmp_path: Path, pg_url: str, engine_url: str) -> None:
    app = distributed_app(tmp_path / "ezd", pg_url, engine_url)
    Demo(app).prepare()
    assert app.remote_engine is not None
    key = "ug-melgiew/RPW/77/2026"
    with app.uow() as uow:  # committed, but the process died before sending
        OutboxEngine(app.remote_engine, uow.session, lambda ids, unsent: None, uow).start(
            "ezd_incoming",
            key,
            {"tenant": "ug-melgiew", "rpw": "RPW/77/2026", "document_uid": "x", "signed": False},
        )
        uow.commit()
    assert app.remote_engine.find_instances(key) == []
    with running_worker(app, topics=["ezd.nothing"], outbox_sweep_s=0.5):
        deadline = time.monotonic() + 30
        while not app.remote_engine.find_instances(key):
            assert time.monotonic() < deadline, "the sweep never sent the start"
            time.sleep(0.2)
    with app.uow() as uow:
        cmd = uow.session.execute(select(EngineCommand)).scalar_one()
        assert cmd.status == "done"
    assert len(app.remote_engine.find_instances(key)) == 1
    app.db.dispose()
