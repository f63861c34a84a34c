"""Administration: tenants, units, users and roles, substitutions, JRWA import."""

from __future__ import annotations

from datetime import date

from argon2 import PasswordHasher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ezd.db.tables import JrwaClass, RoleGrant, Substitution, Tenant, Unit, User
from ezd.records.errors import InvalidInput
from ezd.records.jrwa import JrwaEntry, JrwaTree
from ezd.records.tenancy import (
    Role,
    SubstitutionPeriod,
    check_office_kind,
    check_tenant_code,
    check_unit_code,
)
from ezd.services import audit
from ezd.services.actor import Actor, unit_by_code
from ezd.services.lookup import tenant_by_code

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise InvalidInput("passwords must have at least 10 characters")
    return _HASHER.hash(password)


def create_tenant(session: Session, *, code: str, name: str, kind: str, regon: str | None = None) -> Tenant:
    check_tenant_code(code)
    check_office_kind(kind)
    tenant = Tenant(code=code, name=name, kind=kind, regon=regon)
    session.add(tenant)
    session.flush()
    return tenant


def create_unit(session: Session, *, tenant: str, code: str, name: str) -> Unit:
    t = tenant_by_code(session, tenant)
    unit = Unit(tenant_id=t.id, code=check_unit_code(code), name=name)
    session.add(unit)
    session.flush()
    return unit


def create_user(session: Session, *, login: str, full_name: str, password: str | None = None) -> User:
    if session.execute(select(User).where(User.login == login)).scalar_one_or_none():
        raise InvalidInput(f"user {login!r} already exists")
    user = User(login=login, full_name=full_name, password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    return user


def grant_role(session: Session, *, login: str, tenant: str, unit: str, role: Role) -> None:
    user = session.execute(select(User).where(User.login == login)).scalar_one()
    t = tenant_by_code(session, tenant)
    u = unit_by_code(session, t.id, unit)
    session.add(RoleGrant(user_id=user.id, unit_id=u.id, role=Role(role).value))
    session.flush()


def add_substitution(
    session: Session, actor: Actor, *, tenant: str, absent: str, substitute: str, start: date, end: date
) -> None:
    actor.require(tenant, Role.ADMIN)
    SubstitutionPeriod(absent, substitute, start, end)  # validates dates and identity
    users = {
        u.login: u
        for u in session.execute(select(User).where(User.login.in_([absent, substitute]))).scalars()
    }
    if len(users) != 2:
        raise InvalidInput("both the absent person and the substitute must be users")
    session.add(
        Substitution(
            absent_user_id=users[absent].id,
            substitute_user_id=users[substitute].id,
            start=start,
            end=end,
            created_by=actor.login,
        )
    )
    t = tenant_by_code(session, tenant)
    audit.record(
        session,
        chain_key=audit.tenant_chain(tenant),
        tenant_id=t.id,
        actor=actor.login,
        action="zastepstwo",
        details={
            "absent": absent,
            "substitute": substitute,
            "from": start.isoformat(),
            "to": end.isoformat(),
        },
    )


def import_jrwa(session: Session, actor: Actor, *, tenant: str, entries: list[JrwaEntry]) -> int:
    """Replace the tenant's JRWA with a validated tree; classes used by cases are kept stable."""
    actor.require(tenant, Role.ADMIN)
    tree = JrwaTree.build(entries)
    t = tenant_by_code(session, tenant)
    existing = {
        c.symbol: c for c in session.execute(select(JrwaClass).where(JrwaClass.tenant_id == t.id)).scalars()
    }
    for entry in tree:
        row = existing.pop(entry.symbol, None)
        category = str(entry.category) if entry.category else None
        if row is None:
            session.add(
                JrwaClass(
                    tenant_id=t.id,
                    symbol=entry.symbol,
                    title=entry.title[:500],
                    category=category,
                    is_leaf=tree.is_leaf(entry.symbol),
                )
            )
        else:
            row.title, row.category, row.is_leaf = entry.title[:500], category, tree.is_leaf(entry.symbol)
    if existing:
        # classes that left the list but may still hold cases are kept, no longer leaves for new cases
        from ezd.db.tables import CaseFile

        used = set(
            session.execute(select(CaseFile.jrwa_class_id).where(CaseFile.tenant_id == t.id)).scalars()
        )
        for row in existing.values():
            if row.id in used:
                row.is_leaf = False
            else:
                session.execute(delete(JrwaClass).where(JrwaClass.id == row.id))
    audit.record(
        session,
        chain_key=audit.tenant_chain(tenant),
        tenant_id=t.id,
        actor=actor.login,
        action="import_jrwa",
        details={"classes": len(tree), "leaves": len(tree.leaves())},
    )
    session.flush()
    return len(tree)
