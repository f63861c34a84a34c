"""The RPW (incoming register) and the outgoing register."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, IncomingItem, OutgoingItem, Unit, User
from ezd.records.errors import NotFound, PermissionDenied
from ezd.records.tenancy import Role
from ezd.services.actor import Actor
from ezd.services.lookup import item_by_sign, tenant_by_code
from ezd.services.queries.access import (
    CASE_READERS_IN_UNIT,
    iso,
    item_access,
    logged_read,
    require_any,
    require_member,
    units_with,
)
from ezd.services.queries.models import ItemView, OutgoingRow


def item_row(session: Session, item: IncomingItem, tenant: str) -> ItemView:
    unit = session.get(Unit, item.unit_id) if item.unit_id else None
    case = session.get(CaseFile, item.case_id) if item.case_id else None
    referent = session.get(User, item.referent_id) if item.referent_id else None
    return ItemView(
        tenant=tenant,
        rpw=item.sign,
        year=item.year,
        number=item.number,
        registered_at=iso(item.registered_at),
        registered_by=item.registered_by,
        sender=item.sender,
        sender_address=item.sender_address,
        title=item.title,
        kind=item.kind,
        channel=item.channel,
        letter_date=iso(item.letter_date),
        received_date=iso(item.received_date),
        sender_reference=item.sender_reference,
        attachments=item.attachments,
        access=item.access,
        status=item.status,
        unit=unit.code if unit else None,
        referent=referent.login if referent else None,
        case=case.sign if case else None,
        document=item.document.uid,
    )


def rpw_list(
    session: Session, actor: Actor, *, tenant: str, year: int, status: str | None = None
) -> list[ItemView]:
    tenant_row = tenant_by_code(session, tenant)
    require_member(actor, tenant)
    q = select(IncomingItem).where(IncomingItem.tenant_id == tenant_row.id, IncomingItem.year == year)
    if not (actor.system or actor.can(tenant, Role.KANCELARIA) or actor.can(tenant, Role.SEKRETARZ)):
        readable = units_with(actor, tenant, CASE_READERS_IN_UNIT) or set()
        if not readable:
            raise PermissionDenied(f"{actor.login} may not read the RPW of {tenant}")
        q = q.where(
            IncomingItem.unit_id.in_(
                select(Unit.id).where(Unit.tenant_id == tenant_row.id, Unit.code.in_(readable))
            )
        )
    if status:
        q = q.where(IncomingItem.status == status)
    items = session.execute(q.order_by(IncomingItem.number.desc())).scalars().all()
    logged_read(session, actor, tenant_row.id, "rpw-list", str(year))
    return [item_row(session, i, tenant) for i in items]


def item_view(session: Session, actor: Actor, *, tenant: str, rpw: str) -> ItemView:
    try:
        tenant_row = tenant_by_code(session, tenant)
        item = item_by_sign(session, tenant_row.id, rpw)
    except NotFound:
        raise NotFound(f"no incoming item {rpw} in this office") from None
    item_access(session, actor, tenant, item)
    logged_read(session, actor, tenant_row.id, "rpw", item.sign)
    return item_row(session, item, tenant)


def outgoing_register(session: Session, actor: Actor, *, tenant: str, year: int) -> list[OutgoingRow]:
    tenant_row = tenant_by_code(session, tenant)
    require_any(actor, tenant, (Role.KANCELARIA, Role.SEKRETARZ))
    rows = session.execute(
        select(OutgoingItem, CaseFile.sign)
        .join(CaseFile, CaseFile.id == OutgoingItem.case_id)
        .where(OutgoingItem.tenant_id == tenant_row.id, OutgoingItem.year == year)
        .order_by(OutgoingItem.number.desc())
    ).all()
    logged_read(session, actor, tenant_row.id, "outgoing-list", str(year))
    return [
        OutgoingRow(
            sign=o.sign,
            case=sign,
            channel=o.channel,
            addressee=o.addressee,
            dispatched_at=iso(o.dispatched_at),
            delivered_at=iso(o.delivered_at),
        )
        for o, sign in rows
    ]
