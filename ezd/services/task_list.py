"""The task list of a busy kancelaria: the letter's columns, sorting on each, filters, pages of 50.

Built on :func:`ezd.services.queries.my_tasks` (which decides whose tasks these are); each row
gets the received date, sender and kind of its letter (for a case: of the letter that opened
it).  RPW numbers sort as numbers (RPW/9 before RPW/10), case signs by their parts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, IncomingItem, Tenant
from ezd.services import queries
from ezd.services.actor import Actor
from ezd.services.queries.models import TaskRow
from ezd.workflow.port import WorkflowEngine

PAGE_SIZE = 50
SORTS = ("task", "ref", "received", "sender", "title", "kind", "deadline")


@dataclass(frozen=True)
class TaskLine:
    task: TaskRow
    received: date | None
    sender: str
    kind: str


@dataclass(frozen=True)
class TaskFilter:
    task_key: str = ""  # one kind of task (Task_Decree, …)
    text: str = ""  # in the sender, title or reference
    late_only: bool = False


@dataclass(frozen=True)
class TaskPage:
    lines: tuple[TaskLine, ...]
    total: int  # after filtering
    page: int
    pages: int
    sort: str
    descending: bool
    task_keys: tuple[str, ...]  # the kinds of task present, for the filter


def _natural(text: str) -> tuple[Any, ...]:
    """'RPW/10/2026' → by year, then number; 'OR.0012.7.2026' → by parts, numbers as numbers."""
    m = re.fullmatch(r"RPW/(\d+)/(\d+)", text)
    if m:
        return (0, int(m.group(2)), int(m.group(1)))
    return (1, *((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[./]", text)))


def _letters(session: Session, rows: list[TaskRow]) -> dict[tuple[str, str], IncomingItem]:
    """The letter each task is about: the RPW item itself, or the first item of the case."""
    by_tenant: dict[str, set[str]] = {}
    for r in rows:
        by_tenant.setdefault(r.tenant, set()).add(r.ref)
    found: dict[tuple[str, str], IncomingItem] = {}
    for tenant, refs in by_tenant.items():
        items = [r for r in refs if r.startswith("RPW/")]
        signs = [r for r in refs if not r.startswith("RPW/")]
        if items:
            for item in session.execute(
                select(IncomingItem)
                .join(Tenant, Tenant.id == IncomingItem.tenant_id)
                .where(Tenant.code == tenant, IncomingItem.sign.in_(items))
            ).scalars():
                found[(tenant, item.sign)] = item
        if signs:
            pairs = session.execute(
                select(CaseFile.sign, IncomingItem)
                .join(IncomingItem, IncomingItem.case_id == CaseFile.id)
                .join(Tenant, Tenant.id == CaseFile.tenant_id)
                .where(Tenant.code == tenant, CaseFile.sign.in_(signs))
                .order_by(IncomingItem.id)
            ).all()
            for sign, item in pairs:
                found.setdefault((tenant, sign), item)
    return found


def task_page(
    session: Session,
    engine: WorkflowEngine,
    actor: Actor,
    today: date,
    *,
    flt: TaskFilter,
    sort: str = "deadline",
    descending: bool = False,
    page: int = 1,
    label: Callable[[str], str] = str,
) -> TaskPage:
    """One page of the actor's tasks; ``label`` names a task kind for sorting by task."""
    rows = queries.my_tasks(session, engine, actor, today)
    letters = _letters(session, rows)
    lines = []
    for r in rows:
        item = letters.get((r.tenant, r.ref))
        lines.append(
            TaskLine(
                task=r,
                received=item.received_date if item else None,
                sender=item.sender if item else "",
                kind=item.kind if item else "",
            )
        )
    keys = tuple(sorted({ln.task.task_key for ln in lines}))
    text = flt.text.strip().lower()
    lines = [
        ln
        for ln in lines
        if (not flt.task_key or ln.task.task_key == flt.task_key)
        and (not flt.late_only or ln.task.overdue)
        and (not text or text in f"{ln.sender} {ln.task.title} {ln.task.ref}".lower())
    ]
    key_of: dict[str, Callable[[TaskLine], Any]] = {
        "task": lambda ln: label(ln.task.task_key).lower(),
        "ref": lambda ln: _natural(ln.task.ref),
        "received": lambda ln: ln.received or date.min,
        "sender": lambda ln: ln.sender.lower(),
        "title": lambda ln: ln.task.title.lower(),
        "kind": lambda ln: ln.kind.lower(),
        "deadline": lambda ln: ln.task.deadline or date.max,
    }
    sort = sort if sort in key_of else "deadline"
    # ties keep a stable, meaningful order: by register number
    lines.sort(key=lambda ln: _natural(ln.task.ref))
    lines.sort(key=key_of[sort], reverse=descending)
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = lines[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return TaskPage(tuple(shown), len(lines), page, pages, sort, descending, keys)
