"""Small queries shared by services."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, IncomingItem, Tenant, Unit
from records.errors import NotFound


def tenant_by_code(session: Session, code: str) -> Tenant:
    # memoised per session: every service call starts with this lookup
    cache: dict[str, Tenant] = session.info.setdefault("ezd.tenants", {})
    tenant = cache.get(code)
    if tenant is None:
        tenant = session.execute(select(Tenant).where(Tenant.code == code)).scalar_one_or_none()
        if tenant is None:
            raise NotFound(f"no office (tenant) {code!r}")
        cache[code] = tenant
    return tenant


def tenant_by_id(session: Session, tenant_id: int) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound(f"no tenant #{tenant_id}")
    return tenant


def item_by_sign(session: Session, tenant_id: int, sign: str) -> IncomingItem:
    item = session.execute(
        select(IncomingItem).where(IncomingItem.tenant_id == tenant_id, IncomingItem.sign == sign)
    ).scalar_one_or_none()
    if item is None:
        raise NotFound(f"no incoming item {sign} in this office")
    return item


def case_by_sign(session: Session, tenant_id: int, sign: str) -> CaseFile:
    case = session.execute(
        select(CaseFile).where(CaseFile.tenant_id == tenant_id, CaseFile.sign == sign)
    ).scalar_one_or_none()
    if case is None:
        raise NotFound(f"no case {sign} in this office")
    return case


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
