"""Server-rendered SVG of a case's BPMN processes with the current step and the path taken.

A process is drawn from its own diagram interchange (:mod:`ezd.web.diagram_di`), as laid out in
Camunda Modeler.  Only a file without DI for a process gets the layout computed here: nodes in
columns by their longest distance from the start event (back edges of loops ignored), in
discovery order within a column.  Done steps are green, current steps yellow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ezd import xmlsafe
from ezd.services.queries.models import ProcessView
from ezd.web.diagram_di import Drawing, read_di, render_drawn

if TYPE_CHECKING:
    from ezd.bootstrap import App

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NODE_TAGS = {
    "startEvent": "event",
    "endEvent": "end",
    "intermediateCatchEvent": "event",
    "intermediateThrowEvent": "event",
    "boundaryEvent": "event",
    "exclusiveGateway": "gateway",
    "parallelGateway": "gateway",
    "eventBasedGateway": "gateway",
    "inclusiveGateway": "gateway",
    "userTask": "task",
    "serviceTask": "task",
    "scriptTask": "task",
    "sendTask": "task",
    "receiveTask": "task",
    "task": "task",
    "callActivity": "task",
}
COL_W, ROW_H, TASK_W, TASK_H, EVENT_R, GW = 170, 96, 130, 54, 16, 22
DONE, CURRENT, IDLE = "#cfe8cf", "#ffd970", "#ffffff"


@dataclass
class Process:
    key: str
    name: str
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (kind, name)
    flows: list[tuple[str, str, str]] = field(default_factory=list)  # (id, source, target)
    attached: dict[str, str] = field(default_factory=dict)  # boundary id -> task id
    flow_names: dict[str, str] = field(default_factory=dict)
    drawing: Drawing | None = None  # the file's DI for this process


def parse_processes(data: bytes) -> list[Process]:
    root = xmlsafe.parse(data)
    out = []
    for proc in root.iter(f"{{{BPMN_NS}}}process"):
        p = Process(proc.get("id", ""), proc.get("name") or proc.get("id", ""))
        for el in proc:
            tag = str(el.tag).split("}")[-1]
            if tag in NODE_TAGS:
                p.nodes[el.get("id", "")] = (NODE_TAGS[tag], el.get("name") or "")
                if tag == "boundaryEvent" and el.get("attachedToRef"):
                    p.attached[el.get("id", "")] = el.get("attachedToRef", "")
            elif tag == "sequenceFlow":
                p.flows.append((el.get("id", ""), el.get("sourceRef", ""), el.get("targetRef", "")))
                p.flow_names[el.get("id", "")] = el.get("name") or ""
        drawing = read_di(root, p.key)
        # drawn as the DI says only when it places every node (else the computed layout)
        p.drawing = drawing if drawing is not None and set(p.nodes) <= set(drawing.shapes) else None
        out.append(p)
    return out


@lru_cache(maxsize=8)
def _library(files: tuple[Path, ...]) -> dict[str, Process]:
    lib: dict[str, Process] = {}
    for path in files:
        for proc in parse_processes(path.read_bytes()):
            lib[proc.key] = proc
    return lib


def layout(p: Process) -> dict[str, tuple[int, int]]:
    edges: dict[str, list[str]] = {n: [] for n in p.nodes}
    for _, s, t in p.flows:
        edges.setdefault(s, []).append(t)
    for b, task in p.attached.items():
        edges.setdefault(task, []).append(b)
    starts = [
        n
        for n, (kind, _) in p.nodes.items()
        if kind == "event" and n not in p.attached and not any(t == n for _, _, t in p.flows)
    ]
    # drop back edges (DFS) so loops do not stretch the layout
    forward: dict[str, list[str]] = {n: [] for n in edges}
    state: dict[str, int] = {}
    order: list[str] = []

    def visit(n: str) -> None:
        state[n] = 1
        for m in edges.get(n, []):
            if state.get(m) == 1:
                continue
            forward[n].append(m)
            if m not in state:
                visit(m)
        state[n] = 2
        order.append(n)

    for s in starts or list(p.nodes)[:1]:
        if s not in state:
            visit(s)
    for n in p.nodes:
        if n not in state:
            visit(n)
    col: dict[str, int] = {n: 0 for n in p.nodes}
    for n in reversed(order):
        for m in forward.get(n, []):
            col[m] = max(col[m], col[n] + 1)
    rows: dict[int, int] = {}
    pos: dict[str, tuple[int, int]] = {}
    for n in reversed(order):
        if n not in p.nodes:
            continue
        c = col[n]
        r = rows.get(c, 0)
        rows[c] = r + 1
        pos[n] = (c, r)
    return pos


def _center(cell: tuple[int, int], x0: int, y0: int) -> tuple[float, float]:
    return x0 + cell[0] * COL_W + COL_W / 2, y0 + cell[1] * ROW_H + ROW_H / 2


def _label(text: str, width: int = 18) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > width and cur:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        lines.append(cur)
    return lines[:3]


def _render_drawn(
    p: Process, drawing: Drawing, visited: Iterable[str], active: Iterable[str], y0: int
) -> tuple[str, int, int]:
    title = (
        f'<text x="8" y="{y0 + 16}" font-size="14" font-weight="700" fill="#1a1a1a">{escape(p.name)}</text>'
    )
    flows = [(fid, s, t, p.flow_names.get(fid, "")) for fid, s, t in p.flows]
    body, height, width = render_drawn(
        drawing, p.nodes, flows, visited, active, y0 + 24, on_border=p.attached
    )
    return title + body, int(height) + 24, int(width)


def render_process(p: Process, visited: Iterable[str], active: Iterable[str], y0: int) -> tuple[str, int]:
    pos = layout(p)
    done, now = set(visited), set(active)
    parts = [
        f'<text x="8" y="{y0 + 16}" font-size="14" font-weight="700" fill="#1a1a1a">{escape(p.name)}</text>'
    ]
    y0 += 24
    for fid, s, t in p.flows:
        if s not in pos or t not in pos:
            continue
        (x1, y1), (x2, y2) = _center(pos[s], 8, y0), _center(pos[t], 8, y0)
        taken = s in done and (t in done or t in now)
        mid = (x1 + x2) / 2
        parts.append(
            f'<path d="M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}" fill="none" '  # noqa: E501 - SVG markup reads best on one line
            f'stroke="{"#1d5e20" if taken else "#8a8a8a"}" stroke-width="{3 if taken else 1.4}" marker-end="url(#arrow)" '  # noqa: E501 - SVG markup reads best on one line
            f'data-flow="{escape(fid)}"/>'
        )
    for b, task in p.attached.items():
        if b in pos and task in pos:
            (x1, y1), (x2, y2) = _center(pos[task], 8, y0), _center(pos[b], 8, y0)
            parts.append(
                f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#8a8a8a" stroke-dasharray="4 3"/>'  # noqa: E501 - SVG markup reads best on one line
            )
    for nid, (kind, name) in p.nodes.items():
        if nid not in pos:
            continue
        cx, cy = _center(pos[nid], 8, y0)
        fill = CURRENT if nid in now else DONE if nid in done else IDLE
        status = "current" if nid in now else "done" if nid in done else "idle"
        stroke = "#1a1a1a"
        attrs = f'data-id="{escape(nid)}" data-status="{status}"'
        if kind == "task":
            parts.append(
                f'<rect {attrs} x="{cx - TASK_W / 2:.0f}" y="{cy - TASK_H / 2:.0f}" width="{TASK_W}" height="{TASK_H}" rx="8" '  # noqa: E501 - SVG markup reads best on one line
                f'fill="{fill}" stroke="{stroke}" stroke-width="{3 if nid in now else 1.2}"/>'
            )
            lines = _label(name or nid)
            for k, line in enumerate(lines):
                ty = cy - (len(lines) - 1) * 7 + k * 14 + 4
                parts.append(
                    f'<text x="{cx:.0f}" y="{ty:.0f}" text-anchor="middle" font-size="11" fill="#1a1a1a">{escape(line)}</text>'  # noqa: E501 - SVG markup reads best on one line
                )
        elif kind == "gateway":
            parts.append(
                f'<polygon {attrs} points="{cx:.0f},{cy - GW:.0f} {cx + GW:.0f},{cy:.0f} {cx:.0f},{cy + GW:.0f} {cx - GW:.0f},{cy:.0f}" '  # noqa: E501 - SVG markup reads best on one line
                f'fill="{fill}" stroke="{stroke}" stroke-width="1.2"/>'
            )
            if name:
                parts.append(
                    f'<text x="{cx:.0f}" y="{cy - GW - 4:.0f}" text-anchor="middle" font-size="10" fill="#1a1a1a">{escape(name[:28])}</text>'  # noqa: E501 - SVG markup reads best on one line
                )
        else:
            width = 3.5 if kind == "end" else 1.4
            parts.append(
                f'<circle {attrs} cx="{cx:.0f}" cy="{cy:.0f}" r="{EVENT_R}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'  # noqa: E501 - SVG markup reads best on one line
            )
            if name:
                parts.append(
                    f'<text x="{cx:.0f}" y="{cy + EVENT_R + 13:.0f}" text-anchor="middle" font-size="10" fill="#1a1a1a">{escape(name[:30])}</text>'  # noqa: E501 - SVG markup reads best on one line
                )
    height = (max((r for _, r in pos.values()), default=0) + 1) * ROW_H + 24
    width = (max((c for c, _ in pos.values()), default=0) + 1) * COL_W + 16
    return "".join(parts), height


def render_svg(library: Mapping[str, Process], processes: Sequence[ProcessView]) -> str:
    body, y, width = [], 0, 400
    for info in processes:
        proc = library.get(info.process_key)
        if proc is None:
            continue
        if proc.drawing is not None:
            part, height, drawn_width = _render_drawn(proc, proc.drawing, info.visited, info.active, y)
            width = max(width, drawn_width)
        else:
            part, height = render_process(proc, info.visited, info.active, y)
            cols = max((c for c, _ in layout(proc).values()), default=0) + 1
            width = max(width, cols * COL_W + 16)
        body.append(part)
        y += height + 12
    desc = "; ".join(
        f"{i.process_key}: {', '.join(i.active) or ('zakończony' if i.ended else '—')}" for i in processes
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{max(y, 40)}" '
        f'viewBox="0 0 {width} {max(y, 40)}" font-family="system-ui, Arial, sans-serif">'
        f"<title>{escape(desc)}</title>"
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'  # noqa: E501 - SVG markup reads best on one line
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>' + "".join(body) + "</svg>"
    )


def render_case_diagram(app: App, processes: Sequence[ProcessView]) -> str:
    return render_svg(_library(tuple(app.bpmn_files)), processes)
