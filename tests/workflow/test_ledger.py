"""The idempotency ledger: one effect per external-task id, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from ezd.bootstrap import App
from ezd.workers.ledger import run_once


def test_second_run_returns_the_recorded_result_without_the_effect(stack: App) -> None:
    calls: list[int] = []

    def effect() -> dict[str, object]:
        calls.append(1)
        return {"case_sign": "OR.0122.1.2026", "n": len(calls)}

    with stack.uow() as uow:
        first = run_once(uow.session, "task-1", "ezd.create-case", effect)
        uow.commit()
    with stack.uow() as uow:
        again = run_once(uow.session, "task-1", "ezd.create-case", effect)
        other = run_once(uow.session, "task-2", "ezd.create-case", effect)
        uow.commit()
    assert first == again == {"case_sign": "OR.0122.1.2026", "n": 1}
    assert other["n"] == 2 and len(calls) == 2


def test_rolled_back_run_leaves_no_record(stack: App) -> None:
    with stack.uow() as uow:
        run_once(uow.session, "task-3", "ezd.sign", lambda: {"v": 1})
        # no commit: the effect and its ledger row roll back together
    with stack.uow() as uow:
        assert run_once(uow.session, "task-3", "ezd.sign", lambda: {"v": 2}) == {"v": 2}
        uow.commit()


def test_concurrent_duplicate_cannot_record_twice(stack: App) -> None:
    """Two runs that both missed the row: the second insert fails, so its savepoint rolls back."""
    with stack.uow() as uow:
        run_once(uow.session, "task-4", "ezd.sign", lambda: {"v": 1})
        uow.commit()
    with stack.uow() as uow, pytest.raises(IntegrityError), uow.session.begin_nested():
        from ezd.db.base import utcnow
        from ezd.workers import ledger

        uow.session.execute(
            ledger._RECORD, {"task_id": "task-4", "topic": "ezd.sign", "done_at": utcnow(), "result": {}}
        )
