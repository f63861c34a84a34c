"""Periodic jobs (celery beat): deadline reminders, retention checks, fixity sampling.

Each job is a plain function of the ezd :class:`~ezd.bootstrap.App`; the Celery tasks in
:mod:`ezd.workers.tasks_celery` wrap them, so on the embedded default (no broker) the very same
functions run in-process (``ezd worker beat --once`` or a Celery eager call).

Retention and fixity use ``ezd.archive_ops.fixity`` (``retention_due(app, as_of)``,
``fixity_sample(app, percent)``) when that module is installed; until then a minimal local
implementation below answers the same question.
"""

from __future__ import annotations

import importlib
import logging
import random
from datetime import date
from typing import TYPE_CHECKING, Any

from celery.schedules import crontab
from sqlalchemy import func, select

from ezd.records.cases import CaseState

if TYPE_CHECKING:
    from ezd.bootstrap import App

log = logging.getLogger("ezd.workers.beat")

FIXITY_PERCENT = 1.0


def beat_schedule() -> dict[str, dict[str, Any]]:
    return {
        "deadline-reminders": {"task": "ezd.periodic.deadline_reminders", "schedule": 300.0},
        "retention-check": {"task": "ezd.periodic.retention_check", "schedule": crontab(hour=2, minute=15)},
        "fixity-sample": {
            "task": "ezd.periodic.fixity_sample",
            "schedule": crontab(hour=3, minute=30),
            "kwargs": {"percent": FIXITY_PERCENT},
        },
    }


def deadline_reminders(app: App, as_of: date | None = None) -> dict[str, Any]:
    """Fire due timers (embedded engine; Operaton's job executor fires its own) and list the
    cases past their deadline that are still open."""
    from ezd.db.tables import CaseFile

    fired = 0
    if app.settings.is_embedded:
        from ezd.workers.inprocess import run_pending

        fired = run_pending(app, topics=["ezd.deadline-reminder"])
    today = as_of or date.today()
    with app.uow() as uow:
        overdue = list(
            uow.session.execute(
                select(CaseFile.sign)
                .where(
                    CaseFile.deadline < today,
                    CaseFile.state.in_([CaseState.OPEN.value, CaseState.IN_APPROVAL.value]),
                )
                .order_by(CaseFile.deadline)
            ).scalars()
        )
    if overdue:
        log.warning("%d case(s) past their deadline: %s", len(overdue), ", ".join(overdue[:20]))
    return {"tasks_run": fired, "overdue": overdue}


def _archive_ops() -> Any | None:
    try:
        return importlib.import_module("ezd.archive_ops.fixity")
    except ImportError:
        return None


def retention_check(app: App, as_of: date | None = None) -> dict[str, Any]:
    as_of = as_of or date.today()
    ops = _archive_ops()
    if ops is not None and hasattr(ops, "retention_due"):
        return {"source": "archive_ops", "result": _plain(ops.retention_due(app, as_of))}
    from ezd.services.archive import due_for_transfer

    with app.uow() as uow:  # local minimum: closed cases due for the archiwum zakładowe
        due = [c.sign for c in due_for_transfer(uow.session, as_of)]
    return {"source": "local", "due_for_transfer": due}


def fixity_sample(app: App, percent: float = FIXITY_PERCENT, seed: int | None = None) -> dict[str, Any]:
    ops = _archive_ops()
    if ops is not None and hasattr(ops, "fixity_sample"):
        return {"source": "archive_ops", "result": _plain(ops.fixity_sample(app, percent))}
    return {"source": "local", **_local_fixity(app, percent, seed)}


def _local_fixity(app: App, percent: float, seed: int | None) -> dict[str, Any]:
    """Re-read a random ``percent`` of stored document versions and compare their SHA-256."""
    from ezd.archive_ops.fixity import check_object
    from ezd.db.tables import DocumentVersion

    with app.uow() as uow:
        total = uow.session.execute(select(func.count(DocumentVersion.id))).scalar_one()
        digests = list(
            uow.session.execute(select(DocumentVersion.sha256).order_by(DocumentVersion.id)).scalars()
        )
    size = min(total, max(1, round(total * percent / 100))) if total else 0
    sample = random.Random(seed).sample(digests, size)
    failed: list[str] = []
    for digest in sample:
        try:
            ok = check_object(app.store, digest)[0] == "ok"  # re-reads the store, never a cache
        except Exception:
            ok = False
        if not ok:
            failed.append(digest)
    if failed:
        log.error("fixity: %d of %d sampled objects failed: %s", len(failed), size, ", ".join(failed[:10]))
    return {"checked": size, "failed": failed}


def _plain(value: Any) -> Any:
    """A JSON-friendly view of whatever archive_ops returns."""
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    if hasattr(value, "__dict__"):
        return {k: str(v) for k, v in vars(value).items()}
    return str(value)
