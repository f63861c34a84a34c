"""Reading an office's JRWA (``ezd jrwa show``): the whole list or one class with its subtree."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, JrwaClass, Tenant
from ezd.records.errors import NotFound
from ezd.services.actor import Actor


@dataclass(frozen=True)
class JrwaClassInfo:
    symbol: str
    title: str
    category: str | None
    is_leaf: bool
    cases: int


def show_jrwa(
    session: Session, actor: Actor, *, office: str, symbol: str | None = None
) -> list[JrwaClassInfo]:
    """Classes in symbol order; with ``symbol``, that class and the classes below it."""
    tenant = session.execute(select(Tenant).where(Tenant.code == office)).scalar_one_or_none()
    if tenant is None or (not actor.system and office not in actor.tenants()):
        raise NotFound(f"nie ma urzędu {office!r}")
    q = select(JrwaClass).where(JrwaClass.tenant_id == tenant.id)
    if symbol:
        # JRWA symbols are decimal prefixes: 01 holds 012, which holds 0120
        q = q.where(JrwaClass.symbol.startswith(symbol, autoescape=True))
    rows = list(session.execute(q.order_by(JrwaClass.symbol)).scalars())
    if symbol and not any(r.symbol == symbol for r in rows):
        raise NotFound(f"w wykazie akt urzędu {office} nie ma klasy {symbol!r}")
    counts: dict[int, int] = {
        class_id: int(n)
        for class_id, n in session.execute(
            select(CaseFile.jrwa_class_id, func.count())
            .where(CaseFile.tenant_id == tenant.id)
            .group_by(CaseFile.jrwa_class_id)
        ).all()
    }
    return [JrwaClassInfo(r.symbol, r.title, r.category, r.is_leaf, int(counts.get(r.id, 0))) for r in rows]


__all__ = ["JrwaClassInfo", "show_jrwa"]
