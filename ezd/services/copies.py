""" "Do wiadomości" copies of a decreed item: other units or people see it and are notified, but
only the unit it is decreed to acts on it.

A copy grants reading, nothing else: every action on an item (re-decree, return, assignment,
the case decision, forwarding) checks the role in the item's own unit or the assignee, which a
copy holder does not have, so the service layer refuses them (403). Reading is logged like any
read (``queries.item_view``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import IncomingItem, RoleGrant, Unit, User
from ezd.db.tables_kpa import DecreeCopy
from ezd.records.errors import InvalidInput, NotFound
from ezd.records.tenancy import Role
from ezd.services import audit, notifications
from ezd.services.actor import Actor, unit_by_code
from ezd.services.deps import Deps
from ezd.services.lookup import item_by_sign, tenant_by_code, unit_code

MAX_COPIES = 30
# the people of a unit who receive its copies (and read them): as for cases in the unit
UNIT_READERS = (Role.KIEROWNIK, Role.REFERENT)


def give_copies(
    deps: Deps, actor: Actor, *, tenant: str, rpw: str, units: Sequence[str] = (), people: Sequence[str] = ()
) -> list[str]:
    """Add copies "do wiadomości" to a decreed item (the kancelaria, or the head of its unit).

    Returns the recipients added (``unit:GK``, ``user:sw.referent2``); one already holding a copy
    is not added twice.  The item's metryka records them and each person is notified.
    """
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    item = item_by_sign(session, tenant_row.id, rpw)
    if item.unit_id is None:
        raise InvalidInput(f"{rpw} nie jest zadekretowana; kopie do wiadomości dodaje się przy dekretacji")
    own = unit_code(session, item.unit_id)
    if actor.can(tenant, Role.KANCELARIA):
        on_behalf = actor.require(tenant, Role.KANCELARIA)
    else:
        on_behalf = actor.require(tenant, Role.KIEROWNIK, own)
    wanted_units = sorted({u.strip() for u in units if u.strip()})
    wanted_people = sorted({p.strip() for p in people if p.strip()})
    if len(wanted_units) + len(wanted_people) > MAX_COPIES:
        raise InvalidInput(f"najwyżej {MAX_COPIES} kopii do wiadomości naraz")
    if own in wanted_units:
        raise InvalidInput(f"pismo jest zadekretowane na komórkę {own}; kopia do wiadomości jest dla innych")
    existing = session.execute(select(DecreeCopy).where(DecreeCopy.item_id == item.id)).scalars().all()
    have_units = {c.unit_id for c in existing if c.unit_id is not None}
    have_people = {c.user_id for c in existing if c.user_id is not None}
    added: list[str] = []
    for code in wanted_units:
        unit = unit_by_code(session, tenant_row.id, code)
        if unit.id in have_units:
            continue
        session.add(DecreeCopy(item_id=item.id, unit_id=unit.id, created_by=actor.login))
        added.append(f"unit:{code}")
        for role in UNIT_READERS:
            notifications.notify_role(
                session,
                tenant_id=tenant_row.id,
                role=role,
                unit_code=code,
                kind="copy",
                ref=rpw,
                text=_text(item),
                dedup=f"copy:{item.id}:unit:{unit.id}",
            )
    for login in wanted_people:
        user = _person_of(session, tenant_row.id, login)
        if user.id in have_people:
            continue
        session.add(DecreeCopy(item_id=item.id, user_id=user.id, created_by=actor.login))
        added.append(f"user:{login}")
        notifications.notify(
            session,
            tenant_id=tenant_row.id,
            user_id=user.id,
            kind="copy",
            ref=rpw,
            text=_text(item),
            dedup=f"copy:{item.id}:user:{user.id}",
        )
    if added:
        session.flush()
        audit.record(
            session,
            chain_key=audit.item_chain(tenant, rpw),
            tenant_id=tenant_row.id,
            actor=actor.login,
            on_behalf_of=on_behalf,
            action="do_wiadomosci",
            document_ref=item.document.uid,
            details={"copies": added},
        )
    return added


def _text(item: IncomingItem) -> str:
    return f"Do wiadomości: {item.sign} — {item.title}"


def _person_of(session: Session, tenant_id: int, login: str) -> User:
    user = session.execute(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(User.login == login, Unit.tenant_id == tenant_id, User.active.is_(True))
        .limit(1)
    ).scalar_one_or_none()
    if user is None:
        raise NotFound(f"w tym urzędzie nie ma osoby {login!r}")
    return user


def holds_copy(session: Session, actor: Actor, tenant: str, item: IncomingItem) -> bool:
    """The reader got the item "do wiadomości": in person, or through a unit they have a role in."""
    rows = session.execute(select(DecreeCopy).where(DecreeCopy.item_id == item.id)).scalars().all()
    if not rows:
        return False
    if actor.user_id is not None and any(c.user_id == actor.user_id for c in rows):
        return True
    units = {c.unit_id for c in rows if c.unit_id is not None}
    if not units:
        return False
    codes = session.execute(select(Unit.code).where(Unit.id.in_(units))).scalars()
    return any(actor.can(tenant, role, code) for code in codes for role in UNIT_READERS)


def copy_recipients(session: Session, item: IncomingItem) -> list[tuple[str, str]]:
    """Who holds a copy of the item, for its page: ("unit", code) or ("user", login)."""
    rows = session.execute(select(DecreeCopy).where(DecreeCopy.item_id == item.id)).scalars().all()
    out: list[tuple[str, str]] = []
    for c in rows:
        if c.unit_id is not None:
            out.append(("unit", unit_code(session, c.unit_id)))
        elif c.user_id is not None:
            user = session.get(User, c.user_id)
            if user is not None:
                out.append(("user", user.login))
    return out
