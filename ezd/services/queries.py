"""Read model for people: tenant-scoped queries with their authorization checks.

Who may read what (role × unit × tenant):

* a case: referent or kierownik of the case's unit, sekretarz, kancelaria or archiwista of the
  case's office; people of another office only when the case is shared with it (``case_share``),
  read-only.  Anyone else gets the same ``NotFound`` as for a case that does not exist, so the
  answer never reveals another office's records.
* the RPW: kancelaria and sekretarz of the office; heads and referents see the items decreed to
  their unit.
* the outgoing register: kancelaria and sekretarz.
* dashboards, the approval queue and overdue lists: kierownik of the unit, sekretarz.
* archive search: archiwista.

Every read of a record is written to the access log (:func:`ezd.services.audit.log_read`).
"""

from __future__ import annotations

import statistics
from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ezd.db.tables import (
    CaseFile,
    CaseShare,
    Document,
    IncomingItem,
    MetrykaEntry,
    OutgoingItem,
    Tenant,
    Unit,
    User,
)
from ezd.records.cases import CaseState
from ezd.records.errors import NotFound, PermissionDenied
from ezd.records.jrwa import ArchivalCategory
from ezd.records.retention import disposal_date
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import (
    case_by_sign,
    item_by_sign,
    split_business_key,
    tenant_by_code,
    tenant_group,
    unit_group,
)
from ezd.workflow.port import WorkflowEngine

CASE_READERS_IN_UNIT = (Role.REFERENT, Role.KIEROWNIK)
CASE_READERS_IN_TENANT = (Role.SEKRETARZ, Role.KANCELARIA, Role.ARCHIWISTA)
DUE_SOON_DAYS = 7


# -- authorization helpers ----------------------------------------------------------------------
def require_member(actor: Actor, tenant: str) -> None:
    """Any role in the office; lists of an office are closed to outsiders."""
    if actor.system or tenant in actor.tenants():
        return
    raise PermissionDenied(f"{actor.login} has no role in {tenant}")


def require_any(actor: Actor, tenant: str, roles: Iterable[Role], unit: str | None = None) -> str | None:
    """The first of ``roles`` the actor holds; returns on_behalf_of like :meth:`Actor.require`."""
    roles = tuple(roles)
    for role in roles:
        if actor.can(tenant, role, unit):
            return actor.require(tenant, role, unit)
    where = f"unit {unit} of {tenant}" if unit else tenant
    raise PermissionDenied(
        f"{actor.login} has none of the roles {', '.join(r.value for r in roles)} in {where}"
    )


def units_with(actor: Actor, tenant: str, roles: Iterable[Role]) -> set[str] | None:
    """Units where the actor holds one of ``roles``; None means every unit (sekretarz, system)."""
    if actor.system or actor.can(tenant, Role.SEKRETARZ):
        return None
    wanted = set(roles)
    return {g.unit for g, _ in actor.grants if g.tenant == tenant and g.role in wanted}


def case_access(session: Session, actor: Actor, tenant: str, case: CaseFile) -> str:
    """'full' for people of the case's office with a reading role, 'shared' for a sharing office.

    Raises NotFound (not PermissionDenied) for other offices so existence is not revealed.
    """
    if actor.system:
        return "full"
    unit = case.unit.code
    if any(actor.can(tenant, r, unit) for r in CASE_READERS_IN_UNIT) or any(
        actor.can(tenant, r) for r in CASE_READERS_IN_TENANT
    ):
        return "full"
    if tenant in actor.tenants():
        raise PermissionDenied(f"{actor.login} may not read cases of unit {unit}")
    if shared_with(session, case.id) & actor.tenants():
        return "shared"
    raise NotFound(f"no case {case.sign} in this office")


def shared_with(session: Session, case_id: int) -> set[str]:
    return set(
        session.execute(
            select(Tenant.code)
            .join(CaseShare, CaseShare.tenant_id == Tenant.id)
            .where(CaseShare.case_id == case_id)
        ).scalars()
    )


def readable_case(session: Session, actor: Actor, tenant: str, sign: str) -> tuple[CaseFile, str]:
    try:
        tenant_row = tenant_by_code(session, tenant)
        case = case_by_sign(session, tenant_row.id, sign)
    except NotFound:
        raise NotFound(f"no case {sign} in this office") from None
    return case, case_access(session, actor, tenant, case)


# -- my tasks -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TaskRow:
    id: str
    name: str
    task_key: str
    tenant: str
    ref: str  # RPW number or case sign
    ref_kind: str  # item | case
    title: str
    deadline: date | None
    overdue: bool
    due_soon: bool
    assignee: str | None
    on_behalf_of: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "task_key": self.task_key,
            "tenant": self.tenant,
            "ref": self.ref,
            "ref_kind": self.ref_kind,
            "title": self.title,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "assignee": self.assignee,
            "on_behalf_of": self.on_behalf_of,
        }


def task_groups(actor: Actor) -> tuple[set[str], dict[str, str | None]]:
    """Candidate groups and assignee logins (own login → None, absent colleague → their login)."""
    groups: set[str] = set()
    logins: dict[str, str | None] = {actor.login: None}
    for grant, behalf in actor.grants:
        groups.add(tenant_group(grant.tenant, grant.role.value))
        groups.add(unit_group(grant.tenant, grant.unit, grant.role.value))
        if behalf:
            logins.setdefault(behalf, behalf)
    return groups, logins


def my_tasks(session: Session, engine: WorkflowEngine, actor: Actor, today: date) -> list[TaskRow]:
    """Open user tasks of the actor, their groups and the people they substitute for."""
    groups, logins = task_groups(actor)
    tenants = actor.tenants()
    found: dict[str, tuple[Any, str | None]] = {}
    for login, behalf in logins.items():
        for task in engine.user_tasks(assignee=login, candidate_groups=sorted(groups)):
            if task.id not in found or found[task.id][1] is not None:
                found[task.id] = (task, behalf if task.assignee == login else None)
    wanted: dict[str, set[str]] = {}
    for task, _ in found.values():
        tenant, ref = split_business_key(task.business_key)
        if tenant in tenants:
            wanted.setdefault(tenant, set()).add(ref)
    cases, items = _refs(session, wanted)
    rows: list[TaskRow] = []
    for task, behalf in found.values():
        tenant, ref = split_business_key(task.business_key)
        if tenant not in tenants:
            continue  # a group name can never span offices, but a stale assignee could
        case = cases.get((tenant, ref))
        item = items.get((tenant, ref))
        deadline = case.deadline if case is not None else None
        rows.append(
            TaskRow(
                id=task.id,
                name=task.name,
                task_key=task.task_key,
                tenant=tenant,
                ref=ref,
                ref_kind="case" if case is not None else "item",
                title=(case.title if case is not None else item.title if item is not None else ""),
                deadline=deadline,
                overdue=bool(deadline and deadline < today),
                due_soon=bool(deadline and today <= deadline <= today + timedelta(days=DUE_SOON_DAYS)),
                assignee=task.assignee,
                on_behalf_of=behalf,
            )
        )
    rows.sort(key=lambda r: (r.deadline or date.max, r.tenant, r.ref))
    return rows


def _refs(
    session: Session, wanted: dict[str, set[str]]
) -> tuple[dict[tuple[str, str], CaseFile], dict[tuple[str, str], IncomingItem]]:
    cases: dict[tuple[str, str], CaseFile] = {}
    items: dict[tuple[str, str], IncomingItem] = {}
    for tenant, refs in wanted.items():
        case_refs = [r for r in refs if not r.startswith("RPW")]
        item_refs = [r for r in refs if r.startswith("RPW")]
        if case_refs:
            for case in session.execute(
                select(CaseFile).join(Tenant).where(Tenant.code == tenant, CaseFile.sign.in_(case_refs))
            ).scalars():
                cases[(tenant, case.sign)] = case
        if item_refs:
            for item in session.execute(
                select(IncomingItem)
                .join(Tenant, Tenant.id == IncomingItem.tenant_id)
                .where(Tenant.code == tenant, IncomingItem.sign.in_(item_refs))
            ).scalars():
                items[(tenant, item.sign)] = item
    return cases, items


# -- cases ----------------------------------------------------------------------------------------
def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()


def case_summary(case: CaseFile, tenant: str, referent: str | None = None) -> dict[str, Any]:
    return {
        "tenant": tenant,
        "sign": case.sign,
        "title": case.title,
        "state": case.state,
        "unit": case.unit.code,
        "jrwa": case.jrwa.symbol,
        "category": case.category,
        "referent": referent,
        "opened_at": _iso(case.opened_at),
        "deadline": _iso(case.deadline),
        "closed_at": _iso(case.closed_at),
        "archived_at": _iso(case.archived_at),
    }


def _logins(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.login).where(User.id.in_(wanted))).tuples().all())


def case_list(
    session: Session,
    actor: Actor,
    *,
    tenant: str,
    state: str | None = None,
    unit: str | None = None,
    referent: str | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """The spis spraw of the units the actor may read (cases shared by others: :func:`shared_cases`)."""
    tenant_row = tenant_by_code(session, tenant)
    require_member(actor, tenant)
    q = select(CaseFile).where(CaseFile.tenant_id == tenant_row.id)
    if not (actor.system or any(actor.can(tenant, r) for r in CASE_READERS_IN_TENANT)):
        readable = units_with(actor, tenant, CASE_READERS_IN_UNIT) or set()
        if not readable:
            raise PermissionDenied(f"{actor.login} may not read cases in {tenant}")
        q = q.join(Unit, Unit.id == CaseFile.unit_id).where(Unit.code.in_(readable))
    if state:
        q = q.where(CaseFile.state == state)
    if unit:
        q = q.where(
            CaseFile.unit_id.in_(select(Unit.id).where(Unit.tenant_id == tenant_row.id, Unit.code == unit))
        )
    if referent:
        q = q.where(CaseFile.referent_id.in_(select(User.id).where(User.login == referent)))
    cases = session.execute(q.order_by(CaseFile.id.desc()).limit(limit)).scalars().all()
    names = _logins(session, (c.referent_id for c in cases))
    audit.log_read(
        session, actor=actor.login, tenant_id=tenant_row.id, object_type="case-list", object_ref=state or "*"
    )
    return [case_summary(c, tenant, names.get(c.referent_id or 0)) for c in cases]


def shared_cases(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Cases other offices have shared with the actor's offices (read-only)."""
    mine = select(Tenant.id).where(Tenant.code.in_(actor.tenants()))
    rows = session.execute(
        select(CaseFile, Tenant.code)
        .join(Tenant, Tenant.id == CaseFile.tenant_id)
        .where(CaseFile.id.in_(select(CaseShare.case_id).where(CaseShare.tenant_id.in_(mine))))
        .order_by(CaseFile.id.desc())
    ).all()
    return [case_summary(c, code) for c, code in rows]


def case_view(
    session: Session, engine: WorkflowEngine, actor: Actor, *, tenant: str, sign: str
) -> dict[str, Any]:
    """Everything about one case the actor may see; logged in the access log."""
    from ezd.services.lookup import business_key

    case, mode = readable_case(session, actor, tenant, sign)
    referent = session.get(User, case.referent_id) if case.referent_id else None
    data = case_summary(case, tenant, referent.login if referent else None)
    data["referent_name"] = referent.full_name if referent else None
    data["access"] = mode
    docs = (
        session.execute(select(Document).where(Document.case_id == case.id).order_by(Document.id))
        .scalars()
        .all()
    )
    data["documents"] = [
        {
            "uid": d.uid,
            "direction": d.direction,
            "kind": d.kind,
            "title": d.title,
            "status": d.status,
            "signed": d.signed,
            "signature_verdict": d.signature_verdict,
            "versions": [
                {
                    "version": v.version,
                    "sha256": v.sha256,
                    "size": v.size,
                    "media_type": v.media_type,
                    "filename": v.filename,
                    "note": v.note,
                    "created_at": _iso(v.created_at),
                    "created_by": v.created_by,
                }
                for v in d.versions
            ],
            "attachments": [
                {"filename": a.filename, "sha256": a.sha256, "size": a.size, "media_type": a.media_type}
                for a in d.attachments
            ],
        }
        for d in docs
    ]
    items = (
        session.execute(select(IncomingItem).where(IncomingItem.case_id == case.id).order_by(IncomingItem.id))
        .scalars()
        .all()
    )
    data["incoming"] = [
        {
            "rpw": i.sign,
            "received_date": _iso(i.received_date),
            "sender": i.sender if mode == "full" else None,  # personal data stays in the office
            "title": i.title,
            "channel": i.channel,
        }
        for i in items
    ]
    chains = [audit.case_chain(case.id)] + [audit.item_chain(tenant, i.sign) for i in items]
    entries = session.execute(
        select(MetrykaEntry)
        .where(MetrykaEntry.chain_key.in_(chains))
        .order_by(MetrykaEntry.at, MetrykaEntry.id)
    ).scalars()
    data["metryka"] = [
        {
            "at": _iso(e.at),
            "actor": e.actor,
            "on_behalf_of": e.on_behalf_of,
            "action": e.action,
            "document": e.document_ref,
            "details": e.details,
        }
        for e in entries
    ]
    data["outgoing"] = [
        {
            "sign": o.sign,
            "channel": o.channel,
            "addressee": o.addressee if mode == "full" else None,
            "dispatched_at": _iso(o.dispatched_at),
            "delivered_at": _iso(o.delivered_at),
        }
        for o in session.execute(select(OutgoingItem).where(OutgoingItem.case_id == case.id)).scalars()
    ]
    data["shared_with"] = sorted(shared_with(session, case.id)) if mode == "full" else []
    key = business_key(tenant, sign)
    processes = []
    for inst in engine.find_instances(key):
        processes.append(
            {
                "process_key": inst.process_key,
                "instance_id": inst.id,
                "ended": inst.ended,
                "active": list(inst.active_activities),
                "visited": [h.activity_id for h in engine.history(inst.id)],
            }
        )
    # the incoming process of the first item explains how the case was opened
    for item in items[:1]:
        for inst in engine.find_instances(business_key(tenant, item.sign)):
            processes.insert(
                0,
                {
                    "process_key": inst.process_key,
                    "instance_id": inst.id,
                    "ended": inst.ended,
                    "active": list(inst.active_activities),
                    "visited": [h.activity_id for h in engine.history(inst.id)],
                },
            )
    data["processes"] = processes
    tasks = engine.user_tasks(business_key=key)
    data["open_tasks"] = [
        {"id": t.id, "task_key": t.task_key, "name": t.name, "assignee": t.assignee} for t in tasks
    ]
    keys = {t.task_key: t for t in tasks}
    draft_task = keys.get("Task_Draft")
    unit = case.unit.code
    data["can"] = {
        "draft": mode == "full"
        and draft_task is not None
        and (
            draft_task.assignee in {actor.login, *(b for _, b in actor.grants if b)}
            or actor.can(tenant, Role.KIEROWNIK, unit)
        ),
        "approve": mode == "full" and "Task_Approve" in keys and actor.can(tenant, Role.KIEROWNIK, unit),
        "accept_transfer": mode == "full"
        and "Task_AcceptTransfer" in keys
        and actor.can(tenant, Role.ARCHIWISTA),
        "share": mode == "full" and actor.can(tenant, Role.KIEROWNIK, unit),
        "access_code": mode == "full"
        and (
            actor.can(tenant, Role.KANCELARIA)
            or actor.can(tenant, Role.REFERENT, unit)
            or actor.can(tenant, Role.KIEROWNIK, unit)
        ),
        "confirm_delivery": mode == "full" and actor.can(tenant, Role.KANCELARIA) and bool(data["outgoing"]),
        "download": True,
    }
    audit.log_read(
        session, actor=actor.login, tenant_id=case.tenant_id, object_type="case", object_ref=case.sign
    )
    return data


def document_version(
    session: Session, actor: Actor, *, tenant: str, uid: str, version: int
) -> tuple[Document, Any]:
    """A stored version the actor may read (through its case or, before a case, its RPW item)."""
    tenant_row = tenant_by_code(session, tenant)
    doc = session.execute(
        select(Document).where(Document.uid == uid, Document.tenant_id == tenant_row.id)
    ).scalar_one_or_none()
    if doc is None:
        raise NotFound("no such document in this office")
    if doc.case_id is not None:
        case = session.get(CaseFile, doc.case_id)
        assert case is not None
        case_access(session, actor, tenant, case)
    else:
        item = session.execute(
            select(IncomingItem).where(IncomingItem.document_id == doc.id)
        ).scalar_one_or_none()
        if item is None:
            raise NotFound("no such document in this office")
        item_access(session, actor, tenant, item)
    for v in doc.versions:
        if v.version == version:
            return doc, v
    raise NotFound(f"document has no version {version}")


# -- the RPW and the outgoing register ------------------------------------------------------------
def item_access(session: Session, actor: Actor, tenant: str, item: IncomingItem) -> None:
    if actor.system or actor.can(tenant, Role.KANCELARIA) or actor.can(tenant, Role.SEKRETARZ):
        return
    if item.unit_id is not None:
        unit = session.get(Unit, item.unit_id)
        if unit is not None and any(actor.can(tenant, r, unit.code) for r in CASE_READERS_IN_UNIT):
            return
    if item.case_id is not None:
        case = session.get(CaseFile, item.case_id)
        if case is not None and case.state == CaseState.ARCHIVED.value and actor.can(tenant, Role.ARCHIWISTA):
            return
    if tenant in actor.tenants():
        raise PermissionDenied(f"{actor.login} may not read {item.sign}")
    raise NotFound(f"no incoming item {item.sign} in this office")


def item_dict(session: Session, item: IncomingItem, tenant: str) -> dict[str, Any]:
    unit = session.get(Unit, item.unit_id) if item.unit_id else None
    case = session.get(CaseFile, item.case_id) if item.case_id else None
    referent = session.get(User, item.referent_id) if item.referent_id else None
    return {
        "tenant": tenant,
        "rpw": item.sign,
        "year": item.year,
        "number": item.number,
        "registered_at": _iso(item.registered_at),
        "registered_by": item.registered_by,
        "sender": item.sender,
        "sender_address": item.sender_address,
        "title": item.title,
        "kind": item.kind,
        "channel": item.channel,
        "letter_date": _iso(item.letter_date),
        "received_date": _iso(item.received_date),
        "sender_reference": item.sender_reference,
        "attachments": item.attachments,
        "access": item.access,
        "status": item.status,
        "unit": unit.code if unit else None,
        "referent": referent.login if referent else None,
        "case": case.sign if case else None,
        "document": item.document.uid,
    }


def rpw_list(
    session: Session, actor: Actor, *, tenant: str, year: int, status: str | None = None
) -> list[dict[str, Any]]:
    tenant_row = tenant_by_code(session, tenant)
    require_member(actor, tenant)
    q = select(IncomingItem).where(IncomingItem.tenant_id == tenant_row.id, IncomingItem.year == year)
    if not (actor.system or actor.can(tenant, Role.KANCELARIA) or actor.can(tenant, Role.SEKRETARZ)):
        readable = units_with(actor, tenant, CASE_READERS_IN_UNIT) or set()
        if not readable:
            raise PermissionDenied(f"{actor.login} may not read the RPW of {tenant}")
        q = q.where(
            IncomingItem.unit_id.in_(
                select(Unit.id).where(Unit.tenant_id == tenant_row.id, Unit.code.in_(readable))
            )
        )
    if status:
        q = q.where(IncomingItem.status == status)
    items = session.execute(q.order_by(IncomingItem.number.desc())).scalars().all()
    audit.log_read(
        session, actor=actor.login, tenant_id=tenant_row.id, object_type="rpw-list", object_ref=str(year)
    )
    return [item_dict(session, i, tenant) for i in items]


def item_view(session: Session, actor: Actor, *, tenant: str, rpw: str) -> dict[str, Any]:
    try:
        tenant_row = tenant_by_code(session, tenant)
        item = item_by_sign(session, tenant_row.id, rpw)
    except NotFound:
        raise NotFound(f"no incoming item {rpw} in this office") from None
    item_access(session, actor, tenant, item)
    audit.log_read(
        session, actor=actor.login, tenant_id=tenant_row.id, object_type="rpw", object_ref=item.sign
    )
    return item_dict(session, item, tenant)


def outgoing_register(session: Session, actor: Actor, *, tenant: str, year: int) -> list[dict[str, Any]]:
    tenant_row = tenant_by_code(session, tenant)
    require_any(actor, tenant, (Role.KANCELARIA, Role.SEKRETARZ))
    rows = session.execute(
        select(OutgoingItem, CaseFile.sign)
        .join(CaseFile, CaseFile.id == OutgoingItem.case_id)
        .where(OutgoingItem.tenant_id == tenant_row.id, OutgoingItem.year == year)
        .order_by(OutgoingItem.number.desc())
    ).all()
    audit.log_read(
        session, actor=actor.login, tenant_id=tenant_row.id, object_type="outgoing-list", object_ref=str(year)
    )
    return [
        {
            "sign": o.sign,
            "case": sign,
            "channel": o.channel,
            "addressee": o.addressee,
            "dispatched_at": _iso(o.dispatched_at),
            "delivered_at": _iso(o.delivered_at),
        }
        for o, sign in rows
    ]


# -- heads: approval queue, overdue list, dashboard ------------------------------------------------
def approval_queue(
    session: Session, engine: WorkflowEngine, actor: Actor, *, tenant: str, today: date
) -> list[dict[str, Any]]:
    units = units_with(actor, tenant, (Role.KIEROWNIK,))
    if units is not None and not units:
        raise PermissionDenied(f"{actor.login} is not a head of any unit in {tenant}")
    if units is None:  # sekretarz: every unit of the office
        candidates = engine.user_tasks()
    else:
        groups = [unit_group(tenant, u, Role.KIEROWNIK.value) for u in sorted(units)]
        candidates = engine.user_tasks(assignee=actor.login, candidate_groups=groups)
    tasks = [
        t
        for t in candidates
        if t.task_key == "Task_Approve" and split_business_key(t.business_key)[0] == tenant
    ]
    signs = [split_business_key(t.business_key)[1] for t in tasks]
    cases, _ = _refs(session, {tenant: set(signs)})
    out = []
    for t, sign in zip(tasks, signs, strict=True):
        case = cases.get((tenant, sign))
        if case is None:
            continue
        out.append(
            {
                "task_id": t.id,
                "case": sign,
                "title": case.title,
                "unit": case.unit.code,
                "deadline": _iso(case.deadline),
                "overdue": bool(case.deadline and case.deadline < today),
            }
        )
    audit.log_read(
        session,
        actor=actor.login,
        tenant_id=tenant_by_code(session, tenant).id,
        object_type="approval-queue",
        object_ref="*",
    )
    return out


def _head_scope(actor: Actor, tenant: str, unit: str | None) -> set[str] | None:
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


def _scoped_cases(session: Session, tenant_id: int, units: set[str] | None) -> Any:
    q = select(CaseFile).where(CaseFile.tenant_id == tenant_id)
    if units is not None:
        q = q.where(
            CaseFile.unit_id.in_(select(Unit.id).where(Unit.tenant_id == tenant_id, Unit.code.in_(units)))
        )
    return q


def overdue(
    session: Session, actor: Actor, *, tenant: str, today: date, unit: str | None = None
) -> list[dict[str, Any]]:
    tenant_row = tenant_by_code(session, tenant)
    units = _head_scope(actor, tenant, unit)
    q = _scoped_cases(session, tenant_row.id, units).where(
        CaseFile.state.in_([CaseState.OPEN.value, CaseState.IN_APPROVAL.value]), CaseFile.deadline < today
    )
    cases = session.execute(q.order_by(CaseFile.deadline)).scalars().all()
    names = _logins(session, (c.referent_id for c in cases))
    audit.log_read(
        session,
        actor=actor.login,
        tenant_id=tenant_row.id,
        object_type="overdue-list",
        object_ref=unit or "*",
    )
    return [
        {**case_summary(c, tenant, names.get(c.referent_id or 0)), "days_late": (today - c.deadline).days}
        for c in cases
        if c.deadline
    ]


def dashboard(
    session: Session, actor: Actor, *, tenant: str, today: date, unit: str | None = None, weeks: int = 12
) -> dict[str, Any]:
    tenant_row = tenant_by_code(session, tenant)
    units = _head_scope(actor, tenant, unit)
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
        {
            "week": (start + timedelta(weeks=k)).isoformat(),
            "count": per_week.get(start + timedelta(weeks=k), 0),
        }
        for k in range(weeks)
    ]
    cases = session.execute(_scoped_cases(session, tenant_row.id, units)).scalars().all()
    states: Tally[str] = Tally(c.state for c in cases)
    names = _logins(session, (c.referent_id for c in cases))
    late: Tally[str] = Tally(
        names.get(c.referent_id or 0, "—")
        for c in cases
        if c.state in (CaseState.OPEN.value, CaseState.IN_APPROVAL.value)
        and c.deadline
        and c.deadline < today
    )
    durations = [
        (c.closed_at - c.opened_at).total_seconds() / 86400 for c in cases if c.closed_at is not None
    ]
    audit.log_read(
        session, actor=actor.login, tenant_id=tenant_row.id, object_type="dashboard", object_ref=unit or "*"
    )
    return {
        "tenant": tenant,
        "units": sorted(units) if units is not None else None,
        "intake_per_week": intake,
        "open": states.get(CaseState.OPEN.value, 0) + states.get(CaseState.IN_APPROVAL.value, 0),
        "closed": states.get(CaseState.CLOSED.value, 0) + states.get(CaseState.ARCHIVED.value, 0),
        "by_state": dict(states),
        "overdue_per_referent": [{"referent": k, "count": v} for k, v in sorted(late.items())],
        "median_handling_days": round(statistics.median(durations), 2) if durations else None,
        "closed_count": len(durations),
    }


# -- archive ----------------------------------------------------------------------------------------
@dataclass
class ArchiveFilter:
    text: str = ""
    category: str | None = None
    year: int | None = None
    jrwa: str | None = None
    state: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def search_archive(
    session: Session, actor: Actor, *, tenant: str, flt: ArchiveFilter, limit: int = 200
) -> list[dict[str, Any]]:
    """Search the office's archive: Polish inflection-aware full text with metadata filters.

    Archived cases are found through the archive's full-text index (``ezd.archive_ops.search``:
    "decyzja" finds "decyzji"); closed cases still waiting for transfer are matched by sign and
    title.  Archived hits come first, in rank order.
    """
    tenant_row = tenant_by_code(session, tenant)
    actor.require(tenant, Role.ARCHIWISTA)
    cases: list[CaseFile] = []
    if flt.state != CaseState.CLOSED.value:
        from ezd.archive_ops.search import MAX_PER_PAGE, SearchQuery, search

        page = search(
            session,
            SearchQuery(
                text=flt.text,
                tenant=tenant,
                jrwa=flt.jrwa or None,
                category=flt.category or None,
                year_from=flt.year,
                year_to=flt.year,
                per_page=min(limit, MAX_PER_PAGE),
            ),
        )
        rank = {h.case_sign: i for i, h in enumerate(page.hits)}
        found = session.execute(
            select(CaseFile).where(CaseFile.tenant_id == tenant_row.id, CaseFile.sign.in_(list(rank)))
        ).scalars()
        cases.extend(sorted(found, key=lambda c: rank[c.sign]))
    if flt.state != CaseState.ARCHIVED.value:
        q = select(CaseFile).where(
            CaseFile.tenant_id == tenant_row.id, CaseFile.state == CaseState.CLOSED.value
        )
        if flt.category:
            q = q.where(CaseFile.category == flt.category)
        if flt.year:
            q = q.where(CaseFile.year == flt.year)
        if flt.jrwa:
            from ezd.db.tables import JrwaClass

            q = q.where(
                CaseFile.jrwa_class_id.in_(
                    select(JrwaClass.id).where(
                        JrwaClass.tenant_id == tenant_row.id, JrwaClass.symbol.startswith(flt.jrwa)
                    )
                )
            )
        for word in flt.text.split()[:8]:
            like = f"%{word.lower()}%"
            q = q.where(or_(func.lower(CaseFile.title).like(like), func.lower(CaseFile.sign).like(like)))
        cases.extend(session.execute(q.order_by(CaseFile.id.desc()).limit(limit)).scalars())
    names = _logins(session, (c.referent_id for c in cases))
    audit.log_read(
        session,
        actor=actor.login,
        tenant_id=tenant_row.id,
        object_type="archive-search",
        object_ref=flt.text[:80] or "*",
    )
    return [case_summary(c, tenant, names.get(c.referent_id or 0)) for c in cases]


def open_loans(session: Session, actor: Actor, *, tenant: str) -> list[dict[str, Any]]:
    """Archived records lent out and not yet returned (udostępnienia), overdue first."""
    from ezd.db.tables_archive import ArchiveEntry, Loan

    tenant_row = tenant_by_code(session, tenant)
    actor.require(tenant, Role.ARCHIWISTA)
    rows = session.execute(
        select(ArchiveEntry, Loan)
        .join(Loan, Loan.entry_id == ArchiveEntry.id)
        .where(ArchiveEntry.tenant_id == tenant_row.id, Loan.returned_at.is_(None))
        .order_by(Loan.due_on)
    ).all()
    today = date.today()
    audit.log_read(
        session, actor=actor.login, tenant_id=tenant_row.id, object_type="loans", object_ref=tenant
    )
    return [
        {
            "case": e.case_sign,
            "title": e.title,
            "borrower": loan.borrower,
            "purpose": loan.purpose,
            "lent_by": loan.lent_by,
            "due_on": loan.due_on.isoformat(),
            "overdue": loan.due_on < today,
        }
        for e, loan in rows
    ]


def disposal_list(session: Session, actor: Actor, *, tenant: str, as_of: date) -> list[dict[str, Any]]:
    """Archived cases whose retention has run out (spis akt do brakowania); category A never."""
    tenant_row = tenant_by_code(session, tenant)
    actor.require(tenant, Role.ARCHIWISTA)
    out = []
    for c in session.execute(
        select(CaseFile)
        .where(CaseFile.tenant_id == tenant_row.id, CaseFile.state == CaseState.ARCHIVED.value)
        .order_by(CaseFile.id)
    ).scalars():
        closed = (c.closed_at or c.opened_at).date()
        when = disposal_date(ArchivalCategory.parse(c.category), closed)
        if when is not None and when <= as_of:
            out.append(
                {
                    **case_summary(c, tenant),
                    "disposal_from": when.isoformat(),
                    "expert_review": c.category.upper().startswith("BE"),
                }
            )
    audit.log_read(
        session,
        actor=actor.login,
        tenant_id=tenant_row.id,
        object_type="disposal-list",
        object_ref=as_of.isoformat(),
    )
    return out
