"""Domain screens find their user task by a declared property, not by its id.

A domain task (decree, approval, …) has its own screen in ezd.  The screen finds the task by
``<camunda:property name="ezd:screen" value="decree"/>`` in the task's extension elements, so a
task renamed in Camunda Modeler still works.  A task that declares nothing is recognised by the
id ezd's own BPMN gives it (:data:`DEFAULT_KEYS`), which keeps running instances of versions
deployed before the property existed working.  :func:`check_screens` refuses, at deploy time, a
process that lacks one of its screens' tasks or declares an unknown or duplicate screen.
"""

from __future__ import annotations

from functools import lru_cache

from ezd import xmlsafe
from ezd.workflow.port import DeploymentRejected

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
PROPERTY = "ezd:screen"

# screen → the task id ezd's own diagrams give it
DEFAULT_KEYS: dict[str, str] = {
    "decree": "Task_Decree",
    "assign_referent": "Task_AssignReferent",
    "case_decision": "Task_CaseDecision",
    "draft": "Task_Draft",
    "opinion": "Task_Opinion",
    "approve": "Task_Approve",
    "accept_transfer": "Task_AcceptTransfer",
}
SCREEN_OF_KEY = {key: screen for screen, key in DEFAULT_KEYS.items()}
# ezd's own user tasks done elsewhere (the case page's dispatch fix, the archive's completion):
# known without reading the BPMN, so long task lists cost no extra engine calls
OTHER_OWN_KEYS = frozenset({"Task_FixDispatch", "Task_CompleteFiles"})
# the screens each of ezd's processes must offer (a process not listed here has none)
PROCESS_SCREENS: dict[str, tuple[str, ...]] = {
    "ezd_incoming": ("decree", "assign_referent", "case_decision"),
    "ezd_case": ("draft", "opinion", "approve"),
    "ezd_archive": ("accept_transfer",),
}


@lru_cache(maxsize=64)  # a deployed version's BPMN never changes; tasks of one version share it
def declared_screens(data: bytes) -> dict[str, str]:
    """Task id → declared screen, for the user tasks of a BPMN file that declare one."""
    root = xmlsafe.parse(data)
    found: dict[str, str] = {}
    for task in root.iter(f"{{{BPMN}}}userTask"):
        for prop in task.iterfind(
            f"{{{BPMN}}}extensionElements/{{{CAMUNDA}}}properties/{{{CAMUNDA}}}property"
        ):
            if prop.get("name") == PROPERTY:
                found[task.get("id") or ""] = (prop.get("value") or "").strip()
    return found


def screen_of(task_key: str, declared: dict[str, str]) -> str | None:
    """The screen a task is done on: declared, else by ezd's own id, else none (generic)."""
    return declared.get(task_key) or SCREEN_OF_KEY.get(task_key)


def check_screens(data: bytes, source: str) -> None:
    """Each process ezd has screens for offers each of them exactly once, by property or id."""
    root = xmlsafe.parse(data)
    declared = declared_screens(data)
    for name in declared.values():
        if name not in DEFAULT_KEYS:
            raise DeploymentRejected(
                f"{source}: {PROPERTY}={name!r} nie jest ekranem ezd ({', '.join(sorted(DEFAULT_KEYS))})"
            )
    for key, declared_as in declared.items():
        if key in OTHER_OWN_KEYS or (key in SCREEN_OF_KEY and SCREEN_OF_KEY[key] != declared_as):
            raise DeploymentRejected(
                f"{source}: zadanie {key!r} deklaruje {PROPERTY}={declared_as!r}, a jego identyfikator "
                f"należy do innego zadania ezd; zmień identyfikator zadania"
            )
    for proc in root.iter(f"{{{BPMN}}}process"):
        wanted = PROCESS_SCREENS.get(proc.get("id") or "", ())
        offered: dict[str, list[str]] = {}
        for task in proc.iter(f"{{{BPMN}}}userTask"):
            key = task.get("id") or ""
            if (screen := screen_of(key, declared)) is not None:
                offered.setdefault(screen, []).append(key)
        for screen in wanted:
            keys = offered.get(screen, [])
            if len(keys) != 1:
                raise DeploymentRejected(
                    f"{source}: proces {proc.get('id')!r} potrzebuje dokładnie jednego zadania ekranu "
                    f"{screen!r} (właściwość {PROPERTY} albo identyfikator {DEFAULT_KEYS[screen]!r}); "
                    f"znaleziono: {', '.join(keys) or 'żadnego'}"
                )


__all__ = [
    "DEFAULT_KEYS",
    "OTHER_OWN_KEYS",
    "PROPERTY",
    "SCREEN_OF_KEY",
    "check_screens",
    "declared_screens",
    "screen_of",
]
