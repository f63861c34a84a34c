"""Editing one class of an office's JRWA (the web's office administrator).

The rules are the list's own (:class:`ezd.records.jrwa.JrwaTree`): cases are kept only in leaf
classes, a leaf has a valid archival category (A, B n, BE n, Bc) and a class with subclasses has
none.  A class may be added under a parent only while no case is kept in the parent: the cases
of a class never end up in a class with subclasses.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, JrwaClass, Tenant
from ezd.records.errors import InvalidInput, InvalidState, NotFound
from ezd.records.jrwa import ArchivalCategory, JrwaError, is_valid_symbol
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.jrwa_view import JrwaClassInfo
from ezd.services.office_setup import office_for

MAX_TITLE = 500


def _category(text: str) -> str:
    if not text.strip():
        raise InvalidInput("podaj kategorię archiwalną klasy końcowej (A, B n, BE n albo Bc)")
    try:
        return str(ArchivalCategory.parse(text))
    except JrwaError:
        raise InvalidInput(
            f"kategoria archiwalna {text.strip()!r} jest niepoprawna; "
            "podaj A, B n, BE n albo Bc (np. B5, BE10)"
        ) from None


def _title(text: str) -> str:
    if not text.strip():
        raise InvalidInput("podaj hasło klasyfikacyjne (tytuł klasy)")
    return text.strip()[:MAX_TITLE]


def _class(session: Session, tenant: Tenant, symbol: str) -> JrwaClass:
    row = session.execute(
        select(JrwaClass).where(JrwaClass.tenant_id == tenant.id, JrwaClass.symbol == symbol)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"w wykazie akt urzędu {tenant.code} nie ma klasy {symbol!r}")
    return row


def _cases_in(session: Session, tenant: Tenant, row: JrwaClass) -> int:
    return int(
        session.execute(
            select(func.count()).where(CaseFile.tenant_id == tenant.id, CaseFile.jrwa_class_id == row.id)
        ).scalar_one()
    )


def _info(session: Session, tenant: Tenant, row: JrwaClass) -> JrwaClassInfo:
    return JrwaClassInfo(row.symbol, row.title, row.category, row.is_leaf, _cases_in(session, tenant, row))


def edit_class(
    session: Session, actor: Actor, *, office: str, symbol: str, title: str, category: str
) -> JrwaClassInfo:
    tenant = office_for(session, actor, office)
    row = _class(session, tenant, symbol)
    new_title = _title(title)
    if row.is_leaf:
        new_category: str | None = _category(category)
    elif category.strip():
        raise InvalidInput(f"klasa {symbol} ma podklasy; kategorię archiwalną mają tylko klasy końcowe")
    else:
        new_category = None
    before = {"title": row.title, "category": row.category}
    row.title, row.category = new_title, new_category
    session.flush()
    audit.on_office(
        session,
        tenant,
        actor=actor.login,
        action="zmiana_klasy_jrwa",
        details={"symbol": symbol, "before": before, "after": {"title": new_title, "category": new_category}},
    )
    return _info(session, tenant, row)


def add_class(
    session: Session, actor: Actor, *, office: str, symbol: str, title: str, category: str
) -> JrwaClassInfo:
    """A new leaf class; its parent (the symbol without its last digit) must hold no cases."""
    tenant = office_for(session, actor, office)
    symbol = symbol.strip()
    if not is_valid_symbol(symbol):
        raise InvalidInput(f"symbol klasy {symbol!r} jest niepoprawny: od 1 do 4 cyfr")
    exists = session.execute(
        select(JrwaClass.id).where(JrwaClass.tenant_id == tenant.id, JrwaClass.symbol == symbol)
    ).first()
    if exists is not None:
        raise InvalidInput(f"klasa {symbol} już jest w wykazie akt")
    new_title, new_category = _title(title), _category(category)
    parent = _class(session, tenant, symbol[:-1]) if len(symbol) > 1 else None
    if parent is not None and parent.is_leaf:
        if (n := _cases_in(session, tenant, parent)) > 0:
            raise InvalidState(
                f"w klasie {parent.symbol} są sprawy ({n}); sprawy są tylko w klasach końcowych, "
                "więc nie można jej podzielić"
            )
        parent.is_leaf, parent.category = False, None  # a class with subclasses has no category
    row = JrwaClass(tenant_id=tenant.id, symbol=symbol, title=new_title, category=new_category, is_leaf=True)
    session.add(row)
    session.flush()
    audit.on_office(
        session,
        tenant,
        actor=actor.login,
        action="dodanie_klasy_jrwa",
        details={"symbol": symbol, "title": new_title, "category": new_category},
    )
    return _info(session, tenant, row)


__all__ = ["add_class", "edit_class"]
