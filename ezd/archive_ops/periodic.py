"""Plain functions for periodic jobs (celery beat in the distributed deployment, cron otherwise).

Each opens and commits its own transactions: they are entrypoints, not services.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ezd.archive_ops.disposal import due_for_disposal
from ezd.archive_ops.fixity import run_audit
from ezd.db.tables import Tenant

if TYPE_CHECKING:
    from ezd.bootstrap import App


def fixity_sample(app: App, percent: float) -> dict[str, Any]:
    """Re-hash a random ``percent`` of stored objects; the audit lands in every tenant's metryka."""
    report = run_audit(app, sample_percent=percent, actor="system:fixity-beat")
    return {**report.as_dict(), "damaged": report.damaged}


def retention_due(app: App, as_of: date) -> dict[str, list[str]]:
    """Case signs per tenant whose retention has run out on ``as_of`` (candidates for brakowanie)."""
    out: dict[str, list[str]] = {}
    with app.uow() as uow:
        codes = dict(uow.session.execute(select(Tenant.id, Tenant.code)).tuples().all())
        for entry in due_for_disposal(uow.session, as_of):
            out.setdefault(codes[entry.tenant_id], []).append(entry.case_sign)
    return out
