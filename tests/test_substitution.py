"""Zastępstwa: a substitute acts with the absent person's rights and is logged as the substitute."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import MetrykaEntry
from ezd.records.errors import PermissionDenied
from ezd.services import admin, intake
from ezd.services.actor import system_actor
from ezd.workers.inprocess import run_pending
from tests.helpers import actor, letter


def _assigned_item(app: App) -> str:
    kanc = actor(app, "sw.kancelaria")
    with app.uow() as uow:
        reg = intake.register_incoming(
            app.deps(uow.session), kanc, tenant="sp-swidnik", data=letter(5), filename="a.xml"
        )
        uow.commit()
    run_pending(app)
    with app.uow() as uow:
        intake.decree(app.deps(uow.session), kanc, tenant="sp-swidnik", rpw=reg.sign, unit="OR")
        uow.commit()
    return reg.sign


def test_substitute_acts_for_the_absent_head(seeded_app: App) -> None:
    app = seeded_app
    rpw = _assigned_item(app)
    substitute = actor(app, "sw.referent2")
    with app.uow() as uow, pytest.raises(PermissionDenied):
        intake.assign_referent(
            app.deps(uow.session), substitute, tenant="sp-swidnik", rpw=rpw, referent="sw.referent"
        )
    today = date.today()
    with app.uow() as uow:
        admin_actor = system_actor("admin-test")
        admin.add_substitution(
            uow.session,
            admin_actor,
            tenant="sp-swidnik",
            absent="sw.kierownik",
            substitute="sw.referent2",
            start=today - timedelta(days=1),
            end=today + timedelta(days=7),
        )
        uow.commit()
    substitute = actor(app, "sw.referent2")  # rights are evaluated for today
    with app.uow() as uow:
        intake.assign_referent(
            app.deps(uow.session), substitute, tenant="sp-swidnik", rpw=rpw, referent="sw.referent"
        )
        uow.commit()
    with app.uow() as uow:
        entry = uow.session.execute(
            select(MetrykaEntry).where(MetrykaEntry.action == "przydzial")
        ).scalar_one()
        assert (entry.actor, entry.on_behalf_of) == ("sw.referent2", "sw.kierownik")


def test_expired_substitution_gives_no_rights(seeded_app: App) -> None:
    app = seeded_app
    rpw = _assigned_item(app)
    today = date.today()
    with app.uow() as uow:
        admin.add_substitution(
            uow.session,
            system_actor("admin-test"),
            tenant="sp-swidnik",
            absent="sw.kierownik",
            substitute="sw.referent2",
            start=today - timedelta(days=10),
            end=today - timedelta(days=1),
        )
        uow.commit()
    with app.uow() as uow, pytest.raises(PermissionDenied):
        intake.assign_referent(
            app.deps(uow.session),
            actor(app, "sw.referent2"),
            tenant="sp-swidnik",
            rpw=rpw,
            referent="sw.referent",
        )
