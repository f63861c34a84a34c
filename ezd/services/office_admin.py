"""Administration by a signed-in office admin (web/API).

:mod:`ezd.services.admin` holds the primitives, also used by seeding as the system; here every
call checks that the actor is an admin of the office concerned, and lists are scoped to it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import JrwaClass, MetrykaChain, MetrykaEntry, RoleGrant, Substitution, Unit, User
from ezd.records.errors import InvalidInput, NotFound
from ezd.records.metryka import GENESIS, ChainBreak, verify_chain
from ezd.records.tenancy import Role
from ezd.services import admin, audit
from ezd.services.actor import Actor, unit_by_code
from ezd.services.queries.models import (
    AuditCheck,
    GrantView,
    JrwaClassView,
    SubstitutionView,
    UnitView,
    UserView,
)
from ezd.services.scope import acting_in, member_office


def list_units(session: Session, actor: Actor, *, tenant: str) -> list[UnitView]:
    t = member_office(session, actor, tenant)
    rows = session.execute(select(Unit).where(Unit.tenant_id == t.id).order_by(Unit.code)).scalars()
    return [UnitView(code=u.code, name=u.name) for u in rows]


def create_unit(session: Session, actor: Actor, *, tenant: str, code: str, name: str) -> UnitView:
    t = acting_in(session, actor, tenant, Role.ADMIN).tenant
    if session.execute(select(Unit).where(Unit.tenant_id == t.id, Unit.code == code)).scalar_one_or_none():
        raise InvalidInput(f"unit {code!r} already exists")
    if not name.strip():
        raise InvalidInput("a unit needs a name")
    unit = admin.create_unit(session, tenant=tenant, code=code, name=name.strip()[:200])
    audit.on_office(
        session,
        t,
        actor=actor.login,
        action="utworzenie_komorki",
        details={"unit": unit.code},
    )
    return UnitView(code=unit.code, name=unit.name)


def _tenant_users(session: Session, tenant_id: int) -> dict[int, User]:
    rows = session.execute(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(Unit.tenant_id == tenant_id)
    ).scalars()
    return {u.id: u for u in rows}


def list_users(session: Session, actor: Actor, *, tenant: str) -> list[UserView]:
    """People with a role in the office; admins see lock state, others logins and names only."""
    t = member_office(session, actor, tenant)
    is_admin = actor.can(tenant, Role.ADMIN)
    users = _tenant_users(session, t.id)
    grants: dict[int, list[GrantView]] = {}
    for g in session.execute(
        select(RoleGrant).join(Unit, Unit.id == RoleGrant.unit_id).where(Unit.tenant_id == t.id)
    ).scalars():
        grants.setdefault(g.user_id, []).append(GrantView(unit=g.unit.code, role=g.role))
    return [
        _user_view(u, grants.get(u.id, []), is_admin) for u in sorted(users.values(), key=lambda u: u.login)
    ]


def _user_view(u: User, grants: list[GrantView], with_lock_state: bool) -> UserView:
    if not with_lock_state:
        return UserView(login=u.login, full_name=u.full_name, grants=grants)
    return UserView(
        login=u.login,
        full_name=u.full_name,
        grants=grants,
        active=u.active,
        locked_until=u.locked_until.isoformat() if u.locked_until else None,
        failed_logins=u.failed_logins,
    )


def create_user(
    session: Session,
    actor: Actor,
    *,
    tenant: str,
    login: str,
    full_name: str,
    password: str,
    unit: str,
    role: Role,
) -> UserView:
    t = acting_in(session, actor, tenant, Role.ADMIN).tenant
    if not login or len(login) > 64 or not all(c.isalnum() or c in ".-_" for c in login):
        raise InvalidInput("a login is 1-64 letters, digits, '.', '-' or '_'")
    if not full_name.strip():
        raise InvalidInput("a user needs a full name")
    unit_by_code(session, t.id, unit)
    admin.create_user(session, login=login, full_name=full_name.strip()[:200], password=password)
    admin.grant_role(session, login=login, tenant=tenant, unit=unit, role=Role(role))
    audit.on_office(
        session,
        t,
        actor=actor.login,
        action="utworzenie_konta",
        details={"login": login, "unit": unit, "role": Role(role).value},
    )
    return UserView(login=login, full_name=full_name, grants=[GrantView(unit=unit, role=Role(role).value)])


def grant_role(session: Session, actor: Actor, *, tenant: str, login: str, unit: str, role: Role) -> None:
    t = acting_in(session, actor, tenant, Role.ADMIN).tenant
    user = session.execute(select(User).where(User.login == login)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user {login!r}")
    u = unit_by_code(session, t.id, unit)
    exists = session.execute(
        select(RoleGrant).where(
            RoleGrant.user_id == user.id, RoleGrant.unit_id == u.id, RoleGrant.role == Role(role).value
        )
    ).scalar_one_or_none()
    if exists is None:
        admin.grant_role(session, login=login, tenant=tenant, unit=unit, role=Role(role))
    audit.on_office(
        session,
        t,
        actor=actor.login,
        action="nadanie_roli",
        details={"login": login, "unit": unit, "role": Role(role).value},
    )


def unlock_user(session: Session, actor: Actor, *, tenant: str, login: str) -> None:
    t = acting_in(session, actor, tenant, Role.ADMIN).tenant
    users = {u.login: u for u in _tenant_users(session, t.id).values()}
    if login not in users:
        raise NotFound(f"no user {login!r} in this office")
    users[login].failed_logins = 0
    users[login].locked_until = None
    audit.on_office(
        session,
        t,
        actor=actor.login,
        action="odblokowanie_konta",
        details={"login": login},
    )


def add_substitution(
    session: Session, actor: Actor, *, tenant: str, absent: str, substitute: str, start: date, end: date
) -> None:
    """Both people must belong to the office, so an admin cannot lend rights across offices."""
    t = acting_in(session, actor, tenant, Role.ADMIN).tenant
    members = {u.login for u in _tenant_users(session, t.id).values()}
    for login in (absent, substitute):
        if login not in members:
            raise NotFound(f"no user {login!r} in this office")
    admin.add_substitution(
        session, actor, tenant=tenant, absent=absent, substitute=substitute, start=start, end=end
    )


def list_substitutions(session: Session, actor: Actor, *, tenant: str) -> list[SubstitutionView]:
    t = acting_in(session, actor, tenant, Role.ADMIN).tenant
    members = _tenant_users(session, t.id)
    logins = {uid: u.login for uid, u in members.items()}
    rows = session.execute(
        select(Substitution)
        .where(Substitution.absent_user_id.in_(list(members)))
        .order_by(Substitution.start.desc())
    ).scalars()
    return [
        SubstitutionView(
            absent=logins.get(s.absent_user_id, "?"),
            substitute=logins.get(s.substitute_user_id, "?"),
            start=s.start.isoformat(),
            end=s.end.isoformat(),
            created_by=s.created_by,
        )
        for s in rows
    ]


def list_jrwa(
    session: Session, actor: Actor, *, tenant: str, leaves_only: bool = False
) -> list[JrwaClassView]:
    t = member_office(session, actor, tenant)
    q = select(JrwaClass).where(JrwaClass.tenant_id == t.id)
    if leaves_only:
        q = q.where(JrwaClass.is_leaf.is_(True))
    return [
        JrwaClassView(symbol=c.symbol, title=c.title, category=c.category, is_leaf=c.is_leaf)
        for c in session.execute(q.order_by(JrwaClass.symbol)).scalars()
    ]


def verify_tenant_audit(session: Session, actor: Actor, *, tenant: str) -> AuditCheck:
    """Verify the office's metryka chains (an admin sees only their own office's chains)."""
    role = Role.ARCHIWISTA if actor.can(tenant, Role.ARCHIWISTA) else Role.ADMIN
    t = acting_in(session, actor, tenant, role).tenant
    chains = entries = 0
    broken: ChainBreak | None = None
    for head in session.execute(
        select(MetrykaChain).where(MetrykaChain.tenant_id == t.id).order_by(MetrykaChain.chain_key)
    ).scalars():
        chains += 1
        rows = (
            session.execute(
                select(MetrykaEntry)
                .where(MetrykaEntry.chain_key == head.chain_key)
                .order_by(MetrykaEntry.seq, MetrykaEntry.id)
            )
            .scalars()
            .all()
        )
        chain = [audit._as_entry(r) for r in rows]
        entries += len(chain)
        broken = verify_chain(chain)
        last = chain[-1] if chain else None
        if broken is None and (
            (last.seq if last else 0) != head.last_seq or (last.hash if last else GENESIS) != head.last_hash
        ):
            broken = ChainBreak(
                head.chain_key, (last.seq + 1) if last else 1, "entries at the end of the chain were removed"
            )
        if broken is not None:
            break
    return AuditCheck(
        ok=broken is None, chains=chains, entries=entries, broken=str(broken) if broken else None
    )
