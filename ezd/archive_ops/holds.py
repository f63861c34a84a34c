"""Legal holds and fixity runs as the archivist's pages see them (typed read models).

Setting and lifting a hold is :func:`ezd.archive_ops.disposal.set_legal_hold`; these are the
lists.  Every list is checked against the person's roles in the office and its read is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.archive_ops.fixity_report import Incident, incidents
from ezd.db.tables import MetrykaEntry
from ezd.db.tables_archive import ArchiveEntry
from ezd.records.errors import PermissionDenied
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code

WARSAW = ZoneInfo("Europe/Warsaw")


def local(at: datetime) -> str:
    """dd.mm.rrrr HH:MM, Warsaw time (stored times are naive UTC)."""
    return at.replace(tzinfo=UTC).astimezone(WARSAW).strftime("%d.%m.%Y %H:%M")


@dataclass(frozen=True)
class HeldCase:
    case_sign: str
    title: str
    category: str
    reason: str


@dataclass(frozen=True)
class FixityRun:
    at: str  # local time, for reading
    checked: int
    missing: int
    corrupted: int
    cases: list[str]


@dataclass(frozen=True)
class FixityOverview:
    runs: list[FixityRun]
    incidents: list[Incident]


def held_cases(session: Session, actor: Actor, *, tenant: str) -> list[HeldCase]:
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    rows = session.execute(
        select(ArchiveEntry)
        .where(ArchiveEntry.tenant_id == t.id, ArchiveEntry.legal_hold.is_(True))
        .order_by(ArchiveEntry.case_sign)
    ).scalars()
    out = [HeldCase(e.case_sign, e.title, e.category, e.hold_reason or "") for e in rows]
    audit.log_read(session, actor=actor.login, tenant_id=t.id, object_type="archive_holds", object_ref=tenant)
    return out


def fixity_overview(session: Session, actor: Actor, *, tenant: str, runs: int = 20) -> FixityOverview:
    """The office's last fixity audits and its incidents: for its archivist or its administrator."""
    try:
        actor.require(tenant, Role.ARCHIWISTA)
    except PermissionDenied:
        actor.require(tenant, Role.ADMIN)
    t = tenant_by_code(session, tenant)
    entries = session.execute(
        select(MetrykaEntry)
        .where(
            MetrykaEntry.chain_key == audit.tenant_chain(tenant), MetrykaEntry.action == "audyt_integralnosci"
        )
        .order_by(MetrykaEntry.seq.desc())
        .limit(runs)
    ).scalars()
    found = []
    for e in entries:
        d = e.details or {}
        cases = d.get("cases_affected")
        found.append(
            FixityRun(
                at=local(e.at),
                checked=int(str(d.get("checked", 0))),
                missing=int(str(d.get("missing", 0))),
                corrupted=int(str(d.get("corrupted", 0))),
                cases=[str(c) for c in cases] if isinstance(cases, list) else [],
            )
        )
    audit.log_read(session, actor=actor.login, tenant_id=t.id, object_type="fixity_audits", object_ref=tenant)
    return FixityOverview(found, incidents(session, tenant))
