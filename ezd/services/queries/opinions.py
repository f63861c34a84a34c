"""Requests between partner offices (art. 106 KPA) as each office sees them: sent and received.

Each side sees only its own half: the asking office its case sign and the asked office's name;
the asked office its own RPW sign and the asking office's name -- never the other's records.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.clock import office_today
from ezd.db.tables import CaseFile, Tenant, Unit
from ezd.db.tables_opinion import OpinionRequest
from ezd.records.tenancy import Role
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.services.queries.access import CASE_READERS_IN_UNIT, iso, logged_read, require_member, units_with
from ezd.services.queries.models import ReadModel


class OpinionRequestRow(ReadModel):
    """One request in an office's overview of requests sent or received."""

    id: int
    direction: str  # sent | received
    kind: str  # opinia | uzgodnienie | informacja
    subject: str
    other_office: str  # the other office's full name
    ref: str  # our own case sign (sent) or our own RPW sign (received)
    status: str  # sent | received | answered | refused
    deadline: date  # the term in force: the date of a notice of delay, or 14 days (art. 106 § 3)
    delay_until: date | None
    delay_reason: str | None
    overdue: bool
    days_late: int
    reminded: bool
    escalated: bool
    sent_at: str | None
    answered_at: str | None


def _row(request: OpinionRequest, direction: str, other: str, ref: str, today: date) -> OpinionRequestRow:
    term = request.delay_until or request.deadline
    open_ = request.status in ("sent", "received")
    late = max(0, (today - term).days) if open_ else 0
    return OpinionRequestRow(
        id=request.id,
        direction=direction,
        kind=request.kind,
        subject=request.subject,
        other_office=other,
        ref=ref,
        status=request.status,
        deadline=term,
        delay_until=request.delay_until,
        delay_reason=request.delay_reason,
        overdue=late > 0,
        days_late=late,
        reminded=request.reminded_at is not None,
        escalated=request.escalated_at is not None,
        sent_at=iso(request.created_at),
        answered_at=iso(request.answered_at),
    )


def sent_requests(session: Session, actor: Actor, *, tenant: str) -> list[OpinionRequestRow]:
    """Requests this office sent, from the cases of the units the person works in (all: sekretarz)."""
    require_member(actor, tenant)
    office = tenant_by_code(session, tenant)
    q = (
        select(OpinionRequest, CaseFile.sign, Tenant.name)
        .join(CaseFile, CaseFile.id == OpinionRequest.case_id)
        .join(Tenant, Tenant.id == OpinionRequest.to_tenant_id)
        .where(OpinionRequest.from_tenant_id == office.id)
    )
    units = units_with(actor, tenant, CASE_READERS_IN_UNIT)
    if units is not None:
        q = q.join(Unit, Unit.id == CaseFile.unit_id).where(Unit.code.in_(sorted(units)))
    today = office_today()
    rows = [
        _row(r, "sent", name, sign, today)
        for r, sign, name in session.execute(q.order_by(OpinionRequest.id.desc()).limit(500))
    ]
    logged_read(session, actor, office.id, "opinion_requests", "sent")
    return rows


def received_requests(session: Session, actor: Actor, *, tenant: str) -> list[OpinionRequestRow]:
    """Requests other offices sent here: all for the kancelaria and sekretarz, else the own unit's."""
    require_member(actor, tenant)
    office = tenant_by_code(session, tenant)
    q = (
        select(OpinionRequest, Tenant.name)
        .join(Tenant, Tenant.id == OpinionRequest.from_tenant_id)
        .where(OpinionRequest.to_tenant_id == office.id, OpinionRequest.rpw_there.is_not(None))
    )
    if not (actor.system or actor.can(tenant, Role.KANCELARIA) or actor.can(tenant, Role.SEKRETARZ)):
        units = units_with(actor, tenant, CASE_READERS_IN_UNIT) or set()
        q = q.where(OpinionRequest.unit_there.in_(sorted(units)))
    today = office_today()
    rows = [
        _row(r, "received", name, r.rpw_there or "", today)
        for r, name in session.execute(q.order_by(OpinionRequest.id.desc()).limit(500))
    ]
    logged_read(session, actor, office.id, "opinion_requests", "received")
    return rows


__all__ = ["OpinionRequestRow", "received_requests", "sent_requests"]
