"""HTTP status of service errors: what a client should do next."""

from __future__ import annotations

from ezd.records.errors import ConflictError, InvalidState
from ezd.web.errors import _status_of
from ezd.workflow.operaton import EngineUnavailable
from ezd.workflow.port import TaskNotFound, WorkflowError


def test_engine_down_is_try_again_not_a_conflict() -> None:
    assert _status_of(EngineUnavailable("engine at 127.0.0.1 did not answer in time")) == 503
    assert _status_of(WorkflowError("HTTP 500: optimistic locking")) == 409
    assert _status_of(TaskNotFound("t1")) == 409
    assert _status_of(ConflictError("completed by someone else")) == 409
    assert _status_of(InvalidState("not waiting")) == 409
    assert _status_of(RuntimeError("bug")) is None
