"""Each office seals with its own e-seal; without a valid one the sealing step stops, visibly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update

from ezd.bootstrap import App
from ezd.db.base import utcnow
from ezd.db.tables import MetrykaEntry, Tenant
from ezd.db.tables_office import OfficeSeal
from ezd.demo.seed import office_p12
from ezd.services import seals
from ezd.services.actor import system_actor
from ezd.services.audit import item_chain
from ezd.services.intake import register_incoming
from ezd.workers.inprocess import run_pending
from ezd.workflow.tables import WorkflowTask
from tests.helpers import actor, letter

MELGIEW, SWIDNIK = "ug-melgiew", "sp-swidnik"


def register(app: App, tenant: str, login: str, office_name: str, n: int) -> str:
    with app.uow() as uow:
        reg = register_incoming(
            app.deps(uow.session),
            actor(app, login),
            tenant=tenant,
            data=letter(n, office_name),
            filename="p.xml",
        )
        uow.commit()
    run_pending(app)
    return reg.sign


@dataclass(frozen=True)
class Entry:
    action: str
    details: dict[str, Any]


def item_entries(app: App, tenant: str, rpw: str) -> list[Entry]:
    with app.uow() as uow:
        rows = uow.session.execute(
            select(MetrykaEntry.action, MetrykaEntry.details)
            .where(MetrykaEntry.chain_key == item_chain(tenant, rpw))
            .order_by(MetrykaEntry.seq)
        ).all()
    return [Entry(action, dict(details)) for action, details in rows]


def held_tasks(app: App) -> list[tuple[str | None, str | None]]:
    with app.uow() as uow:
        rows = uow.session.execute(
            select(WorkflowTask.topic, WorkflowTask.error).where(WorkflowTask.retries == 0)
        )
        return [(topic, error) for topic, error in rows.all()]


def test_each_office_seals_its_own_receipts(seeded_app: App) -> None:
    for tenant, login, name, n in (
        (MELGIEW, "mg.kancelaria", "Urząd Gminy Mełgiew", 1),
        (SWIDNIK, "sw.kancelaria", "Starostwo Powiatowe w Świdniku", 2),
    ):
        rpw = register(seeded_app, tenant, login, name, n)
        (upp,) = [e for e in item_entries(seeded_app, tenant, rpw) if e.action == "upp"]
        assert name in str(upp.details["signer"])


def test_missing_then_expired_seal_holds_the_step_with_a_note(seeded_app: App) -> None:
    app = seeded_app
    with app.uow() as uow:
        melgiew = uow.session.execute(select(Tenant).where(Tenant.code == MELGIEW)).scalar_one()
        uow.session.execute(delete(OfficeSeal).where(OfficeSeal.tenant_id == melgiew.id))
        uow.commit()
    rpw = register(app, MELGIEW, "mg.kancelaria", "Urząd Gminy Mełgiew", 3)
    actions = [e.action for e in item_entries(app, MELGIEW, rpw)]
    assert "upp" not in actions and actions.count("upp_wstrzymane") == 1
    (note,) = [e for e in item_entries(app, MELGIEW, rpw) if e.action == "upp_wstrzymane"]
    assert "Urząd Gminy Mełgiew nie ma e-pieczęci" in note.details["powod"]
    assert held_tasks(app) == [("ezd.issue-upp", note.details["powod"])]
    run_pending(app)  # held: not retried (no second note) until a person acts
    assert [e.action for e in item_entries(app, MELGIEW, rpw)].count("upp_wstrzymane") == 1

    password = (app.settings.keys_dir / "eseal.password").read_text()
    with app.uow() as uow:
        seals.import_p12(
            uow.session,
            app.settings,
            system_actor("test"),
            office=MELGIEW,
            data=office_p12(app.settings, MELGIEW).read_bytes(),
            password=password,
        )
        uow.commit()
    assert app.resume_sealing(MELGIEW) == 1
    run_pending(app)
    assert [e.action for e in item_entries(app, MELGIEW, rpw)][-1] == "upp"
    assert held_tasks(app) == []

    # the certificate has expired since it was imported: the next receipt is held again
    with app.uow() as uow:
        uow.session.execute(update(OfficeSeal).values(not_after=utcnow() - timedelta(days=1)))
        uow.commit()
    later = register(app, MELGIEW, "mg.kancelaria", "Urząd Gminy Mełgiew", 4)
    (note,) = [e for e in item_entries(app, MELGIEW, later) if e.action == "upp_wstrzymane"]
    assert "Podpis wstrzymany: e-pieczęć urzędu Urząd Gminy Mełgiew jest ważna od" in note.details["powod"]
    with app.uow() as uow:
        info = seals.show_seal(uow.session, system_actor("test"), office=MELGIEW)
    assert info.warning is not None and info.warning.startswith("e-pieczęć wygasła")
