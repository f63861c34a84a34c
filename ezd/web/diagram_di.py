"""A process drawn as its BPMN diagram interchange (DI) says: the shapes' bounds and the flows'
waypoints as laid out in Camunda Modeler, so a process changed there appears on the case page as
it was drawn.  Done steps green, the current step yellow with a thick border (the same marks as
the computed layout of :mod:`ezd.web.diagram`, which remains for a file without DI).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape

from lxml import etree

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
DONE, CURRENT, IDLE = "#cfe8cf", "#ffd970", "#ffffff"
MARGIN = 64  # room beside the first and last events for their names

Box = tuple[float, float, float, float]  # x, y, width, height


@dataclass
class Drawing:
    shapes: dict[str, Box] = field(default_factory=dict)
    edges: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


def read_di(root: etree._Element, process_id: str) -> Drawing | None:
    """The DI of one process (its plane), or None when the file has none for it."""
    for plane in root.iter(f"{{{BPMNDI}}}BPMNPlane"):
        if plane.get("bpmnElement") != process_id:
            continue
        drawing = Drawing()
        for shape in plane.iter(f"{{{BPMNDI}}}BPMNShape"):
            b = shape.find(f"{{{DC}}}Bounds")
            if b is not None:
                box = tuple(float(b.get(k) or 0) for k in ("x", "y", "width", "height"))
                drawing.shapes[shape.get("bpmnElement") or ""] = (box[0], box[1], box[2], box[3])
        for edge in plane.iter(f"{{{BPMNDI}}}BPMNEdge"):
            points = [
                (float(w.get("x") or 0), float(w.get("y") or 0)) for w in edge.iter(f"{{{DI}}}waypoint")
            ]
            drawing.edges[edge.get("bpmnElement") or ""] = points
        return drawing
    return None


def _lines(text: str, width: int) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > width and cur:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return ([*lines, cur] if cur else lines)[:4]


def _text(x: float, y: float, text: str, size: int = 11, anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}" font-size="{size}" fill="#1a1a1a">'
        f"{escape(text)}</text>"
    )


def render_drawn(
    drawing: Drawing,
    nodes: Mapping[str, tuple[str, str]],
    flows: Iterable[tuple[str, str, str, str]],
    visited: Iterable[str],
    active: Iterable[str],
    y0: float,
    on_border: Iterable[str] = (),
) -> tuple[str, float, float]:
    """SVG elements of the process, shifted to start at (MARGIN, y0); with its height and width."""
    done, now = set(visited), set(active)
    boxes = [drawing.shapes[n] for n in nodes if n in drawing.shapes]
    points = [p for pts in drawing.edges.values() for p in pts]
    min_x = min([b[0] for b in boxes] + [p[0] for p in points], default=0)
    min_y = min([b[1] for b in boxes] + [p[1] for p in points], default=0)
    max_x = max([b[0] + b[2] for b in boxes] + [p[0] for p in points], default=0)
    max_y = max([b[1] + b[3] for b in boxes] + [p[1] for p in points], default=0)
    dx, dy = MARGIN - min_x, y0 + 16 - min_y  # room above for the gateways' names

    parts: list[str] = []
    for fid, source, target, name in flows:
        pts = drawing.edges.get(fid)
        if not pts or len(pts) < 2:
            continue
        taken = source in done and (target in done or target in now)
        path = " ".join(f"{x + dx:.0f},{y + dy:.0f}" for x, y in pts)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{"#1d5e20" if taken else "#6b6b6b"}" '
            f'stroke-width="{3 if taken else 1.4}" marker-end="url(#arrow)" data-flow="{escape(fid)}"/>'
        )
        if name:  # beside the flow's first bend, where Modeler puts a new label
            (x1, y1), (x2, y2) = pts[0], pts[1]
            parts.append(_text((x1 + x2) / 2 + dx + 6, (y1 + y2) / 2 + dy - 5, name, 10, "start"))
    # boundary events last: they sit on their task's border
    border = set(on_border)
    order = sorted(nodes.items(), key=lambda item: item[0] in border)
    for nid, (kind, name) in order:
        if nid not in drawing.shapes:
            continue
        x, y, w, h = drawing.shapes[nid]
        x, y = x + dx, y + dy
        cx, cy = x + w / 2, y + h / 2
        fill = CURRENT if nid in now else DONE if nid in done else IDLE
        status = "current" if nid in now else "done" if nid in done else "idle"
        attrs = f'data-id="{escape(nid)}" data-status="{status}"'
        if kind == "task":
            parts.append(
                f'<rect {attrs} x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="10" '
                f'fill="{fill}" stroke="#1a1a1a" stroke-width="{3 if nid in now else 1.2}"/>'
            )
            lines = _lines(name or nid, max(8, int(w / 6.5)))
            for k, line in enumerate(lines):
                parts.append(_text(cx, cy - (len(lines) - 1) * 7 + k * 14 + 4, line))
        elif kind == "gateway":
            corners = f"{cx:.0f},{y:.0f} {x + w:.0f},{cy:.0f} {cx:.0f},{y + h:.0f} {x:.0f},{cy:.0f}"
            parts.append(
                f'<polygon {attrs} points="{corners}" fill="{fill}" stroke="#1a1a1a" '
                f'stroke-width="{3 if nid in now else 1.2}"/>'
            )
            if name:
                parts.append(_text(cx, y - 5, name[:30], 10))
        else:
            width = 3.5 if kind == "end" else 3 if nid in now else 1.4
            parts.append(
                f'<circle {attrs} cx="{cx:.0f}" cy="{cy:.0f}" r="{w / 2:.0f}" fill="{fill}" '
                f'stroke="#1a1a1a" stroke-width="{width}"/>'
            )
            if name:
                parts.append(_text(cx, y + h + 13, name[:30], 10))
    return "".join(parts), max_y - min_y + 16 + 24, max_x - min_x + 2 * MARGIN


__all__ = ["Drawing", "read_di", "render_drawn"]
