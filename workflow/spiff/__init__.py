"""Embedded workflow engine: SpiffWorkflow 3 in-process, state in the ezd database."""
