"""Steps of the system that ran out of retries (engine incidents), for the office administrator.

A failed step stops its process: the case or the letter waits on it and nobody is told, unless
it is shown.  The administrator sees the office's incidents (``list_incidents``) and retries one
after fixing its cause (``retry_incident``); the retry is asked through the engine port, so both
engines do the same (embedded: the task row gets its retries back; Operaton: ``PUT
external-task/{id}/retries``, which resolves the incident).  Every retry lands in the metryka of
the case or the letter, and in the office's chain.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, IncomingItem
from ezd.records.errors import NotFound
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.deps import Deps
from ezd.services.lookup import split_business_key, tenant_by_code
from ezd.services.queries.models import ReadModel
from ezd.workers.execute import DEFAULT_RETRIES
from ezd.workflow.port import Incident, WorkflowEngine


class IncidentView(ReadModel):
    """One failed step: where it waits (case or letter), which step, since when, why."""

    task_id: str
    tenant: str
    ref: str  # the case sign or the RPW number
    ref_kind: str  # case | item
    activity_id: str  # the BPMN id: pages name the step through labels.SYSTEM_STEP
    topic: str
    message: str  # the worker's technical line
    at: datetime | None  # UTC


def _ref_kind(ref: str) -> str:
    return "item" if ref.startswith("RPW/") else "case"


def _view(tenant: str, incident: Incident) -> IncidentView:
    _, ref = split_business_key(incident.business_key)
    return IncidentView(
        task_id=incident.task_id,
        tenant=tenant,
        ref=ref,
        ref_kind=_ref_kind(ref),
        activity_id=incident.activity_id,
        topic=incident.topic,
        message=incident.message,
        at=incident.at,
    )


def office_incidents(engine: WorkflowEngine, tenant: str) -> list[IncidentView]:
    """Without a role check: the count on the head's dashboard and the case pages use it."""
    return [_view(tenant, i) for i in engine.incidents(f"{tenant}/")]


def list_incidents(engine: WorkflowEngine, actor: Actor, *, tenant: str) -> list[IncidentView]:
    actor.require(tenant, Role.ADMIN)
    return office_incidents(engine, tenant)


def retry_incident(deps: Deps, actor: Actor, *, tenant: str, task_id: str) -> IncidentView:
    """Give the step its retries back (a worker runs it again) and write it in the metryka."""
    actor.require(tenant, Role.ADMIN)
    found = next((i for i in office_incidents(deps.engine, tenant) if i.task_id == task_id), None)
    if found is None:  # another office's task, or already retried: the same answer
        raise NotFound(f"no failed step {task_id} in {tenant}")
    deps.engine.retry_task(task_id, DEFAULT_RETRIES)
    _record_retry(deps.session, actor, found)
    return found


def _record_retry(session: Session, actor: Actor, incident: IncidentView) -> None:
    tenant_row = tenant_by_code(session, incident.tenant)
    details = {"krok": incident.activity_id, "temat": incident.topic, "blad": incident.message[:500]}
    if incident.ref_kind == "case":
        case = session.execute(
            select(CaseFile).where(CaseFile.tenant_id == tenant_row.id, CaseFile.sign == incident.ref)
        ).scalar_one_or_none()
        if case is not None:
            audit.on_case(session, case, actor=actor.login, action="ponowienie_kroku", details=details)
    else:
        item = session.execute(
            select(IncomingItem.id).where(
                IncomingItem.tenant_id == tenant_row.id, IncomingItem.sign == incident.ref
            )
        ).scalar_one_or_none()
        if item is not None:
            audit.record(
                session,
                chain_key=audit.item_chain(incident.tenant, incident.ref),
                tenant_id=tenant_row.id,
                actor=actor.login,
                action="ponowienie_kroku",
                details=details,
            )
    # the office's own chain too: the administrator's actions are listed there
    audit.on_office(
        session,
        tenant_row,
        actor=actor.login,
        action="ponowienie_kroku",
        details={**details, "sprawa" if incident.ref_kind == "case" else "pismo": incident.ref},
    )


__all__ = ["IncidentView", "list_incidents", "office_incidents", "retry_incident"]
