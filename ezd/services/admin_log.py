"""The administrative log: the office's own metryka chain (``audit.on_office``), filtered, paged.

Every change an office's administration makes (units, accounts, roles, substitutions, the JRWA,
the e-seal, the office itself) is an entry of that chain; this reads it for the office's
administrator, newest first, :data:`PAGE_SIZE` at a time.  Dates of the filter are days in
Europe/Warsaw, the entries' times are stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from pydantic import JsonValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ezd.db.tables import MetrykaEntry, User
from ezd.records.errors import InvalidInput
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.office_setup import office_for
from ezd.services.queries.admin_log import AdminLogEntry, AdminLogPage

PAGE_SIZE = 50
WARSAW = ZoneInfo("Europe/Warsaw")


def _utc(day: date) -> datetime:
    """Midnight of a Warsaw day as naive UTC (the stored form)."""
    return datetime.combine(day, time(), WARSAW).astimezone(UTC).replace(tzinfo=None)


def admin_log(
    session: Session,
    actor: Actor,
    *,
    office: str,
    who: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
) -> AdminLogPage:
    tenant = office_for(session, actor, office)
    if page < 1:
        raise InvalidInput("numer strony zaczyna się od 1")
    if since and until and since > until:
        raise InvalidInput("data początkowa jest późniejsza niż końcowa")
    chain = audit.tenant_chain(tenant.code)
    where: list[ColumnElement[bool]] = [MetrykaEntry.chain_key == chain]
    if who:
        where.append(MetrykaEntry.actor == who)
    if action:
        where.append(MetrykaEntry.action == action)
    if since:
        where.append(MetrykaEntry.at >= _utc(since))
    if until:
        where.append(MetrykaEntry.at < _utc(until + timedelta(days=1)))
    total = int(session.execute(select(func.count()).where(*where)).scalar_one())
    rows = list(
        session.execute(
            select(MetrykaEntry)
            .where(*where)
            .order_by(MetrykaEntry.seq.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        ).scalars()
    )
    logins = {r.actor for r in rows} | {r.on_behalf_of for r in rows if r.on_behalf_of}
    names: dict[str, str] = {
        login: name
        for login, name in session.execute(select(User.login, User.full_name).where(User.login.in_(logins)))
    }
    actions = sorted(
        session.execute(
            select(MetrykaEntry.action).where(MetrykaEntry.chain_key == chain).distinct()
        ).scalars()
    )
    entries = [
        AdminLogEntry(
            seq=r.seq,
            at=r.at.isoformat(timespec="seconds"),
            actor=r.actor,
            actor_name=names.get(r.actor, r.actor),
            on_behalf_of=r.on_behalf_of,
            action=r.action,
            details=cast(dict[str, JsonValue], r.details or {}),
        )
        for r in rows
    ]
    return AdminLogPage(
        entries=entries,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
        actions=actions,
    )


__all__ = ["PAGE_SIZE", "admin_log"]
