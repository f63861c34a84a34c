"""The in-app inbox: a new task, a returned draft, a deadline in 3 days, an overdue case
(escalated to the heads of its unit). E-mail delivery of the same messages: ``ezd.mailer``.

Messages are written in the transaction of the step that causes them; a periodic scan
(``scan_deadlines``) adds the deadline ones, and ``dedup_key`` makes a repeated scan a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ezd.clock import office_date, polish_date
from ezd.db.base import utcnow
from ezd.db.tables import CaseFile, RoleGrant, Tenant, Unit, User
from ezd.db.tables_kpa import Notification
from ezd.records.cases import ACTIVE_STATES
from ezd.records.errors import InvalidInput
from ezd.records.tenancy import Role
from ezd.services.actor import Actor
from ezd.services.audit import log_read

DUE_SOON_DAYS = 3
KIND_LABELS = {
    "task": "Nowe zadanie",
    "returned": "Projekt zwrócony do poprawy",
    "due_soon": "Zbliża się termin",
    "overdue": "Termin minął",
    "escalation": "Sprawa po terminie w komórce",
    "copy": "Do wiadomości",
}


def notify(
    session: Session, *, tenant_id: int, user_id: int, kind: str, ref: str, text: str, dedup: str
) -> bool:
    """Add one message unless the same one (``dedup``) exists; True when added."""
    if kind not in KIND_LABELS:
        raise InvalidInput(f"nieznany rodzaj powiadomienia {kind!r}")
    exists = session.execute(select(Notification.id).where(Notification.dedup_key == dedup)).first()
    if exists is not None:
        return False
    session.add(
        Notification(
            tenant_id=tenant_id, user_id=user_id, kind=kind, ref=ref, text=text[:1000], dedup_key=dedup
        )
    )
    session.flush()
    return True


def notify_login(
    session: Session, *, tenant_id: int, login: str, kind: str, ref: str, text: str, dedup: str
) -> None:
    user_id = session.execute(select(User.id).where(User.login == login)).scalar_one_or_none()
    if user_id is not None:
        notify(session, tenant_id=tenant_id, user_id=user_id, kind=kind, ref=ref, text=text, dedup=dedup)


def heads_of(session: Session, unit_id: int) -> list[int]:
    return list(
        session.execute(
            select(RoleGrant.user_id).where(
                RoleGrant.unit_id == unit_id, RoleGrant.role == Role.KIEROWNIK.value
            )
        ).scalars()
    )


def scan_deadlines(session: Session, today: date) -> int:
    """Deadline in DUE_SOON_DAYS or less → the referent; past it → the referent and the heads."""
    added = 0
    soon = today + timedelta(days=DUE_SOON_DAYS)
    cases = session.execute(
        select(CaseFile).where(
            CaseFile.state.in_([s.value for s in ACTIVE_STATES]),
            CaseFile.deadline.is_not(None),
            CaseFile.deadline <= soon,
        )
    ).scalars()
    for case in cases:
        due = case.deadline
        if due is None:  # narrowed for the type checker; the query excludes it
            continue
        overdue = due < today
        stamp = f"{case.id}:{due.isoformat()}"
        if case.referent_id is not None:
            kind = "overdue" if overdue else "due_soon"
            text = (
                f"Sprawa {case.sign} „{case.title}”: termin minął {polish_date(due)}"
                if overdue
                else f"Sprawa {case.sign} „{case.title}”: termin załatwienia {polish_date(due)}"
            )
            added += notify(
                session,
                tenant_id=case.tenant_id,
                user_id=case.referent_id,
                kind=kind,
                ref=case.sign,
                text=text,
                dedup=f"{kind}:{stamp}:{case.referent_id}",
            )
        if overdue:
            for head in heads_of(session, case.unit_id):
                added += notify(
                    session,
                    tenant_id=case.tenant_id,
                    user_id=head,
                    kind="escalation",
                    ref=case.sign,
                    text=f"Sprawa {case.sign} „{case.title}” w Twojej komórce jest po terminie "
                    f"({polish_date(due)})",
                    dedup=f"escalation:{stamp}:{head}",
                )
    return added


@dataclass(frozen=True)
class InboxMessage:
    id: int
    kind: str
    label: str
    ref: str
    text: str
    created_on: str  # dd.mm.rrrr, Europe/Warsaw
    read: bool


def inbox(session: Session, actor: Actor, *, tenant: str, unread_only: bool = False) -> list[InboxMessage]:
    """The signed-in person's messages in one office, newest first; the read is logged."""
    if actor.user_id is None:
        return []
    q = (
        select(Notification)
        .join(Tenant, Tenant.id == Notification.tenant_id)
        .where(Notification.user_id == actor.user_id, Tenant.code == tenant)
    )
    if unread_only:
        q = q.where(Notification.read_at.is_(None))
    rows = list(session.execute(q.order_by(Notification.id.desc()).limit(200)).scalars())
    if rows:
        log_read(
            session,
            actor=actor.login,
            tenant_id=rows[0].tenant_id,
            object_type="inbox",
            object_ref=actor.login,
        )
    return [
        InboxMessage(
            r.id,
            r.kind,
            KIND_LABELS[r.kind],
            r.ref,
            r.text,
            polish_date(office_date(r.created_at)),
            r.read_at is not None,
        )
        for r in rows
    ]


def unread_count(session: Session, actor: Actor) -> int:
    """How many of the person's messages (in every office) are unread: the header shows it."""
    if actor.user_id is None:
        return 0
    q = select(func.count(Notification.id)).where(
        Notification.user_id == actor.user_id, Notification.read_at.is_(None)
    )
    return int(session.execute(q).scalar_one())


def mark_read(session: Session, actor: Actor, ids: list[int]) -> int:
    if actor.user_id is None or not ids:
        return 0
    result = session.execute(
        update(Notification)
        .where(
            Notification.id.in_(ids), Notification.user_id == actor.user_id, Notification.read_at.is_(None)
        )
        .values(read_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def notify_role(
    session: Session,
    *,
    tenant_id: int,
    role: Role,
    unit_code: str | None,
    kind: str,
    ref: str,
    text: str,
    dedup: str,
) -> None:
    """Everyone with ``role`` in the unit (or, for an office-wide role, in any unit of the office)."""
    q = (
        select(RoleGrant.user_id)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(Unit.tenant_id == tenant_id, RoleGrant.role == role.value)
    )
    if unit_code is not None:
        q = q.where(Unit.code == unit_code)
    for user_id in sorted(set(session.execute(q).scalars())):
        notify(
            session,
            tenant_id=tenant_id,
            user_id=user_id,
            kind=kind,
            ref=ref,
            text=text,
            dedup=f"{dedup}:{user_id}",
        )
