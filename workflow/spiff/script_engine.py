"""Expression evaluation for the embedded engine: the JUEL subset, never Python.

SpiffWorkflow evaluates gateway conditions and timer definitions with its script engine, which
by default runs Python ``eval``.  Process definitions are shared with Operaton, so we evaluate the
same ``${...}`` JUEL subset both engines understand, and accept bare ISO-8601 timer literals
(Camunda's form) by returning them as strings -- SpiffWorkflow would otherwise need them quoted.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from ezd.workflow.juel import JuelError, evaluate, is_expression


class JuelScriptEngine(PythonScriptEngine):
    def validate(self, expression: str) -> None:
        if is_expression(expression):
            from ezd.workflow.juel import compile_expression

            compile_expression(expression)

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        text = (expression or "").strip()
        try:
            if is_expression(text):
                return evaluate(text, task.data)
        except JuelError as exc:
            raise WorkflowTaskException(str(exc), task=task, exception=exc) from exc
        # timer literals: PT5M, "PT5M", 2026-01-01T00:00:00Z
        return text.strip("\"'")

    def execute(self, task: Any, script: str, external_context: Any = None) -> None:
        raise WorkflowTaskException("script tasks are not supported; use external service tasks", task=task)
