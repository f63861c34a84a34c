"""The case page draws a process from its own diagram interchange: a shape moved in Camunda
Modeler is drawn where it was moved, flows follow their waypoints, and the current step and the
path taken stay marked."""

from __future__ import annotations

import re
from pathlib import Path

from ezd.services.queries.models import ProcessView
from ezd.web.diagram import parse_processes, render_svg

CASE = Path(__file__).resolve().parents[2] / "bpmn" / "case_handling.bpmn"


def _svg(data: bytes, active: list[str], visited: list[str]) -> str:
    library = {p.key: p for p in parse_processes(data)}
    view = ProcessView(process_key="ezd_case", instance_id="i", ended=False, active=active, visited=visited)
    return render_svg(library, [view])


def _rect(svg: str, node: str) -> tuple[int, int]:
    m = re.search(rf'<rect data-id="{node}" data-status="\w+" x="(-?\d+)" y="(-?\d+)"', svg)
    assert m, node
    return int(m.group(1)), int(m.group(2))


def test_shapes_and_flows_are_drawn_where_the_modeler_put_them() -> None:
    data = CASE.read_bytes()
    svg = _svg(data, ["Task_Approve"], ["Start_CaseOpened", "Task_Draft", "Gw_Opinions"])
    assert re.search(r'data-id="Task_Approve" data-status="current"', svg)
    assert re.search(r'data-id="Task_Draft" data-status="done"', svg)
    draft, approve = _rect(svg, "Task_Draft"), _rect(svg, "Task_Approve")
    assert approve[0] - draft[0] == 840 - 330 and approve[1] == draft[1]  # the DI's distances
    # Flow_Returned goes round underneath, through its four waypoints
    (returned,) = re.findall(r'<polyline points="([^"]+)"[^>]*data-flow="Flow_Returned"', svg)
    assert len(returned.split()) == 4

    moved = data.replace(
        b'bpmnElement="Task_Approve">\n        <dc:Bounds x="840" y="80"',
        b'bpmnElement="Task_Approve">\n        <dc:Bounds x="840" y="400"',
    )
    assert moved != data
    again = _svg(moved, ["Task_Approve"], [])
    assert _rect(again, "Task_Approve")[1] - _rect(again, "Task_Draft")[1] == 320


def test_a_file_without_di_gets_the_computed_layout() -> None:
    data = re.sub(rb"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", b"", CASE.read_bytes(), flags=re.S)
    svg = _svg(data, ["Task_Approve"], [])
    assert 'data-id="Task_Approve" data-status="current"' in svg and "<polyline" not in svg
