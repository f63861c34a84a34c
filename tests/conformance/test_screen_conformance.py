"""Domain screens find their task by ``ezd:screen``, not by its id, on both engines.

A copy of bpmn/incoming.bpmn with the decree task renamed as an office might in Camunda Modeler
(``Task_Decree`` → ``Task_Dekretacja``, its ``ezd:screen=decree`` property kept) is deployed; a
letter is decreed through the same service as the item page, and goes on to the assignment.
A renamed task that lost the property is refused at deploy time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ezd.config import PACKAGE_BPMN
from ezd.demo.driver import Demo
from ezd.services import intake
from ezd.services.intake import register_incoming
from ezd.services.tasks import by_screen
from ezd.workflow.lint import check_deployable
from ezd.workflow.port import DeploymentRejected
from ezd.workflow.screens import PROPERTY
from tests.conformance.conftest import Stack
from tests.helpers import actor, letter

OFFICE = "ug-melgiew"


def renamed(tmp_path: Path, keep_property: bool = True) -> Path:
    folder = tmp_path / "bpmn"
    shutil.copytree(PACKAGE_BPMN, folder)
    path = folder / "incoming.bpmn"
    xml = path.read_text(encoding="utf-8")
    assert f'name="{PROPERTY}" value="decree"' in xml  # ezd's own diagram declares its screens
    xml = xml.replace("Task_Decree", "Task_Dekretacja")
    if not keep_property:
        xml = xml.replace(f'<camunda:property name="{PROPERTY}" value="decree"/>', "")
    path.write_text(xml, encoding="utf-8")
    return folder


def test_renamed_decree_task_keeps_its_screen(engine_stack: Stack, tmp_path: Path) -> None:
    app = engine_stack.app
    Demo(app).prepare()
    deployed = {d.process_key: d for d in app.deploy_processes(renamed(tmp_path))}
    assert deployed["ezd_incoming"].new
    clerk = actor(app, "mg.kancelaria")
    with app.uow() as uow:
        rpw = register_incoming(
            app.deps(uow.session), clerk, tenant=OFFICE, data=letter(41), filename="p.xml"
        ).sign
        uow.commit()
    engine_stack.work()
    key = f"{OFFICE}/{rpw}"
    with app.uow() as uow:
        engine = app.engine(uow.session)
        open_tasks = by_screen(engine, engine.user_tasks(business_key=key))
        assert {s: t.task_key for s, t in open_tasks.items()} == {"decree": "Task_Dekretacja"}
        intake.decree(app.deps(uow.session), clerk, tenant=OFFICE, rpw=rpw, unit="OR")
        uow.commit()
    engine_stack.work()
    with app.uow() as uow:
        engine = app.engine(uow.session)
        assert [t.task_key for t in engine.user_tasks(business_key=key)] == ["Task_AssignReferent"]


def test_a_screen_without_its_task_is_refused_at_deploy(tmp_path: Path) -> None:
    path = renamed(tmp_path, keep_property=False) / "incoming.bpmn"
    with pytest.raises(DeploymentRejected, match="ekranu 'decree'"):
        check_deployable(path.read_bytes(), path.name, known_topics={"ezd.any"} | _topics(path))
    clash = path.read_text(encoding="utf-8").replace(
        'value="assign_referent"', 'value="decree"'
    )  # Task_AssignReferent claiming the decree screen
    with pytest.raises(DeploymentRejected, match="zmień identyfikator"):
        check_deployable(clash.encode(), path.name, known_topics=_topics(path))


def _topics(path: Path) -> set[str]:
    import re

    return set(re.findall(r'camunda:topic="([^"]+)"', path.read_text(encoding="utf-8")))
