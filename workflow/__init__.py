"""Workflow: the engine port, the portable BPMN/JUEL subset, and the engine adapters."""
