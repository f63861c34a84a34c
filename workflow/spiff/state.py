"""Versioned serialization of SpiffWorkflow state without its spec.

The spec comes from the deployed BPMN (parsed once per process version and cached), so the
stored state is only the task tree and data: small and fast to load.  ``STATE_FORMAT`` is bumped
whenever the stored shape changes; older rows are migrated on load.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

STATE_FORMAT = 1


class _StateOnlyConverter(BpmnWorkflowConverter):
    """Like SpiffWorkflow's converter, but the spec is supplied, not serialized."""

    current_spec: Any = None
    current_subprocess_specs: dict[str, Any] = {}  # noqa: RUF012

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dict(dct)

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        workflow = self.target_class(self.current_spec, self.current_subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StateCodec:
    def __init__(self) -> None:
        registry = BpmnWorkflowSerializer.configure(dict(CAMUNDA_CONFIG))
        # constructing a converter registers it, replacing the default BpmnWorkflow converter
        self._converter = _StateOnlyConverter(BpmnWorkflow, registry)
        self._serializer = BpmnWorkflowSerializer(registry)

    def dumps(self, workflow: BpmnWorkflow) -> str:
        dct = self._serializer.to_dict(workflow)
        return json.dumps(dct, separators=(",", ":"), ensure_ascii=False)

    def loads(
        self, text: str, spec: Any, subprocess_specs: dict[str, Any], state_format: int
    ) -> BpmnWorkflow:
        if state_format != STATE_FORMAT:
            raise ValueError(f"unsupported workflow state format {state_format}; run the state migration")
        dct = json.loads(text)
        self._converter.current_spec = spec
        self._converter.current_subprocess_specs = subprocess_specs
        try:
            return self._serializer.from_dict(dct)
        finally:
            self._converter.current_spec = None
