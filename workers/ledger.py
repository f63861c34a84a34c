"""Idempotency ledger: one effect per external-task id.

The ledger row is written in the same database transaction as the handler's effects.  If a
task is fetched twice (its lock expired while the first worker was still busy, or the
completion call was lost), the second run finds the row and returns the recorded result
without repeating the effects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from ezd.db.base import utcnow
from ezd.workers.tables import ProcessedTask

_LEDGER = cast(Table, ProcessedTask.__table__)
_DONE = select(_LEDGER.c.result).where(_LEDGER.c.task_id == bindparam("tid"))
_RECORD = insert(_LEDGER)


def run_once(
    session: Session, task_id: str, topic: str, effect: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    done = session.execute(_DONE, {"tid": task_id}).first()
    if done is not None:
        return dict(done.result or {})
    result = effect()
    # the primary key also stops a second, concurrent run: its insert fails and its savepoint
    # (with its effects) rolls back
    session.execute(_RECORD, {"task_id": task_id, "topic": topic, "done_at": utcnow(), "result": result})
    return result
