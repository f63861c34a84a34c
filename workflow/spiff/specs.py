"""Task specs and parser for the portable camunda: subset on SpiffWorkflow.

* ``serviceTask camunda:type="external"`` becomes :class:`ExternalServiceTask`: a *manual* task, so
  ``do_engine_steps`` stops at it and a worker fetches it by topic -- the same contract as an
  Operaton external task.
* ``sendTask camunda:type="external"`` is the same (the collaboration's message senders).
* ``userTask`` keeps ``camunda:assignee`` / ``camunda:candidateGroups`` (SpiffWorkflow's camunda
  parser drops them).
"""

from __future__ import annotations

from typing import Any, ClassVar

from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import UserTaskParser
from SpiffWorkflow.camunda.specs.user_task import UserTask

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"


class ExternalServiceTask(ServiceTask):
    def __init__(self, wf_spec: Any, bpmn_id: str, topic: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.topic = topic
        self.manual = True

    def _run_hook(self, my_task: Any) -> bool:
        # Completion comes from a worker through SpiffEngine.complete_external_task.
        return True


class EzdUserTask(UserTask):
    def __init__(
        self,
        wf_spec: Any,
        bpmn_id: str,
        form: Any,
        assignee: str | None,
        candidate_groups: str | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(wf_spec, bpmn_id, form, **kwargs)
        self.assignee = assignee
        self.candidate_groups = candidate_groups


class ExternalServiceTaskParser(TaskParser):
    def create_task(self) -> ExternalServiceTask:
        topic = self.node.get(f"{{{CAMUNDA_NS}}}topic")
        return ExternalServiceTask(self.spec, self.bpmn_id, topic=topic, **self.bpmn_attributes)


class EzdUserTaskParser(UserTaskParser):
    def create_task(self) -> EzdUserTask:
        return EzdUserTask(
            self.spec,
            self.bpmn_id,
            form=self.get_form(),
            assignee=self.node.get(f"{{{CAMUNDA_NS}}}assignee"),
            candidate_groups=self.node.get(f"{{{CAMUNDA_NS}}}candidateGroups"),
            **self.bpmn_attributes,
        )


class EzdParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES: ClassVar[dict[str, tuple[type, type]]] = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (ExternalServiceTaskParser, ExternalServiceTask),
        # Operaton runs a send task with camunda:type="external" as an external task: so does ezd
        full_tag("sendTask"): (ExternalServiceTaskParser, ExternalServiceTask),
        full_tag("userTask"): (EzdUserTaskParser, EzdUserTask),
    }
