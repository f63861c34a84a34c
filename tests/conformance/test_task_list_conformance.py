"""Whose tasks a list shows, on both engines: a clerk's own tasks *or* the unclaimed tasks of
their groups (one query, as ``my_tasks`` asks it).  Operaton used to AND the two filters, so an
office's unclaimed group tasks were missing from every clerk's list there."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.conformance.conftest import Stack

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_{key}" targetNamespace="http://ezd/test">
  <bpmn:process id="{key}" isExecutable="true" camunda:historyTimeToLive="P30D">
    <bpmn:startEvent id="Start_Letter"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Check" name="Sprawdzenie" camunda:candidateGroups="{group}">
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End_Checked"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_Letter" targetRef="Task_Check"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Check" targetRef="End_Checked"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_own_or_unclaimed_group_tasks(engine_stack: Stack, tmp_path: Path) -> None:
    app, run = engine_stack.app, uuid.uuid4().hex[:8]
    key, group = f"ezd_list_{run}", f"t{run}:kancelaria"
    path = tmp_path / f"{key}.bpmn"
    path.write_text(PROCESS.format(key=key, group=group), encoding="utf-8")
    with app.uow() as uow:
        engine = app.engine(uow.session)
        engine.deploy([path])
        for name in ("open", "jan", "ewa", "other"):
            engine.start(key, f"t{run}/{name}", {})
        uow.commit()
    with app.uow() as uow:
        engine = app.engine(uow.session)
        # started on Operaton after the commit (the outbox), so found by business key
        tasks = {t.business_key: t for t in engine.user_tasks() if t.process_key == key}
        engine.claim(tasks[f"t{run}/jan"].id, "jan")
        engine.claim(tasks[f"t{run}/ewa"].id, "ewa")
        uow.commit()
    with app.uow() as uow:
        engine = app.engine(uow.session)

        def listed(assignee: str | None, groups: list[str] | None) -> set[str]:
            found = engine.user_tasks(assignee=assignee, candidate_groups=groups)
            return {t.business_key.split("/")[1] for t in found if t.process_key == key}

        # own claimed task, and the group's unclaimed ones (not a colleague's claimed task)
        assert listed("jan", [group]) == {"open", "jan", "other"}
        assert listed("jan", ["elsewhere:kancelaria"]) == {"jan"}
        assert listed("jan", None) == {"jan"}
        assert listed("nobody", [group]) == {"open", "other"}
        assert listed("jan", []) == {"jan"}
