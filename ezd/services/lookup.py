"""Small queries shared by services."""

from __future__ import annotations

import time
import weakref
from collections.abc import Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, Table, bindparam, inspect, select
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached
from sqlalchemy.orm.interfaces import ORMOption

from ezd.db.tables import CaseFile, Document, IncomingItem, Tenant, Unit
from ezd.records.errors import NotFound


def tenant_by_code(session: Session, code: str) -> Tenant:
    # Every service call and worker task starts with this lookup. Tenants are created by the
    # administrator and never renamed or removed by the application, so their rows are kept
    # per database for a minute and put into the session with merge(load=False): no SQL.
    cache: dict[str, Tenant] = session.info.setdefault("ezd.tenants", {})
    tenant = cache.get(code)
    if tenant is None:
        tenant = _tenant_rows.get(session, code)
        if tenant is None:
            raise NotFound(f"no office (tenant) {code!r}")
        cache[code] = tenant
    return tenant


class _TenantRows:
    """Process-wide, per-engine cache of tenant rows (detached snapshots, short-lived)."""

    TTL_S = 60.0

    def __init__(self) -> None:
        self._by_engine: weakref.WeakKeyDictionary[Engine, dict[str, tuple[float, dict[str, Any]]]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, session: Session, code: str) -> Tenant | None:
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        rows = self._by_engine.setdefault(engine, {})
        hit = rows.get(code)
        now = time.monotonic()
        if hit is None or hit[0] < now:
            row = session.execute(_TENANT_ROW, {"code": code}).mappings().first()
            if row is None:
                rows.pop(code, None)
                return None
            hit = (now + self.TTL_S, dict(row))
            rows[code] = hit
        snapshot = Tenant(**hit[1])
        make_transient_to_detached(snapshot)
        return session.merge(snapshot, load=False)


_TENANT_TABLE = cast(Table, Tenant.__table__)
_TENANT_ROW = select(_TENANT_TABLE).where(_TENANT_TABLE.c.code == bindparam("code"))
_tenant_rows = _TenantRows()


def tenant_by_id(session: Session, tenant_id: int) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound(f"no tenant #{tenant_id}")
    return tenant


def item_by_sign(session: Session, tenant_id: int, sign: str) -> IncomingItem:
    return _by_sign(session, IncomingItem, tenant_id, sign, "incoming item")


def item_with_content(session: Session, tenant_id: int, sign: str) -> IncomingItem:
    """:func:`item_by_sign` with its document's versions and attachments read in the same query:
    the worker steps of an incoming letter (validation, signature, attachments, UPP) use all of
    them, one lazy load each otherwise."""
    return _by_sign(session, IncomingItem, tenant_id, sign, "incoming item", _WITH_CONTENT)


def case_by_sign(session: Session, tenant_id: int, sign: str) -> CaseFile:
    return _by_sign(session, CaseFile, tenant_id, sign, "case")


# A handler and the service it calls often look up the same item or case: remember, per session,
# which row a (tenant, sign) is. A sign never changes, and the session's identity map keeps the
# object current; an object that left the session (rolled back, deleted) is looked up again.
_SIGNS = "ezd.by_sign"

_Signed = TypeVar("_Signed", IncomingItem, CaseFile)
_WITH_CONTENT = (
    joinedload(IncomingItem.document).joinedload(Document.versions),
    joinedload(IncomingItem.document).joinedload(Document.attachments),
)


def _by_sign(
    session: Session,
    kind: type[_Signed],
    tenant_id: int,
    sign: str,
    what: str,
    options: Sequence[ORMOption] = (),
) -> _Signed:
    memo: dict[tuple[type, int, str], Any] = session.info.setdefault(_SIGNS, {})
    found = memo.get((kind, tenant_id, sign))
    if found is not None and found in session and not inspect(found).deleted:
        return cast(_Signed, found)
    row = (
        session.execute(select(kind).where(kind.tenant_id == tenant_id, kind.sign == sign).options(*options))
        .unique()
        .scalar_one_or_none()
    )
    if row is None:
        raise NotFound(f"no {what} {sign} in this office")
    memo[(kind, tenant_id, sign)] = row
    return row


def unit_code(session: Session, unit_id: int | None) -> str:
    """Code of a unit by id (an incoming item's dekretacja target, a case's unit)."""
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise NotFound("the item has not been decreed to a unit")
    return unit.code


def business_key(tenant_code: str, sign: str) -> str:
    """Engine business keys are unique across the partnership: RPW/1/2026 exists in every office."""
    return f"{tenant_code}/{sign}"


def split_business_key(key: str) -> tuple[str, str]:
    tenant, _, sign = key.partition("/")
    return tenant, sign


def tenant_group(tenant: str, role: str) -> str:
    return f"{tenant}:{role}"


def unit_group(tenant: str, unit: str, role: str) -> str:
    return f"{tenant}:{unit}:{role}"
