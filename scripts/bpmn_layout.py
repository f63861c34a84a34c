"""Write BPMN diagram interchange (DI) into the process files, so Camunda Modeler shows them.

    python scripts/bpmn_layout.py bpmn/*.bpmn

The layout is the one the web UI draws (``ezd.web.diagram.layout``): columns by distance from
the start event, loops drawn back underneath.  Existing ``bpmndi:BPMNDiagram`` sections are
replaced; the process definitions themselves are not touched.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ezd import xmlsafe  # noqa: E402
from ezd.web.diagram import layout as grid_layout  # noqa: E402
from ezd.web.diagram import parse_processes  # noqa: E402

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
COL_W, ROW_H, X0, Y0 = 180, 130, 160, 80
SIZE = {"task": (100, 80), "gateway": (50, 50), "event": (36, 36), "end": (36, 36)}


def _bounds(kind: str, cx: float, cy: float) -> tuple[float, float, float, float]:
    w, h = SIZE[kind]
    return cx - w / 2, cy - h / 2, w, h


def add_di(path: Path) -> None:
    data = path.read_bytes()
    parsed = xmlsafe.parse(data)
    for old in parsed.findall(f"{{{BPMNDI}}}BPMNDiagram"):
        parsed.remove(old)
    # lxml cannot add prefixes to an existing element: rebuild the root with the DI namespaces
    nsmap = {**parsed.nsmap, "bpmndi": BPMNDI, "dc": DC, "di": DI}
    root = etree.Element(parsed.tag, attrib=dict(parsed.attrib), nsmap=nsmap)
    root.extend(list(parsed))
    for proc in parse_processes(data):
        cells = grid_layout(proc)
        centers: dict[str, tuple[float, float]] = {}
        boxes: dict[str, tuple[float, float, float, float]] = {}
        for node, (kind, _) in proc.nodes.items():
            if node in proc.attached:
                continue
            c, r = cells[node]
            centers[node] = (X0 + c * COL_W, Y0 + r * ROW_H)
            boxes[node] = _bounds(kind, *centers[node])
        for boundary, task in proc.attached.items():
            tx, ty, tw, th = boxes[task]
            centers[boundary] = (tx + tw - 20, ty + th)  # on the task's lower edge
            boxes[boundary] = _bounds("event", *centers[boundary])
        diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id=f"BPMNDiagram_{proc.key}")
        plane = etree.SubElement(
            diagram, f"{{{BPMNDI}}}BPMNPlane", id=f"BPMNPlane_{proc.key}", bpmnElement=proc.key
        )
        for node, (x, y, w, h) in boxes.items():
            shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{node}_di", bpmnElement=node)
            etree.SubElement(
                shape, f"{{{DC}}}Bounds", x=f"{x:.0f}", y=f"{y:.0f}", width=f"{w:.0f}", height=f"{h:.0f}"
            )
        for fid, src, tgt in proc.flows:
            edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{fid}_di", bpmnElement=fid)
            sx, sy, sw, sh = boxes[src]
            tx, ty, tw, th = boxes[tgt]
            if src in proc.attached:  # from a boundary event: leave downwards
                points = [(sx + sw / 2, sy + sh), (sx + sw / 2, ty + th / 2), (tx, ty + th / 2)]
            elif tx > sx:  # forward: right edge to left edge, with an elbow between rows
                x1, y1, x2, y2 = sx + sw, sy + sh / 2, tx, ty + th / 2
                mid = (x1 + x2) / 2
                points = [(x1, y1), (mid, y1), (mid, y2), (x2, y2)] if y1 != y2 else [(x1, y1), (x2, y2)]
            else:  # loop back: below both shapes
                low = max(sy + sh, ty + th) + 30
                points = [
                    (sx + sw / 2, sy + sh),
                    (sx + sw / 2, low),
                    (tx + tw / 2, low),
                    (tx + tw / 2, ty + th),
                ]
            for x, y in points:
                etree.SubElement(edge, f"{{{DI}}}waypoint", x=f"{x:.0f}", y=f"{y:.0f}")
    etree.indent(root, space="  ")
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n")


def main(argv: list[str]) -> None:
    for name in argv or [str(p) for p in sorted((ROOT / "bpmn").glob("*.bpmn"))]:
        add_di(Path(name))
        print(f"DI written: {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
