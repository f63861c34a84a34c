"""A user task added as in Camunda Modeler ("Kontrola formalna", an enum field and a gateway on it)
to a copy of bpmn/incoming.bpmn: deployed with ``ezd bpmn deploy``, listed and completed with
``ezd task``, its values validated, tested by the gateway and recorded in the metryka."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from ezd.bootstrap import App
from ezd.config import PACKAGE_BPMN
from ezd.db.tables import MetrykaEntry
from ezd.services.audit import item_chain
from tests.office.test_office_cli import cli, listing, run_in_process
from tests.office.test_office_seal import register

FORMAL_CHECK = """
    <bpmn:userTask id="Task_FormalCheck" name="Kontrola formalna" camunda:candidateGroups="${kancelaria_group}">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="wynik" label="Wynik kontroli" type="enum">
            <camunda:validation><camunda:constraint name="required"/></camunda:validation>
            <camunda:value id="kompletne" name="Kompletne"/>
            <camunda:value id="braki" name="Braki formalne"/>
          </camunda:formField>
          <camunda:formField id="liczba_stron" label="Liczba stron" type="long">
            <camunda:validation>
              <camunda:constraint name="min" config="1"/><camunda:constraint name="max" config="500"/>
            </camunda:validation>
          </camunda:formField>
          <camunda:formField id="pilne" label="Pilne" type="boolean"/>
          <camunda:formField id="termin" label="Termin uzupełnienia" type="date"/>
        </camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_4b</bpmn:incoming>
      <bpmn:outgoing>Flow_Fc</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="Gw_Formal" name="Kompletne?">
      <bpmn:incoming>Flow_Fc</bpmn:incoming>
      <bpmn:outgoing>Flow_FcOk</bpmn:outgoing>
      <bpmn:outgoing>Flow_FcBraki</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="End_Braki" name="Braki formalne">
      <bpmn:incoming>Flow_FcBraki</bpmn:incoming>
    </bpmn:endEvent>
"""
FLOWS = """<bpmn:sequenceFlow id="Flow_4b" sourceRef="Task_IssueUpp" targetRef="Task_FormalCheck"/>
    <bpmn:sequenceFlow id="Flow_Fc" sourceRef="Task_FormalCheck" targetRef="Gw_Formal"/>
    <bpmn:sequenceFlow id="Flow_FcOk" name="tak" sourceRef="Gw_Formal" targetRef="Gw_DecreeJoin">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${wynik == 'kompletne'}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_FcBraki" name="nie" sourceRef="Gw_Formal" targetRef="End_Braki">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${wynik == 'braki'}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>"""


def with_formal_check(tmp_path: Path) -> Path:
    folder = tmp_path / "bpmn"
    shutil.copytree(PACKAGE_BPMN, folder)
    path = folder / "incoming.bpmn"
    xml = path.read_text(encoding="utf-8")
    # the check goes between the UPP and the decree (the join where returned letters come back)
    join = '    <bpmn:exclusiveGateway id="Gw_DecreeJoin">'
    old_flow = '<bpmn:sequenceFlow id="Flow_4b" sourceRef="Task_IssueUpp" targetRef="Gw_DecreeJoin"/>'
    join_in = "<bpmn:incoming>Flow_4b</bpmn:incoming>\n      <bpmn:incoming>Flow_ReturnedToKancelaria</bpmn:incoming>"
    assert join in xml and old_flow in xml and join_in in xml
    xml = xml.replace(join, FORMAL_CHECK + join, 1).replace(old_flow, FLOWS, 1)
    xml = xml.replace(join_in, join_in.replace("Flow_4b", "Flow_FcOk"), 1)
    path.write_text(xml, encoding="utf-8")
    return folder


def open_keys(app: App, business_key: str) -> list[str]:
    with app.uow() as uow:
        return [t.task_key for t in app.engine(uow.session).user_tasks(business_key=business_key)]


def test_modeler_task_is_listed_validated_and_drives_the_gateway(
    seeded_app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app, home = seeded_app, seeded_app.settings.resolved_home
    folder = with_formal_check(tmp_path)
    deployed = listing(monkeypatch, capsys, home, "bpmn", "deploy", str(folder))
    assert [(d["process_key"], d["version"]) for d in deployed if d["new"]] == [("ezd_incoming", 2)]

    ok = register(app, "ug-melgiew", "mg.kancelaria", "Urząd Gminy Mełgiew", 11)
    gaps = register(app, "ug-melgiew", "mg.kancelaria", "Urząd Gminy Mełgiew", 12)
    tasks = {
        t["subject"]: t for t in listing(monkeypatch, capsys, home, "task", "list", "--as", "mg.kancelaria")
    }
    assert set(tasks) == {ok, gaps}
    form = tasks[ok]
    assert form["name"] == "Kontrola formalna"
    assert [(f["id"], f["type"], f["required"]) for f in form["fields"]][:2] == [
        ("wynik", "enum", True),
        ("liczba_stron", "long", False),
    ]
    assert listing(monkeypatch, capsys, home, "task", "list", "--as", "mg.referent") == []  # not their group

    def complete(task_id: str, *values: str) -> list[str]:
        return [
            "task",
            "complete",
            task_id,
            "--as",
            "mg.kancelaria",
            *(a for v in values for a in ("--set", v)),
        ]

    assert "jest wymagane" in cli(monkeypatch, capsys, home, *complete(form["id"], "liczba_stron=3"))
    assert "wybierz jedną z wartości" in cli(monkeypatch, capsys, home, *complete(form["id"], "wynik=może"))
    assert "co najwyżej 500" in cli(
        monkeypatch, capsys, home, *complete(form["id"], "wynik=kompletne", "liczba_stron=900")
    )
    assert "dd.mm.rrrr" in cli(
        monkeypatch, capsys, home, *complete(form["id"], "wynik=kompletne", "termin=jutro")
    )
    assert "nie ma pól: nieznane" in cli(
        monkeypatch, capsys, home, *complete(form["id"], "wynik=kompletne", "nieznane=1")
    )
    assert open_keys(app, f"ug-melgiew/{ok}") == ["Task_FormalCheck"]  # refused values changed nothing

    done = complete(form["id"], "wynik=kompletne", "liczba_stron=3", "pilne=tak", "termin=31.12.2026")
    assert run_in_process(monkeypatch, capsys, home, *done)[0] == 0
    assert open_keys(app, f"ug-melgiew/{ok}") == ["Task_Decree"]  # the gateway took "tak"
    done = complete(tasks[gaps]["id"], "wynik=braki")
    assert run_in_process(monkeypatch, capsys, home, *done)[0] == 0
    assert open_keys(app, f"ug-melgiew/{gaps}") == []  # ended at "Braki formalne"

    with app.uow() as uow:
        (details,) = uow.session.execute(
            select(MetrykaEntry.details).where(
                MetrykaEntry.chain_key == item_chain("ug-melgiew", ok),
                MetrykaEntry.action == "zadanie_wykonane",
            )
        ).scalars()
    assert details["zadanie"] == "Kontrola formalna"
    assert json.dumps(details["wartosci"], sort_keys=True) == json.dumps(
        {"liczba_stron": 3, "pilne": True, "termin": "2026-12-31", "wynik": "kompletne"}, sort_keys=True
    )


def test_domain_task_keeps_its_own_screen(
    seeded_app: App, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rpw = register(seeded_app, "ug-melgiew", "mg.kancelaria", "Urząd Gminy Mełgiew", 13)
    with seeded_app.uow() as uow:
        (decree,) = seeded_app.engine(uow.session).user_tasks(business_key=f"ug-melgiew/{rpw}")
    home = seeded_app.settings.resolved_home
    assert listing(monkeypatch, capsys, home, "task", "list", "--as", "mg.kancelaria") == []
    assert "własny ekran" in cli(
        monkeypatch, capsys, home, "task", "complete", decree.id, "--as", "mg.kancelaria"
    )
