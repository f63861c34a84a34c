"""Camunda form fields of a user task (``camunda:formData`` / ``camunda:formField``).

A user task drawn in Camunda Modeler with a generated form carries its fields in the BPMN; ezd
builds its generic task form from them, on both engines.  Supported: types string, long,
boolean, date and enum (with ``camunda:value`` options), and ``camunda:validation`` constraints
required, min, max, minlength, maxlength, readonly.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ezd import xmlsafe
from ezd.workflow.port import DeploymentRejected

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
TYPES = ("string", "long", "boolean", "date", "enum")
CONSTRAINTS = ("required", "min", "max", "minlength", "maxlength", "readonly")


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    type: str
    required: bool = False
    readonly: bool = False
    min: int | None = None
    max: int | None = None
    minlength: int | None = None
    maxlength: int | None = None
    options: tuple[tuple[str, str], ...] = ()  # enum: (value id, label)
    default: str | None = None


def _int(value: str | None, where: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise DeploymentRejected(f"{where}: ograniczenie {value!r} nie jest liczbą całkowitą") from None


def _field(el: etree._Element, where: str) -> FormField:
    ident, kind = el.get("id") or "", el.get("type") or "string"
    here = f"{where}: pole {ident!r}"
    if not ident.isidentifier():
        raise DeploymentRejected(f"{here}: identyfikator pola musi być nazwą zmiennej")
    if kind not in TYPES:
        raise DeploymentRejected(f"{here}: typ {kind!r} nie jest obsługiwany ({', '.join(TYPES)})")
    rules: dict[str, str | None] = {}
    for c in el.iter(f"{{{CAMUNDA}}}constraint"):
        name = c.get("name") or ""
        if name not in CONSTRAINTS:
            raise DeploymentRejected(f"{here}: ograniczenie {name!r} nie jest obsługiwane")
        rules[name] = c.get("config")
    options = tuple(
        (v.get("id") or "", v.get("name") or v.get("id") or "") for v in el.iter(f"{{{CAMUNDA}}}value")
    )
    if kind == "enum" and not options:
        raise DeploymentRejected(f"{here}: pole wyboru (enum) nie ma wartości camunda:value")
    return FormField(
        id=ident,
        label=el.get("label") or ident,
        type=kind,
        required="required" in rules,
        readonly="readonly" in rules,
        min=_int(rules.get("min"), here),
        max=_int(rules.get("max"), here),
        minlength=_int(rules.get("minlength"), here),
        maxlength=_int(rules.get("maxlength"), here),
        options=options,
        default=el.get("defaultValue"),
    )


def task_forms(data: bytes, source: str = "<bpmn>") -> dict[str, tuple[FormField, ...]]:
    """Form fields per user-task id (tasks without ``camunda:formData`` are left out)."""
    root = xmlsafe.parse(data)
    forms: dict[str, tuple[FormField, ...]] = {}
    for task in root.iter(f"{{{BPMN}}}userTask"):
        data_el = task.find(f"{{{BPMN}}}extensionElements/{{{CAMUNDA}}}formData")
        if data_el is not None:
            where = f"{source}: userTask {task.get('id')!r} (line {task.sourceline})"
            forms[task.get("id") or ""] = tuple(
                _field(f, where) for f in data_el.iter(f"{{{CAMUNDA}}}formField")
            )
    return forms


__all__ = ["CONSTRAINTS", "TYPES", "FormField", "task_forms"]
