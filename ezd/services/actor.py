"""Who is acting: a signed-in person (with their grants and substitutions) or the system."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import RoleGrant, Substitution, Unit, User
from ezd.records.errors import NotFound, PermissionDenied
from ezd.records.tenancy import Grant, Role, SubstitutionPeriod, effective_grants


@dataclass(frozen=True)
class Actor:
    login: str
    user_id: int | None
    grants: tuple[tuple[Grant, str | None], ...] = field(default_factory=tuple)
    system: bool = False
    # a signed-in person named in EZD_SYSTEM_ADMINS: may found offices, holds no office rights by it
    system_admin: bool = False

    def tenants(self) -> set[str]:
        return {g.tenant for g, _ in self.grants}

    def can(self, tenant: str, role: Role, unit: str | None = None) -> bool:
        return self.system or self._match(tenant, role, unit) is not None

    def require(self, tenant: str, role: Role, unit: str | None = None) -> str | None:
        """Check a role; return the login acted for when the right comes from a substitution."""
        if self.system:
            return None
        match = self._match(tenant, role, unit)
        if match is None:
            where = f"unit {unit} of {tenant}" if unit else tenant
            raise PermissionDenied(f"{self.login} has no {role.value} role in {where}")
        return match[1]

    def _match(self, tenant: str, role: Role, unit: str | None) -> tuple[Grant, str | None] | None:
        best: tuple[Grant, str | None] | None = None
        for grant, behalf in self.grants:
            if grant.tenant != tenant or grant.role != role:
                continue
            if unit is not None and grant.unit != unit and grant.role not in (Role.SEKRETARZ, Role.ADMIN):
                continue
            if behalf is None:
                return grant, None  # own right beats a substituted one
            best = best or (grant, behalf)
        return best


def system_actor(name: str = "system") -> Actor:
    return Actor(login=name, user_id=None, system=True)


def _grants_of(session: Session, user_id: int) -> list[Grant]:
    rows = session.execute(select(RoleGrant).where(RoleGrant.user_id == user_id)).scalars()
    return [Grant(r.unit.tenant.code, r.unit.code, Role(r.role)) for r in rows]


def load_actor(session: Session, login: str, day: date) -> Actor:
    user = session.execute(
        select(User).where(User.login == login, User.active.is_(True))
    ).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no active user {login!r}")
    subs: list[tuple[SubstitutionPeriod, list[Grant]]] = []
    for sub, absent in session.execute(
        select(Substitution, User)
        .join(User, User.id == Substitution.absent_user_id)
        .where(Substitution.substitute_user_id == user.id, Substitution.start <= day, Substitution.end >= day)
    ).all():
        period = SubstitutionPeriod(absent.login, login, sub.start, sub.end)
        subs.append((period, _grants_of(session, absent.id)))
    grants = effective_grants(_grants_of(session, user.id), subs, day)
    return Actor(login=login, user_id=user.id, grants=tuple(grants))


def unit_by_code(session: Session, tenant_id: int, code: str) -> Unit:
    unit = session.execute(
        select(Unit).where(Unit.tenant_id == tenant_id, Unit.code == code)
    ).scalar_one_or_none()
    if unit is None:
        raise NotFound(f"no unit {code!r} in this office")
    return unit
