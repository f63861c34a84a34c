"""The diagrams read right: no sequence flow is drawn through a shape it does not connect, and
each flow starts at its source and ends at its target (as Camunda Modeler and the case page
draw them from the diagram interchange)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ezd import xmlsafe

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
TOUCH = 3.0  # a flow's end may sit this far from its shape's border (Modeler snaps to it)

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Point = tuple[float, float]


def _crosses(a: Point, b: Point, box: Box) -> bool:
    """Whether the segment a-b enters the box's interior (its border shrunk by TOUCH)."""
    x0, y0, x1, y1 = box[0] + TOUCH, box[1] + TOUCH, box[2] - TOUCH, box[3] - TOUCH
    if x0 >= x1 or y0 >= y1:
        return False
    # Liang-Barsky clipping of the segment against the shrunk box
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return t1 - t0 > 1e-9


def _near(p: Point, box: Box) -> bool:
    return box[0] - TOUCH <= p[0] <= box[2] + TOUCH and box[1] - TOUCH <= p[1] <= box[3] + TOUCH


def _diagram(path: Path) -> tuple[dict[str, Box], dict[str, tuple[str, str, list[Point]]]]:
    root = xmlsafe.parse(path.read_bytes())
    shapes: dict[str, Box] = {}
    # pools and lanes contain their flows: only the elements a flow passes are obstacles
    containers = {el.get("id") for tag in ("participant", "lane") for el in root.iter(f"{{{BPMN}}}{tag}")}
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
        if shape.get("bpmnElement") in containers:
            continue
        b = shape.find(f"{{{DC}}}Bounds")
        assert b is not None
        x, y, w, h = (float(b.get(k) or 0) for k in ("x", "y", "width", "height"))
        shapes[shape.get("bpmnElement") or ""] = (x, y, x + w, y + h)
    ends = {
        f.get("id"): (f.get("sourceRef") or "", f.get("targetRef") or "")
        for f in root.iter(f"{{{BPMN}}}sequenceFlow")
    }
    edges: dict[str, tuple[str, str, list[Point]]] = {}
    for edge in root.iter(f"{{{BPMNDI}}}BPMNEdge"):
        flow = edge.get("bpmnElement") or ""
        if flow in ends:
            points = [
                (float(w.get("x") or 0), float(w.get("y") or 0)) for w in edge.iter(f"{{{DI}}}waypoint")
            ]
            edges[flow] = (*ends[flow], points)
    return shapes, edges


@pytest.mark.parametrize("path", sorted(BPMN_DIR.glob("*.bpmn")), ids=lambda p: p.name)
def test_no_flow_is_drawn_through_a_shape(path: Path) -> None:
    shapes, edges = _diagram(path)
    assert edges
    problems = []
    for flow, (source, target, points) in edges.items():
        assert len(points) >= 2, flow
        if not _near(points[0], shapes[source]) or not _near(points[-1], shapes[target]):
            problems.append(f"{flow} does not run from {source} to {target}")
        for element, box in shapes.items():
            if element in (source, target):
                continue
            if any(_crosses(a, b, box) for a, b in itertools.pairwise(points)):
                problems.append(f"{flow} ({source} → {target}) is drawn through {element}")
    assert not problems, problems


def test_the_check_sees_a_flow_through_a_task() -> None:
    box = (650.0, 40.0, 750.0, 120.0)  # Task_VerifySignature
    assert _crosses((545, 80), (855, 80), box)  # the old Flow_Unsigned
    assert not _crosses((520, 170), (880, 170), box)  # round it, below
    assert not _crosses((750, 80), (855, 80), box)  # leaving it from its border
