"""Who may read what (role × unit × tenant), shared by every read of the read model.

* a case: referent or kierownik of the case's unit, sekretarz, kancelaria or archiwista of the
  case's office; people of another office only when the case is shared with it (``case_share``),
  read-only.  Anyone else gets the same ``NotFound`` as for a case that does not exist, so the
  answer never reveals another office's records.
* the RPW: kancelaria and sekretarz of the office; heads and referents see the items decreed to
  their unit.
* the outgoing register: kancelaria and sekretarz.
* dashboards, the approval queue and overdue lists: kierownik of the unit, sekretarz.
* archive search: archiwista.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, CaseShare, IncomingItem, Tenant, Unit, User
from ezd.records.cases import CaseState
from ezd.records.errors import NotFound, PermissionDenied
from ezd.records.tenancy import Role
from ezd.services import audit, copies
from ezd.services.actor import Actor
from ezd.services.lookup import case_by_sign, tenant_by_code

CASE_READERS_IN_UNIT = (Role.REFERENT, Role.KIEROWNIK)
CASE_READERS_IN_TENANT = (Role.SEKRETARZ, Role.KANCELARIA, Role.ARCHIWISTA)


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
    if copies.holds_copy(session, actor, tenant, item):  # "do wiadomości": reading only
        return
    if tenant in actor.tenants():
        raise PermissionDenied(f"{actor.login} may not read {item.sign}")
    raise NotFound(f"no incoming item {item.sign} in this office")


def logged_read(session: Session, actor: Actor, tenant_id: int, object_type: str, object_ref: str) -> None:
    """Every read of records lands in the access log (one call shape for every query)."""
    audit.log_read(
        session, actor=actor.login, tenant_id=tenant_id, object_type=object_type, object_ref=object_ref
    )


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()


def logins_of(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.login).where(User.id.in_(wanted))).tuples().all())
