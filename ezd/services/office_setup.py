"""Setting an office up: offices, their unit tree, accounts and roles (``ezd office|unit|user``).

Every call checks the actor (a system administrator creates offices; an office's administrator
manages its units and people) and every change is written to the office's metryka, which is the
administrative log of the office.  Results are typed views, never ORM rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ezd.db.tables import RoleGrant, Tenant, Unit, User
from ezd.records.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from ezd.records.tenancy import OFFICE_KINDS, Role, check_office_kind, check_tenant_code, check_unit_code
from ezd.services import admin, audit
from ezd.services.actor import Actor

MIN_PASSWORD = 10


@dataclass(frozen=True)
class OfficeInfo:
    code: str
    name: str
    kind: str
    kind_label: str
    regon: str | None
    epuap_box: str | None
    address: str | None


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    parent: str | None
    closed_on: date | None


@dataclass(frozen=True)
class GrantInfo:
    unit: str
    role: str


@dataclass(frozen=True)
class UserInfo:
    login: str
    full_name: str
    email: str | None
    active: bool
    has_password: bool
    grants: tuple[GrantInfo, ...]


def _log(session: Session, actor: Actor, tenant: Tenant, action: str, **details: object) -> None:
    audit.record(
        session,
        chain_key=audit.tenant_chain(tenant.code),
        tenant_id=tenant.id,
        actor=actor.login,
        action=action,
        details=dict(details),
    )


def _office(session: Session, actor: Actor, code: str, *, manage: bool = True) -> Tenant:
    tenant = session.execute(select(Tenant).where(Tenant.code == code)).scalar_one_or_none()
    if tenant is None or (not actor.system and code not in actor.tenants()):
        raise NotFound(f"nie ma urzędu {code!r}")
    if manage:
        actor.require(code, Role.ADMIN)
    return tenant


office_for = _office  # the same check for the other office services (JRWA edit, admin log)


def _office_info(t: Tenant) -> OfficeInfo:
    return OfficeInfo(
        t.code, t.name, t.kind, OFFICE_KINDS.get(t.kind, t.kind), t.regon, t.epuap_box, t.address
    )


# ------------------------------------------------------------------------------------ offices


def create_office(
    session: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    kind: str,
    regon: str | None = None,
    epuap_box: str | None = None,
    address: str | None = None,
) -> OfficeInfo:
    if not (actor.system or actor.system_admin):
        raise PermissionDenied("urzędy zakłada tylko administrator systemu")
    check_tenant_code(code)
    check_office_kind(kind)
    if not name.strip():
        raise InvalidInput("podaj nazwę urzędu (--name)")
    if regon is not None and not (regon.isdigit() and len(regon) in (9, 14)):
        raise InvalidInput(f"REGON {regon!r} ma 9 albo 14 cyfr")
    if session.execute(select(Tenant.id).where(Tenant.code == code)).first() is not None:
        raise InvalidInput(f"urząd {code!r} już istnieje")
    tenant = admin.create_tenant(session, code=code, name=name.strip()[:200], kind=kind, regon=regon)
    tenant.epuap_box = epuap_box or None
    tenant.address = (address or "").strip()[:500] or None
    session.flush()
    _log(session, actor, tenant, "utworzenie_urzedu", code=code, name=tenant.name, kind=kind)
    return _office_info(tenant)


def list_offices(session: Session, actor: Actor) -> list[OfficeInfo]:
    rows = session.execute(select(Tenant).order_by(Tenant.code)).scalars()
    every = actor.system or actor.system_admin
    return [_office_info(t) for t in rows if every or t.code in actor.tenants()]


# -------------------------------------------------------------------------------------- units


def _unit(session: Session, tenant: Tenant, code: str) -> Unit:
    unit = session.execute(
        select(Unit).where(Unit.tenant_id == tenant.id, Unit.code == code)
    ).scalar_one_or_none()
    if unit is None:
        raise NotFound(f"nie ma komórki {code!r} w urzędzie {tenant.code}")
    return unit


def _unit_info(unit: Unit, codes: dict[int, str]) -> UnitInfo:
    return UnitInfo(
        unit.code, unit.name, codes.get(unit.parent_id) if unit.parent_id else None, unit.closed_on
    )


def add_unit(
    session: Session, actor: Actor, *, office: str, code: str, name: str, parent: str | None = None
) -> UnitInfo:
    tenant = _office(session, actor, office)
    check_unit_code(code)
    if not name.strip():
        raise InvalidInput("podaj nazwę komórki (--name)")
    exists = session.execute(select(Unit.id).where(Unit.tenant_id == tenant.id, Unit.code == code)).first()
    if exists is not None:
        raise InvalidInput(f"komórka {code!r} już istnieje w urzędzie {office}")
    parent_unit = _unit(session, tenant, parent) if parent else None
    if parent_unit is not None and parent_unit.closed_on is not None:
        raise InvalidState(f"komórka nadrzędna {parent!r} jest zamknięta")
    unit = admin.create_unit(session, tenant=office, code=code, name=name.strip()[:200])
    unit.parent_id = parent_unit.id if parent_unit else None
    session.flush()
    _log(session, actor, tenant, "utworzenie_komorki", unit=code, name=unit.name, parent=parent)
    return UnitInfo(unit.code, unit.name, parent, None)


def list_units(session: Session, actor: Actor, *, office: str) -> list[UnitInfo]:
    """The unit tree in depth-first order (parents before their children)."""
    tenant = _office(session, actor, office, manage=False)
    units = list(
        session.execute(select(Unit).where(Unit.tenant_id == tenant.id).order_by(Unit.code)).scalars()
    )
    codes = {u.id: u.code for u in units}
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u)
    out: list[UnitInfo] = []

    def walk(parent: int | None) -> None:
        for u in children.get(parent, []):
            out.append(_unit_info(u, codes))
            walk(u.id)

    walk(None)
    return out


def rename_unit(session: Session, actor: Actor, *, office: str, code: str, name: str) -> UnitInfo:
    tenant = _office(session, actor, office)
    unit = _unit(session, tenant, code)
    if not name.strip():
        raise InvalidInput("podaj nową nazwę komórki (--name)")
    old, unit.name = unit.name, name.strip()[:200]
    session.flush()
    _log(session, actor, tenant, "zmiana_nazwy_komorki", unit=code, old=old, new=unit.name)
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return UnitInfo(unit.code, unit.name, parent.code if parent else None, unit.closed_on)


def close_unit(session: Session, actor: Actor, *, office: str, code: str, on: date) -> UnitInfo:
    """Close a unit: it keeps its row, history and case signs but takes no new units or roles."""
    tenant = _office(session, actor, office)
    unit = _unit(session, tenant, code)
    if unit.closed_on is not None:
        raise InvalidState(f"komórka {code!r} jest zamknięta od {unit.closed_on:%d.%m.%Y}")
    open_children = session.execute(
        select(Unit.code).where(Unit.parent_id == unit.id, Unit.closed_on.is_(None))
    ).scalars()
    if names := sorted(open_children):
        raise InvalidState(f"komórka {code!r} ma otwarte komórki podrzędne: {', '.join(names)}")
    unit.closed_on = on
    session.flush()
    _log(session, actor, tenant, "zamkniecie_komorki", unit=code, closed_on=on.isoformat())
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return UnitInfo(unit.code, unit.name, parent.code if parent else None, unit.closed_on)


# -------------------------------------------------------------------------------------- users


def _member(session: Session, tenant: Tenant, login: str) -> User:
    """An account of the office: created by it, or holding a role in one of its units."""
    in_office = (
        select(RoleGrant.id)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(RoleGrant.user_id == User.id, Unit.tenant_id == tenant.id)
        .exists()
    )
    user = session.execute(
        select(User).where(User.login == login, or_(User.home_tenant_id == tenant.id, in_office))
    ).scalar_one_or_none()
    if user is None:
        raise NotFound(f"nie ma konta {login!r} w urzędzie {tenant.code}")
    return user


def _grants(session: Session, tenant: Tenant, user_id: int) -> tuple[GrantInfo, ...]:
    rows = session.execute(
        select(Unit.code, RoleGrant.role)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(RoleGrant.user_id == user_id, Unit.tenant_id == tenant.id)
        .order_by(Unit.code, RoleGrant.role)
    ).all()
    return tuple(GrantInfo(unit, role) for unit, role in rows)


def _user_info(session: Session, tenant: Tenant, user: User) -> UserInfo:
    grants = _grants(session, tenant, user.id)
    return UserInfo(
        user.login, user.full_name, user.email, user.active, user.password_hash is not None, grants
    )


def add_user(
    session: Session, actor: Actor, *, office: str, login: str, full_name: str, email: str | None = None
) -> UserInfo:
    tenant = _office(session, actor, office)
    if not login or len(login) > 64 or not all(c.isalnum() or c in ".-_" for c in login):
        raise InvalidInput("login to 1–64 liter, cyfr, kropek, łączników lub podkreśleń")
    if len(full_name.split()) < 2:
        raise InvalidInput('podaj imię i nazwisko (--name "Imię Nazwisko")')
    if email is not None and ("@" not in email or " " in email):
        raise InvalidInput(f"{email!r} nie jest adresem e-mail")
    if session.execute(select(User.id).where(User.login == login)).first() is not None:
        raise InvalidInput(f"konto {login!r} już istnieje")
    user = admin.create_user(session, login=login, full_name=full_name.strip()[:200])
    user.email, user.home_tenant_id = email, tenant.id
    session.flush()
    _log(session, actor, tenant, "utworzenie_konta", login=login, full_name=user.full_name)
    return _user_info(session, tenant, user)


def list_users(session: Session, actor: Actor, *, office: str) -> list[UserInfo]:
    tenant = _office(session, actor, office)
    granted = (
        select(RoleGrant.user_id).join(Unit, Unit.id == RoleGrant.unit_id).where(Unit.tenant_id == tenant.id)
    )
    users = session.execute(
        select(User).where(or_(User.home_tenant_id == tenant.id, User.id.in_(granted))).order_by(User.login)
    ).scalars()
    return [_user_info(session, tenant, u) for u in users]


def _grant_unit(session: Session, tenant: Tenant, unit: str | None) -> Unit:
    if unit:
        return _unit(session, tenant, unit)
    open_units = list(
        session.execute(select(Unit).where(Unit.tenant_id == tenant.id, Unit.closed_on.is_(None))).scalars()
    )
    if len(open_units) != 1:
        raise InvalidInput("podaj komórkę, w której rola ma obowiązywać (--unit)")
    return open_units[0]


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput(f"nieznana rola {role!r}; dozwolone: {', '.join(r.value for r in Role)}") from None


def grant_role(
    session: Session, actor: Actor, *, office: str, login: str, role: str, unit: str | None = None
) -> UserInfo:
    tenant = _office(session, actor, office)
    user = _member(session, tenant, login)
    target, r = _grant_unit(session, tenant, unit), _role(role)
    if target.closed_on is not None:
        raise InvalidState(f"komórka {target.code!r} jest zamknięta; nie można w niej nadawać ról")
    held = session.execute(
        select(RoleGrant.id).where(
            RoleGrant.user_id == user.id, RoleGrant.unit_id == target.id, RoleGrant.role == r.value
        )
    ).first()
    if held is None:
        session.add(RoleGrant(user_id=user.id, unit_id=target.id, role=r.value))
        session.flush()
        _log(session, actor, tenant, "nadanie_roli", login=login, unit=target.code, role=r.value)
    return _user_info(session, tenant, user)


def revoke_role(
    session: Session, actor: Actor, *, office: str, login: str, role: str, unit: str | None = None
) -> UserInfo:
    tenant = _office(session, actor, office)
    user = _member(session, tenant, login)
    target, r = _grant_unit(session, tenant, unit), _role(role)
    grant = session.execute(
        select(RoleGrant).where(
            RoleGrant.user_id == user.id, RoleGrant.unit_id == target.id, RoleGrant.role == r.value
        )
    ).scalar_one_or_none()
    if grant is None:
        raise InvalidState(f"{login} nie ma roli {r.value} w komórce {target.code}")
    if r is Role.ADMIN and _admin_count(session, tenant) == 1:
        raise InvalidState("to ostatni administrator urzędu; najpierw nadaj tę rolę komuś innemu")
    session.delete(grant)
    session.flush()
    _log(session, actor, tenant, "odebranie_roli", login=login, unit=target.code, role=r.value)
    return _user_info(session, tenant, user)


def _admin_count(session: Session, tenant: Tenant) -> int:
    return int(
        session.execute(
            select(func.count(func.distinct(RoleGrant.user_id)))
            .join(Unit, Unit.id == RoleGrant.unit_id)
            .join(User, User.id == RoleGrant.user_id)
            .where(Unit.tenant_id == tenant.id, RoleGrant.role == Role.ADMIN.value, User.active.is_(True))
        ).scalar_one()
    )


def set_active(session: Session, actor: Actor, *, office: str, login: str, active: bool) -> UserInfo:
    tenant = _office(session, actor, office)
    user = _member(session, tenant, login)
    if not active and login == actor.login:
        raise InvalidState("nie można zablokować własnego konta")
    if user.active != active:
        user.active = active
        if active:
            user.failed_logins, user.locked_until = 0, None
        session.flush()
        _log(session, actor, tenant, "wlaczenie_konta" if active else "wylaczenie_konta", login=login)
    return _user_info(session, tenant, user)


def set_password(session: Session, actor: Actor, *, office: str, login: str, password: str) -> UserInfo:
    tenant = _office(session, actor, office)
    user = _member(session, tenant, login)
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"hasło musi mieć co najmniej {MIN_PASSWORD} znaków")
    user.password_hash = admin.hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    session.flush()
    _log(session, actor, tenant, "zmiana_hasla", login=login)  # never the password itself
    return _user_info(session, tenant, user)


__all__ = [
    "GrantInfo",
    "OfficeInfo",
    "UnitInfo",
    "UserInfo",
    "add_unit",
    "add_user",
    "close_unit",
    "create_office",
    "grant_role",
    "list_offices",
    "list_units",
    "list_users",
    "office_for",
    "rename_unit",
    "revoke_role",
    "set_active",
    "set_password",
]
