"""BPMN process tests on the embedded engine: paths, versions, timers, messages, errors, resume."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ezd.bootstrap import App
from ezd.workflow.port import DeploymentRejected, NoMatchingInstance, TaskNotFound
from ezd.workflow.spiff.engine import SpiffEngine

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
CASE_VARS = {
    "referent": "jan",
    "head_group": "t:OR:kierownik",
    "reminder_after": "PT1S",
    "tenant": "t",
    "opinion_groups": [],
    "chain_done": True,
}


def _engine(app: App, session: object) -> SpiffEngine:
    engine = app.engine(session)  # type: ignore[arg-type]
    assert isinstance(engine, SpiffEngine)
    return engine


def test_case_process_paths(app: App) -> None:
    with app.uow() as uow:
        e = _engine(app, uow.session)
        e.deploy(sorted(BPMN.glob("*.bpmn")))
        inst = e.start("ezd_case", "t/OR.0122.1.2026", CASE_VARS)
        uow.commit()
    with app.uow() as uow:
        e = _engine(app, uow.session)
        [draft] = e.user_tasks(assignee="jan")
        assert draft.task_key == "Task_Draft"
        e.complete_user_task(draft.id, {"draft_uid": "d1"})
        # the head's group sees the approval; another group does not
        assert e.user_tasks(candidate_groups=["other:OR:kierownik"]) == []
        [approve] = e.user_tasks(candidate_groups=["t:OR:kierownik"])
        e.claim(approve.id, "boss")
        e.complete_user_task(approve.id, {"approved": False})  # return loop
        [draft] = e.user_tasks(assignee="jan")
        e.complete_user_task(draft.id, {})
        [approve] = e.user_tasks(candidate_groups=["t:OR:kierownik"])
        e.complete_user_task(approve.id, {"approved": True})
        [sign] = e.fetch_external_tasks(["ezd.sign", "ezd.dispatch"])
        assert sign.topic == "ezd.sign" and sign.variables["approved"] is True
        e.complete_external_task(sign.id, {"signed": {"sha": "x", "list": [1, 2]}})
        [dispatch] = e.fetch_external_tasks(["ezd.dispatch"])
        assert dispatch.variables["signed"] == {"sha": "x", "list": [1, 2]}
        e.bpmn_error(dispatch.id, "DISPATCH_REJECTED", "no address")  # error path
        [fix] = e.user_tasks(assignee="jan")
        assert fix.task_key == "Task_FixDispatch"
        e.complete_user_task(fix.id, {"channel": "poczta"})
        [dispatch] = e.fetch_external_tasks(["ezd.dispatch"])
        e.complete_external_task(dispatch.id, {})
        with pytest.raises(NoMatchingInstance):
            e.correlate_message("ezd.unknown-message", "t/OR.0122.1.2026")
        e.correlate_message("ezd.delivery-confirmed", "t/OR.0122.1.2026", {"upd": "UPD-1"})
        [close] = e.fetch_external_tasks(["ezd.close-case"])
        assert close.variables["upd"] == "UPD-1"
        e.complete_external_task(close.id, {})
        state = e.instance(inst.id)
        assert state.ended
        path = [h.activity_id for h in e.history(inst.id)]
        assert path.count("Task_Draft") == 2 and "Error_Dispatch" in path and path[-1] == "End_Closed"
        uow.commit()


def test_deadline_timer_fires(app: App) -> None:
    with app.uow() as uow:
        e = _engine(app, uow.session)
        e.deploy(sorted(BPMN.glob("*.bpmn")))
        e.start("ezd_case", "t/OR.0122.2.2026", CASE_VARS)
        assert e.fetch_external_tasks(["ezd.deadline-reminder"]) == []
        uow.commit()
    time.sleep(1.2)
    with app.uow() as uow:
        e = _engine(app, uow.session)
        assert e.fire_due_timers() == 1
        [remind] = e.fetch_external_tasks(["ezd.deadline-reminder"])
        e.complete_external_task(remind.id, {})
        # non-interrupting: the draft task is still open
        assert [t.task_key for t in e.user_tasks(assignee="jan")] == ["Task_Draft"]
        uow.commit()


def test_versions_running_instances_keep_theirs(app: App, tmp_path: Path) -> None:
    src = (BPMN / "archive_transfer.bpmn").read_text()
    v1 = tmp_path / "archive_transfer.bpmn"
    v1.write_text(src)
    with app.uow() as uow:
        e = _engine(app, uow.session)
        [d1] = e.deploy([v1])
        old = e.start("ezd_archive", "t/OR.1.1.2026", {"archivist_group": "a", "head_group": "h"})
        v1.write_text(src.replace('name="Przyjęcie akt do archiwum"', 'name="Przyjęcie akt (v2)"'))
        [d2] = e.deploy([v1])
        assert (d1.version, d2.version) == (1, 2)
        assert e.deploy([v1])[0].version == 2  # unchanged file: no new version
        new = e.start("ezd_archive", "t/OR.1.2.2026", {"archivist_group": "a", "head_group": "h"})
        preps = e.fetch_external_tasks(["ezd.archive-prepare"])
        assert {p.process_instance_id for p in preps} == {old.id, new.id}
        assert e.fetch_external_tasks(["ezd.archive-prepare"]) == []  # locked while a worker has them
        for prep in preps:
            e.complete_external_task(prep.id, {})
        names = {t.business_key: t.name for t in e.user_tasks(candidate_groups=["a"])}
        assert names == {"t/OR.1.1.2026": "Przyjęcie akt do archiwum", "t/OR.1.2.2026": "Przyjęcie akt (v2)"}
        uow.commit()


def test_deploy_rejects_unportable(app: App, tmp_path: Path) -> None:
    bad = tmp_path / "bad.bpmn"
    bad.write_text((BPMN / "incoming.bpmn").read_text().replace("${signed}", "${signed == true ? 1 : 0}"))
    with app.uow() as uow, pytest.raises(DeploymentRejected, match=r"bad\.bpmn"):
        _engine(app, uow.session).deploy([bad])


def test_completed_task_cannot_be_completed_twice(app: App) -> None:
    with app.uow() as uow:
        e = _engine(app, uow.session)
        e.deploy(sorted(BPMN.glob("*.bpmn")))
        e.start("ezd_case", "t/OR.0122.3.2026", CASE_VARS)
        [draft] = e.user_tasks(assignee="jan")
        e.complete_user_task(draft.id, {})
        with pytest.raises(TaskNotFound):
            e.complete_user_task(draft.id, {})
        uow.commit()


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from ezd.bootstrap import bootstrap
    from ezd.config import Settings
    from ezd.demo.driver import Demo
    from ezd.services import cases, intake
    import ezd.jobs.handlers as handlers
    from ezd.workers.inprocess import run_pending

    app = bootstrap(Settings(home=sys.argv[1]))
    demo = Demo(app)
    xml = open(sys.argv[2], "rb").read()
    kanc, boss, ref = (demo.actor(n) for n in ("mg.kancelaria", "mg.kierownik", "mg.referent"))
    reg = demo.step(lambda d: intake.register_incoming(d, kanc, tenant="ug-melgiew", data=xml, filename="k.xml"))
    run_pending(app)
    demo.step(lambda d: intake.decree(d, kanc, tenant="ug-melgiew", rpw=reg.sign, unit="OR"))
    demo.step(lambda d: intake.assign_referent(d, boss, tenant="ug-melgiew", rpw=reg.sign, referent="mg.referent"))
    demo.step(lambda d: cases.case_decision(d, ref, tenant="ug-melgiew", rpw=reg.sign, jrwa="0122"))
    real = handlers.HANDLERS["ezd.create-case"]
    def crash(task, deps):
        real(task, deps)                      # the case row exists in the open transaction...
        deps.session.flush()
        os.kill(os.getpid(), signal.SIGKILL)  # ...and the process dies before the commit
    handlers.HANDLERS["ezd.create-case"] = crash
    print(reg.sign, flush=True)
    run_pending(app)
    """
)


def test_kill_and_resume(seeded_app: App, tmp_path: Path) -> None:
    from sqlalchemy import select

    from ezd.db.tables import CaseFile, IncomingItem
    from ezd.workers.inprocess import run_pending
    from tests.conftest import embedded_env
    from tests.helpers import letter

    app = seeded_app
    letter_file = tmp_path / "letter.xml"
    letter_file.write_bytes(letter(7))
    script = tmp_path / "killme.py"
    script.write_text(KILL_SCRIPT)
    proc = subprocess.run(
        [sys.executable, str(script), str(app.settings.resolved_home), str(letter_file)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        env=embedded_env(app.settings.resolved_home),
    )
    assert proc.returncode == -9, proc.stderr
    rpw = proc.stdout.split()[0]
    with app.uow() as uow:
        assert uow.session.execute(select(CaseFile)).scalars().all() == []  # the killed step left nothing
        item = uow.session.execute(select(IncomingItem).where(IncomingItem.sign == rpw)).scalar_one()
        assert item.case_id is None
    # a new process picks up where the old one stopped
    assert run_pending(app) >= 1
    with app.uow() as uow:
        item = uow.session.execute(select(IncomingItem).where(IncomingItem.sign == rpw)).scalar_one()
        case = uow.session.get(CaseFile, item.case_id)
        assert case is not None and case.sign == f"OR.0122.1.{case.year}"
        tasks = app.engine(uow.session).user_tasks(business_key=f"ug-melgiew/{case.sign}")
        assert [t.task_key for t in tasks] == ["Task_Draft"]
