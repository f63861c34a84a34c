"""Task lists: my open tasks and the approval queue of the units I head."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, IncomingItem, Tenant
from ezd.records.errors import PermissionDenied
from ezd.records.tenancy import Role
from ezd.services.actor import Actor
from ezd.services.lookup import split_business_key, tenant_by_code, tenant_group, unit_group
from ezd.services.queries.access import iso, logged_read, units_with
from ezd.services.queries.models import ApprovalRow, TaskRow
from ezd.services.tasks import task_screen
from ezd.workflow.port import UserTask, WorkflowEngine

DUE_SOON_DAYS = 7


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
    found: dict[str, tuple[UserTask, str | None]] = {}
    for login, behalf in logins.items():
        for task in engine.user_tasks(assignee=login, candidate_groups=sorted(groups)):
            if task.id not in found or found[task.id][1] is not None:
                found[task.id] = (task, behalf if task.assignee == login else None)
    wanted: dict[str, set[str]] = {}
    for task, _ in found.values():
        tenant, ref = split_business_key(task.business_key)
        if tenant in tenants:
            wanted.setdefault(tenant, set()).add(ref)
    cases, items = refs_of(session, wanted)
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
                screen=task_screen(engine, task),
            )
        )
    rows.sort(key=lambda r: (r.deadline or date.max, r.tenant, r.ref))
    return rows


def refs_of(
    session: Session, wanted: dict[str, set[str]]
) -> tuple[dict[tuple[str, str], CaseFile], dict[tuple[str, str], IncomingItem]]:
    """The cases and RPW items a set of business keys name, one query per office and kind."""
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


def approval_queue(
    session: Session, engine: WorkflowEngine, actor: Actor, *, tenant: str, today: date
) -> list[ApprovalRow]:
    tenant_row = tenant_by_code(session, tenant)
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
        if split_business_key(t.business_key)[0] == tenant and task_screen(engine, t) == "approve"
    ]
    signs = [split_business_key(t.business_key)[1] for t in tasks]
    cases, _ = refs_of(session, {tenant: set(signs)})
    out = []
    for t, sign in zip(tasks, signs, strict=True):
        case = cases.get((tenant, sign))
        if case is None:
            continue
        out.append(
            ApprovalRow(
                task_id=t.id,
                case=sign,
                title=case.title,
                unit=case.unit.code,
                deadline=iso(case.deadline),
                overdue=bool(case.deadline and case.deadline < today),
            )
        )
    logged_read(session, actor, tenant_row.id, "approval-queue", "*")
    return out
