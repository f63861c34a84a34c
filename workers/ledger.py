"""Idempotency ledger: one effect per external-task id.

The ledger row is written in the same database transaction as the handler's effects.  If a
task is fetched twice (its lock expired while the first worker was still busy, or the
completion call was lost), the second run finds the row and returns the recorded result
without repeating the effects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from ezd.db.tables import ProcessedTask


def run_once(
    session: Session, task_id: str, topic: str, effect: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    done = session.get(ProcessedTask, task_id)
    if done is not None:
        return dict(done.result or {})
    result = effect()
    session.add(ProcessedTask(task_id=task_id, topic=topic, result=result))
    session.flush()
    return result
