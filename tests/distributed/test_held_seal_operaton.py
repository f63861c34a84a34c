"""A missing e-seal holds the UPP sealing step on Operaton too (tests/office/test_office_seal.py
is the embedded engine): a Polish note in the item's metryka, an incident on the process, no
retries of its own; ``seals.import_p12`` plus ``resume_sealing`` (what ``ezd seal import``
does) gives the held step its retries back and the receipt is sealed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select

from ezd.bootstrap import App
from ezd.db.tables import Tenant
from ezd.db.tables_office import OfficeSeal
from ezd.demo.driver import Demo
from ezd.demo.seed import office_p12
from ezd.services import seals
from ezd.services.actor import system_actor
from ezd.services.intake import register_incoming
from ezd.workers.external import wait_idle
from tests.distributed.stack import distributed_app, running_worker
from tests.distributed.test_operaton_engine import wait_until
from tests.helpers import actor, letter
from tests.office.test_office_seal import item_entries

MELGIEW = "ug-melgiew"


def test_missing_seal_holds_the_step_until_a_seal_is_imported(
    tmp_path: Path, pg_url: str, engine_url: str
) -> None:
    app: App = distributed_app(tmp_path / "ezd", pg_url, engine_url)
    try:
        Demo(app).prepare()
        with app.uow() as uow:
            office = uow.session.execute(select(Tenant).where(Tenant.code == MELGIEW)).scalar_one()
            uow.session.execute(delete(OfficeSeal).where(OfficeSeal.tenant_id == office.id))
            uow.commit()
        with app.uow() as uow:
            rpw = register_incoming(
                app.deps(uow.session),
                actor(app, "mg.kancelaria"),
                tenant=MELGIEW,
                data=letter(51),
                filename="p.xml",
            ).sign
            uow.commit()
        key = f"{MELGIEW}/{rpw}"

        def actions() -> list[str]:
            return [e.action for e in item_entries(app, MELGIEW, rpw)]

        def incidents() -> tuple[str, ...]:
            with app.uow() as uow:
                return tuple(i for s in app.engine(uow.session).find_instances(key) for i in s.incidents)

        with running_worker(app):
            wait_until(lambda: "upp_wstrzymane" in actions(), 90, "the held-step note")
            assert wait_until(incidents, 60, "the incident of the held step")
            wait_idle(app, timeout_s=60)
            assert actions().count("upp_wstrzymane") == 1 and "upp" not in actions()  # not retried by itself
            (note,) = [e for e in item_entries(app, MELGIEW, rpw) if e.action == "upp_wstrzymane"]
            assert "Urząd Gminy Mełgiew nie ma e-pieczęci" in note.details["powod"]

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
            wait_until(lambda: "upp" in actions(), 90, "the sealed UPP after the import")
        assert incidents() == ()
        assert actions().count("upp_wstrzymane") == 1
    finally:
        app.db.dispose()
