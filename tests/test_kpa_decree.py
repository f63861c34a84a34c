"""Re-decree and return to the kancelaria: who may, with what reason, and when (embedded default)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import IncomingItem
from ezd.records.errors import InvalidInput, InvalidState, PermissionDenied
from ezd.services import intake, redecree
from ezd.workers.inprocess import run_pending
from tests.helpers import actor, letter

TENANT = "sp-swidnik"


def _decreed(app: App, n: int, unit: str) -> str:
    kanc = actor(app, "sw.kancelaria")
    with app.uow() as uow:
        reg = intake.register_incoming(
            app.deps(uow.session), kanc, tenant=TENANT, data=letter(n), filename="a.xml"
        )
        uow.commit()
    run_pending(app)
    with app.uow() as uow:
        intake.decree(app.deps(uow.session), kanc, tenant=TENANT, rpw=reg.sign, unit=unit)
        uow.commit()
    return reg.sign


def _item(app: App, rpw: str) -> tuple[int | None, str]:
    with app.uow() as uow:
        item = uow.session.execute(select(IncomingItem).where(IncomingItem.sign == rpw)).scalar_one()
        return item.unit_id, item.status


def test_an_item_in_a_unit_without_head_is_not_stuck(seeded_app: App) -> None:
    rpw = _decreed(seeded_app, 51, "GK")
    with seeded_app.uow() as uow, pytest.raises(InvalidState):  # a second plain decree is still refused
        intake.decree(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.kancelaria"),
            tenant=TENANT,
            rpw=rpw,
            unit="OR",
        )
    with seeded_app.uow() as uow, pytest.raises(InvalidInput, match="podaj powód"):
        redecree.redecree(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.kancelaria"),
            tenant=TENANT,
            rpw=rpw,
            unit="OR",
            reason=" ",
        )
    with (
        seeded_app.uow() as uow,
        pytest.raises(PermissionDenied, match="kierownik komórki GK albo kancelaria"),
    ):
        redecree.redecree(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.referent"),
            tenant=TENANT,
            rpw=rpw,
            unit="OR",
            reason="x",
        )
    with seeded_app.uow() as uow:
        redecree.redecree(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.kancelaria"),
            tenant=TENANT,
            rpw=rpw,
            unit="OR",
            reason="sprawa Wydziału Organizacyjnego",
        )
        uow.commit()
    with seeded_app.uow() as uow:  # now the head of OR can assign a referent
        intake.assign_referent(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.kierownik"),
            tenant=TENANT,
            rpw=rpw,
            referent="sw.referent",
        )
        uow.commit()
    assert _item(seeded_app, rpw)[1] == "assigned"
    with seeded_app.uow() as uow, pytest.raises(InvalidState, match="tylko przed przydziałem referenta"):
        redecree.redecree(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.kierownik"),
            tenant=TENANT,
            rpw=rpw,
            unit="GK",
            reason="x",
        )


def test_the_head_returns_an_item_to_the_kancelaria(seeded_app: App) -> None:
    rpw = _decreed(seeded_app, 52, "OR")
    with seeded_app.uow() as uow, pytest.raises(PermissionDenied):
        redecree.return_to_kancelaria(
            seeded_app.deps(uow.session), actor(seeded_app, "sw.kancelaria"), tenant=TENANT, rpw=rpw
        )
    with seeded_app.uow() as uow:
        redecree.return_to_kancelaria(
            seeded_app.deps(uow.session), actor(seeded_app, "sw.kierownik"), tenant=TENANT, rpw=rpw
        )
        uow.commit()
    assert _item(seeded_app, rpw) == (None, "returned")
    with seeded_app.uow() as uow:  # the kancelaria decrees it anew
        intake.decree(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.kancelaria"),
            tenant=TENANT,
            rpw=rpw,
            unit="GK",
        )
        uow.commit()
    assert _item(seeded_app, rpw)[1] == "decreed"
