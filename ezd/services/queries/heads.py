"""For heads of units and the sekretarz: the overdue list and the dashboard."""

from __future__ import annotations

import statistics
from collections import Counter as Tally
from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, IncomingItem, Unit
from ezd.records.cases import ACTIVE_STATES, CaseState
from ezd.records.errors import PermissionDenied
from ezd.records.tenancy import Role
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.services.queries.access import logged_read, logins_of, units_with
from ezd.services.queries.cases import summary_fields
from ezd.services.queries.models import Dashboard, OverdueCase, ReferentCount, WeekCount

OPEN_STATES = tuple(s.value for s in ACTIVE_STATES)


def head_scope(actor: Actor, tenant: str, unit: str | None) -> set[str] | None:
    """Units a dashboard may cover: the asked unit if the actor heads it, else all they head."""
    units = units_with(actor, tenant, (Role.KIEROWNIK,))
    if units is None:
        return {unit} if unit else None
    if not units:
        raise PermissionDenied(f"{actor.login} is not a head of any unit in {tenant}")
    if unit:
        if unit not in units:
            raise PermissionDenied(f"{actor.login} has no kierownik role in unit {unit} of {tenant}")
        return {unit}
    return units


def _scoped_cases(tenant_id: int, units: set[str] | None) -> Select[tuple[CaseFile]]:
    q = select(CaseFile).where(CaseFile.tenant_id == tenant_id)
    if units is not None:
        q = q.where(
            CaseFile.unit_id.in_(select(Unit.id).where(Unit.tenant_id == tenant_id, Unit.code.in_(units)))
        )
    return q


def overdue(
    session: Session, actor: Actor, *, tenant: str, today: date, unit: str | None = None
) -> list[OverdueCase]:
    tenant_row = tenant_by_code(session, tenant)
    units = head_scope(actor, tenant, unit)
    q = _scoped_cases(tenant_row.id, units).where(CaseFile.state.in_(OPEN_STATES), CaseFile.deadline < today)
    cases = session.execute(q.order_by(CaseFile.deadline)).scalars().all()
    names = logins_of(session, (c.referent_id for c in cases))
    logged_read(session, actor, tenant_row.id, "overdue-list", unit or "*")
    return [
        OverdueCase(
            **summary_fields(c, tenant, names.get(c.referent_id or 0)), days_late=(today - c.deadline).days
        )
        for c in cases
        if c.deadline
    ]


def dashboard(
    session: Session, actor: Actor, *, tenant: str, today: date, unit: str | None = None, weeks: int = 12
) -> Dashboard:
    tenant_row = tenant_by_code(session, tenant)
    units = head_scope(actor, tenant, unit)
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    iq = select(IncomingItem.received_date).where(
        IncomingItem.tenant_id == tenant_row.id, IncomingItem.received_date >= start
    )
    if units is not None:
        iq = iq.where(
            IncomingItem.unit_id.in_(
                select(Unit.id).where(Unit.tenant_id == tenant_row.id, Unit.code.in_(units))
            )
        )
    per_week: Tally[date] = Tally()
    for (received,) in session.execute(iq).all():
        per_week[received - timedelta(days=received.weekday())] += 1
    intake = [
        WeekCount(
            week=(start + timedelta(weeks=k)).isoformat(), count=per_week.get(start + timedelta(weeks=k), 0)
        )
        for k in range(weeks)
    ]
    cases = session.execute(_scoped_cases(tenant_row.id, units)).scalars().all()
    states: Tally[str] = Tally(c.state for c in cases)
    names = logins_of(session, (c.referent_id for c in cases))
    late: Tally[str] = Tally(
        names.get(c.referent_id or 0, "—")
        for c in cases
        if c.state in OPEN_STATES and c.deadline and c.deadline < today
    )
    durations = [
        (c.closed_at - c.opened_at).total_seconds() / 86400 for c in cases if c.closed_at is not None
    ]
    logged_read(session, actor, tenant_row.id, "dashboard", unit or "*")
    return Dashboard(
        tenant=tenant,
        units=sorted(units) if units is not None else None,
        intake_per_week=intake,
        open=sum(states.get(s, 0) for s in OPEN_STATES),
        closed=states.get(CaseState.CLOSED.value, 0) + states.get(CaseState.ARCHIVED.value, 0),
        by_state=dict(states),
        overdue_per_referent=[ReferentCount(referent=k, count=v) for k, v in sorted(late.items())],
        median_handling_days=round(statistics.median(durations), 2) if durations else None,
        closed_count=len(durations),
    )
