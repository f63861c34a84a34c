"""``ezd bpmn deploy|list`` and deploy on start: only changed files, per-version instance counts,
deploy-time refusals, and one deployment when two processes deploy at once."""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text, update

from ezd.bootstrap import App
from ezd.config import PACKAGE_BPMN
from ezd.db.tables_office import DeployLock
from ezd.services.processes import ProcessVersion
from ezd.workflow.port import DeploymentRejected
from ezd.workflow.tables import WorkflowDefinition, WorkflowInstance

# the processes of bpmn/ (ezd's own): each deployed once, then only when its file changes
PROCESSES = {
    "ezd_incoming",
    "ezd_case",
    "ezd_archive",
    "ezd_ocr",
    "ezd_opinion_request",
    "ezd_opinion_answer",
}


def bpmn_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "bpmn"
    shutil.copytree(PACKAGE_BPMN, folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    content = path.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def versions(app: App) -> dict[tuple[str, int], int]:
    return {(v.process_key, v.version): v.running for v in app.process_versions()}


def start_incoming(app: App) -> str:
    key = f"t/RPW/{uuid.uuid4().hex[:8]}/2026"
    with app.uow() as uow:
        instance = app.engine(uow.session).start("ezd_incoming", key, {"tenant": "t", "rpw": key})
        uow.commit()
    return instance.id


def check_changed_only(app: App, tmp_path: Path) -> None:
    folder = bpmn_copy(tmp_path)
    first = app.deploy_processes(folder)
    assert {(d.process_key, d.new) for d in first} == {(p, True) for p in PROCESSES}
    again = app.deploy_processes(folder)
    assert [d.new for d in again] == [False] * len(PROCESSES)  # unchanged files: no new versions
    start_incoming(app)
    assert versions(app)[("ezd_incoming", 1)] == 1

    edit(folder, "incoming.bpmn", 'name="Wystawienie UPP"', 'name="Wystawienie UPP (zmienione)"')
    changed = {d.process_key: d for d in app.deploy_processes(folder)}
    assert changed["ezd_incoming"].new and changed["ezd_incoming"].version == 2
    assert not changed["ezd_case"].new and changed["ezd_case"].version == 1
    start_incoming(app)
    # the instance started on v1 keeps v1; the new one runs v2
    assert versions(app) == {
        **{(p, 1): 0 for p in PROCESSES},
        ("ezd_incoming", 1): 1,
        ("ezd_incoming", 2): 1,
    }
    listed = [v for v in app.process_versions() if v.process_key == "ezd_incoming"]
    assert [(v.version, v.source_name) for v in listed] == [(1, "incoming.bpmn"), (2, "incoming.bpmn")]
    assert all(isinstance(v, ProcessVersion) and v.deployed_at is not None for v in listed)


def check_refusals(app: App, tmp_path: Path) -> None:
    folder = bpmn_copy(tmp_path / "topic")
    edit(folder, "incoming.bpmn", 'camunda:topic="ezd.issue-upp"', 'camunda:topic="ezd.issue-upo"')
    before = versions(app)
    with pytest.raises(DeploymentRejected, match=r"'ezd\.issue-upo' nie jest obsługiwany przez żaden worker"):
        app.deploy_processes(folder)
    folder = bpmn_copy(tmp_path / "owner")
    edit(folder, "incoming.bpmn", 'camunda:candidateGroups="${kancelaria_group}"', "")
    with pytest.raises(DeploymentRejected, match=r"Task_Decree.*nie ma wykonawcy"):
        app.deploy_processes(folder)
    assert versions(app) == before  # a refused folder deploys nothing, not even its good files


def test_embedded_deploys_changed_files_only(app: App, tmp_path: Path) -> None:
    check_changed_only(app, tmp_path)
    check_refusals(app, tmp_path)
    with app.uow() as uow:
        started = uow.session.execute(
            select(WorkflowInstance.version).order_by(WorkflowInstance.started_at)
        ).scalars()
        assert list(started) == [1, 2]


def test_two_processes_deploying_at_once_deploy_once(pg_app: App, tmp_path: Path) -> None:
    """The second deployer waits on the deploy lock, then finds everything deployed."""
    folder = bpmn_copy(tmp_path)
    results: list[object] = []
    with pg_app.uow() as holder:
        # this transaction deploys while holding the lock; the other one must wait for it
        holder.session.execute(update(DeployLock).where(DeployLock.name == "bpmn").values(taken_at=None))
        other = threading.Thread(target=lambda: results.append(pg_app.deploy_processes(folder)))
        other.start()
        wait_for_lock_waiter(pg_app)
        from ezd.services.processes import bpmn_files, deploy_changed

        first = deploy_changed(
            holder.session,
            pg_app.engine(holder.session),
            engine_id=pg_app.engine_id,
            paths=bpmn_files(folder),
            known_topics=pg_app.handlers,
        )
        holder.commit()
    other.join(timeout=120)
    assert [d.new for d in first] == [True] * len(PROCESSES)
    (second,) = results
    assert isinstance(second, list) and [d.new for d in second] == [False] * len(PROCESSES)
    with pg_app.uow() as uow:
        rows = uow.session.execute(select(WorkflowDefinition.process_key, WorkflowDefinition.version)).all()
    assert sorted(rows) == sorted((p, 1) for p in PROCESSES)


def wait_for_lock_waiter(app: App) -> None:
    """Until another session of this database waits for a lock (a condition, not a sleep)."""
    import time

    from sqlalchemy.pool import NullPool

    probe = create_engine(app.settings.db_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    query = text(
        "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()"
    )
    try:
        for _ in range(1200):
            with probe.connect() as conn:
                if conn.execute(query).scalar_one():
                    return
            time.sleep(0.1)
        pytest.fail("the second deployer never reached the deploy lock")
    finally:
        probe.dispose()


def test_serve_and_workers_deploy_on_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ezd serve`` and ``ezd worker …`` start with started_app(): deployed once, idempotently."""
    from ezd.cli.common import started_app
    from tests.conftest import embedded_env

    for name in [n for n in os.environ if n.startswith("EZD_")]:
        monkeypatch.delenv(name)
    for name, value in embedded_env(tmp_path / "ezd").items():
        if name.startswith("EZD_"):
            monkeypatch.setenv(name, value)
    first = started_app()
    second = started_app()
    try:
        assert versions(second) == {(p, 1): 0 for p in PROCESSES}
    finally:
        first.db.dispose()
        second.db.dispose()
