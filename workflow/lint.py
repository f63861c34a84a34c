"""Deploy-time check that a BPMN file stays inside what both engines run identically.

Both adapters call :func:`check_definitions` before deploying, so an unsupported construct is
rejected with one clear error instead of behaving differently on SpiffWorkflow and Operaton.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from lxml import etree

from ezd import xmlsafe
from ezd.workflow.juel import JuelError, compile_expression, is_expression
from ezd.workflow.port import DeploymentRejected

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

_ALLOWED = {
    "definitions", "process", "documentation", "message", "error", "signal", "collaboration", "participant",
    "laneSet", "lane", "flowNodeRef", "textAnnotation", "text", "association",
    "startEvent", "endEvent", "intermediateCatchEvent", "boundaryEvent",
    "userTask", "serviceTask", "manualTask", "task",
    # a collaboration's pools exchange messages: a send task is an external task like a service
    # task; a receive task waits for a message (and can carry boundary timers, unlike a catch event)
    "sendTask", "receiveTask", "messageFlow",
    "exclusiveGateway", "parallelGateway",
    "sequenceFlow", "incoming", "outgoing", "conditionExpression",
    "timerEventDefinition", "timeDuration", "timeDate",
    "messageEventDefinition", "errorEventDefinition", "terminateEventDefinition",
    "extensionElements",
    # parallel or sequential instances over a collection variable (camunda:collection +
    # camunda:elementVariable): both engines run them; cardinality and completion conditions differ
    "multiInstanceLoopCharacteristics",
}  # fmt: skip
_CAMUNDA_FORBIDDEN = (
    "class",
    "expression",
    "delegateExpression",
    "resultVariable",
    "asyncBefore",
    "asyncAfter",
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


@dataclass(frozen=True)
class ProcessInfo:
    key: str
    name: str | None
    topics: tuple[str, ...]
    messages: tuple[str, ...]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _where(el: etree._Element) -> str:
    ident = el.get("id")
    return f"{_local(el.tag)}{f' {ident!r}' if ident else ''} (line {el.sourceline})"


def _check_expr(text: str, el: etree._Element, source: str) -> None:
    try:
        compile_expression(text)
    except JuelError as exc:
        raise DeploymentRejected(f"{source}: {_where(el)}: {exc}") from None


def check_definitions(data: bytes, source: str = "<bpmn>") -> list[ProcessInfo]:
    try:
        root = xmlsafe.parse(data)
    except xmlsafe.XMLRejected as exc:
        raise DeploymentRejected(f"{source}: {exc}") from None
    if root.tag != f"{{{BPMN}}}definitions":
        raise DeploymentRejected(f"{source}: not a BPMN 2.0 definitions document")
    processes: list[ProcessInfo] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        ns = el.tag[1:].split("}")[0] if el.tag.startswith("{") else ""
        if ns == BPMN and _local(el.tag) not in _ALLOWED:
            raise DeploymentRejected(f"{source}: {_where(el)} is not supported by ezd's portable BPMN subset")
        for attr in _CAMUNDA_FORBIDDEN:
            if el.get(f"{{{CAMUNDA}}}{attr}") is not None:
                raise DeploymentRejected(
                    f"{source}: {_where(el)} uses camunda:{attr}; "
                    "business code runs only in external-task workers"
                )
    for proc in root.iter(f"{{{BPMN}}}process"):
        key = proc.get("id") or ""
        if proc.get(f"{{{CAMUNDA}}}historyTimeToLive") is None:
            raise DeploymentRejected(f"{source}: process {key!r} has no camunda:historyTimeToLive")
        topics: list[str] = []
        for task in (*proc.iter(f"{{{BPMN}}}serviceTask"), *proc.iter(f"{{{BPMN}}}sendTask")):
            if task.get(f"{{{CAMUNDA}}}type") != "external" or not task.get(f"{{{CAMUNDA}}}topic"):
                raise DeploymentRejected(
                    f'{source}: {_where(task)} must be camunda:type="external" with a camunda:topic'
                )
            topics.append(task.get(f"{{{CAMUNDA}}}topic") or "")
        for task in proc.iter(f"{{{BPMN}}}userTask"):
            for attr in ("assignee", "candidateGroups", "candidateUsers", "dueDate"):
                value = task.get(f"{{{CAMUNDA}}}{attr}")
                if value and ("${" in value or "#{" in value):
                    _check_expr(value, task, source)
        for loop in proc.iter(f"{{{BPMN}}}multiInstanceLoopCharacteristics"):
            # SpiffWorkflow's camunda parser reads the collection as a variable name only
            collection = loop.get(f"{{{CAMUNDA}}}collection") or ""
            element = loop.get(f"{{{CAMUNDA}}}elementVariable") or ""
            if not _NAME.match(collection) or not _NAME.match(element):
                raise DeploymentRejected(
                    f"{source}: {_where(loop)} needs camunda:collection (a variable name, not an "
                    "expression) and camunda:elementVariable"
                )
        for cond in proc.iter(f"{{{BPMN}}}conditionExpression"):
            if cond.get("language"):
                raise DeploymentRejected(
                    f"{source}: {_where(cond)}: script conditions are not portable; use ${{...}}"
                )
            _check_expr((cond.text or "").strip(), cond, source)
        for tag, pattern in (("timeDuration", _DURATION), ("timeDate", _DATETIME)):
            for t in proc.iter(f"{{{BPMN}}}{tag}"):
                text = (t.text or "").strip().strip("\"'")
                if is_expression(text):
                    _check_expr(text, t, source)
                elif not pattern.match(text):
                    raise DeploymentRejected(
                        f"{source}: {_where(t)}: {text!r} is not an ISO-8601 {tag[4:].lower()}"
                    )
        messages = tuple(m.get("name") or "" for m in root.iter(f"{{{BPMN}}}message"))
        processes.append(ProcessInfo(key, proc.get("name"), tuple(topics), messages))
    if not processes:
        raise DeploymentRejected(f"{source}: no process definitions found")
    return processes


def check_deployable(data: bytes, source: str, known_topics: Collection[str]) -> list[ProcessInfo]:
    """:func:`check_definitions` plus what only the installation knows, before ``ezd bpmn deploy``.

    A service task whose topic no worker handles would wait forever, and a user task nobody may
    claim would never appear in any task list: both are refused here, at deploy time, instead of
    surfacing as a stuck case weeks later.
    """
    from ezd.workflow.forms import task_forms
    from ezd.workflow.screens import check_screens

    infos = check_definitions(data, source)
    task_forms(data, source)  # a form ezd could not render or validate is refused now
    check_screens(data, source)  # each domain screen finds its task
    root = xmlsafe.parse(data)
    for task in (*root.iter(f"{{{BPMN}}}serviceTask"), *root.iter(f"{{{BPMN}}}sendTask")):
        topic = task.get(f"{{{CAMUNDA}}}topic") or ""
        if topic not in known_topics:
            raise DeploymentRejected(
                f"{source}: {_where(task)}: temat {topic!r} nie jest obsługiwany przez żaden worker "
                f"(obsługiwane: {', '.join(sorted(known_topics))})"
            )
    for task in root.iter(f"{{{BPMN}}}userTask"):
        owners = [task.get(f"{{{CAMUNDA}}}{a}") for a in ("assignee", "candidateGroups", "candidateUsers")]
        if not any((o or "").strip() for o in owners):
            raise DeploymentRejected(
                f"{source}: {_where(task)}: zadanie użytkownika nie ma wykonawcy "
                "(camunda:assignee) ani grupy kandydatów (camunda:candidateGroups)"
            )
    return infos
