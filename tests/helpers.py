"""Small helpers shared by tests (imported as ``tests.helpers``)."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import IncomingItem, Tenant
from ezd.demo import letters
from ezd.services.actor import Actor, load_actor


def actor(app: App, login: str) -> Actor:
    with app.uow() as uow:
        return load_actor(uow.session, login, date.today())


def letter(n: int = 0, office: str = "Urząd Gminy Mełgiew") -> bytes:
    xml, _ = letters.incoming_letter(random.Random(n), office, n, date.today())
    return xml


def rpw_numbers(app: App, tenant: str) -> list[int]:
    with app.uow() as uow:
        return list(
            uow.session.execute(
                select(IncomingItem.number)
                .join(Tenant, Tenant.id == IncomingItem.tenant_id)
                .where(Tenant.code == tenant)
                .order_by(IncomingItem.number)
            ).scalars()
        )
