"""The portable JUEL subset and the deploy-time BPMN check."""

from __future__ import annotations

from pathlib import Path

import pytest

from ezd.workflow.juel import JuelError, evaluate
from ezd.workflow.lint import check_definitions
from ezd.workflow.port import DeploymentRejected

BPMN = Path(__file__).resolve().parents[2] / "bpmn"


@pytest.mark.parametrize(
    ("expr", "variables", "expected"),
    [
        ("${approved}", {"approved": True}, True),
        ("${!approved}", {"approved": True}, False),
        ("${case_action == 'attach'}", {"case_action": "attach"}, True),
        ('${case_action eq "new"}', {"case_action": "attach"}, False),
        ("${n >= 3 && (a || not b)}", {"n": 3, "a": False, "b": False}, True),
        ("${empty jrwa}", {"jrwa": ""}, True),
        ("${empty items}", {"items": [1]}, False),
        ("${x == null}", {"x": None}, True),
        ("${1.5 lt 2}", {}, True),
    ],
)
def test_juel_subset(expr: str, variables: dict[str, object], expected: object) -> None:
    assert evaluate(expr, variables) == expected


@pytest.mark.parametrize(
    "expr", ["${a.b}", "${f(x)}", "${a + 1}", "${a ? b : c}", "${a[0]}", "approved", "${${a}}"]
)
def test_juel_rejects_outside_subset(expr: str) -> None:
    with pytest.raises(JuelError):
        evaluate(expr, {"a": 1, "b": 2, "c": 3, "x": 1, "approved": True})


def test_unknown_variable_is_an_error() -> None:
    with pytest.raises(JuelError, match="unknown process variable 'missing'"):
        evaluate("${missing}", {})


def test_project_bpmn_files_pass() -> None:
    keys = {p.key for f in BPMN.glob("*.bpmn") for p in check_definitions(f.read_bytes(), f.name)}
    assert {"ezd_incoming", "ezd_case", "ezd_archive"} <= keys


def _with(text_old: str, text_new: str) -> bytes:
    return (BPMN / "case_handling.bpmn").read_text().replace(text_old, text_new, 1).encode()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("${approved &amp;&amp; chain_done}", "${approved ? 1 : 0}", "unsupported syntax"),
        ('camunda:collection="opinion_groups"', 'camunda:collection="${groups()}"', "a variable name"),
        ('camunda:elementVariable="opinion_group"', "", "camunda:elementVariable"),
        (
            'camunda:elementVariable="opinion_group"/>',
            'camunda:elementVariable="opinion_group"><bpmn:loopCardinality>3</bpmn:loopCardinality>'
            "</bpmn:multiInstanceLoopCharacteristics>",
            "loopCardinality.* is not supported",
        ),
        ('camunda:historyTimeToLive="P3650D"', "", "historyTimeToLive"),
        ('camunda:type="external" camunda:topic="ezd.sign"', 'camunda:class="x.Y"', "camunda:class"),
        ("${reminder_after}", "tomorrow", "not an ISO-8601 duration"),
        (
            '<bpmn:endEvent id="End_Closed"',
            '<bpmn:scriptTask id="S1"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="End_Closed"',
            "scriptTask 'S1' .* is not supported",
        ),
    ],
)
def test_lint_rejects(old: str, new: str, message: str) -> None:
    with pytest.raises(DeploymentRejected, match=message):
        check_definitions(_with(old, new), "case_handling.bpmn")


def test_lint_rejects_hostile_xml() -> None:
    with pytest.raises(DeploymentRejected, match="DOCTYPE"):
        check_definitions(b'<!DOCTYPE d [<!ENTITY a "x">]><d/>', "x.bpmn")


def test_every_element_has_diagram_interchange() -> None:
    """Camunda Modeler draws only what has DI: every flow node and sequence flow needs a shape/edge."""
    from ezd import xmlsafe

    bpmn, bpmndi = "http://www.omg.org/spec/BPMN/20100524/MODEL", "http://www.omg.org/spec/BPMN/20100524/DI"
    for f in BPMN.glob("*.bpmn"):
        root = xmlsafe.parse(f.read_bytes())
        drawn = {el.get("bpmnElement") for el in root.iter(f"{{{bpmndi}}}BPMNShape", f"{{{bpmndi}}}BPMNEdge")}
        proc = root.find(f"{{{bpmn}}}process")
        assert proc is not None
        elements = {
            el.get("id")
            for el in proc
            if isinstance(el.tag, str)
            and el.tag.split("}")[1] not in ("documentation", "laneSet", "extensionElements")
        }
        assert elements and elements <= drawn, (f.name, elements - drawn)
