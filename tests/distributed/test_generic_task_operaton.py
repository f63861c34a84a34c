"""The Modeler-added "Kontrola formalna" task (tests/office/test_generic_task.py) on Operaton:
deployed as a new version, both gateway branches taken, values in the metryka."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import MetrykaEntry
from ezd.demo.driver import Demo
from ezd.services.audit import item_chain
from ezd.services.generic_tasks import GenericTask, complete_generic_task, list_generic_tasks
from ezd.services.intake import register_incoming
from tests.distributed.stack import distributed_app, running_worker
from tests.distributed.test_operaton_engine import wait_until
from tests.helpers import actor, letter
from tests.office.test_generic_task import with_formal_check

OFFICE = "ug-melgiew"


def test_operaton_runs_the_modeler_task_through_both_branches(
    tmp_path: Path, pg_url: str, engine_url: str
) -> None:
    app: App = distributed_app(tmp_path / "ezd", pg_url, engine_url)
    try:
        Demo(app).prepare()
        deployed = {d.process_key: d for d in app.deploy_processes(with_formal_check(tmp_path))}
        assert deployed["ezd_incoming"].new and deployed["ezd_incoming"].version == 2
        clerk = actor(app, "mg.kancelaria")
        signs = []
        for n in (31, 32):
            with app.uow() as uow:
                reg = register_incoming(
                    app.deps(uow.session), clerk, tenant=OFFICE, data=letter(n), filename="p.xml"
                )
                uow.commit()
            signs.append(reg.sign)
        ok, gaps = signs

        def form_tasks() -> dict[str, GenericTask] | None:
            with app.uow() as uow:
                found = {t.subject: t for t in list_generic_tasks(app.deps(uow.session), clerk)}
            return found if set(found) == {ok, gaps} else None

        def open_keys(sign: str) -> list[str]:
            with app.uow() as uow:
                return [
                    t.task_key for t in app.engine(uow.session).user_tasks(business_key=f"{OFFICE}/{sign}")
                ]

        def state() -> str:
            with app.uow() as uow:
                engine = app.engine(uow.session)
                return "; ".join(
                    f"{s}: {[(i.active_activities, i.incidents) for i in engine.find_instances(f'{OFFICE}/{s}')]}"
                    for s in signs
                )

        with running_worker(app):
            try:
                tasks = wait_until(form_tasks, 120, "the Kontrola formalna tasks")
            except AssertionError as exc:
                raise AssertionError(f"{exc}: {state()}") from None
        assert tasks[ok].name == "Kontrola formalna" and tasks[ok].fields[0].type == "enum"
        for sign, values in (
            (ok, {"wynik": "kompletne", "liczba_stron": "2", "pilne": "nie"}),
            (gaps, {"wynik": "braki"}),
        ):
            with app.uow() as uow:
                complete_generic_task(app.deps(uow.session), clerk, tasks[sign].id, values)
                uow.commit()
        assert wait_until(lambda: open_keys(ok) == ["Task_Decree"], 60, "the decree after 'kompletne'")
        assert wait_until(lambda: open_keys(gaps) == [], 60, "the end after 'braki'")
        with app.uow() as uow:
            (details,) = uow.session.execute(
                select(MetrykaEntry.details).where(
                    MetrykaEntry.chain_key == item_chain(OFFICE, ok),
                    MetrykaEntry.action == "zadanie_wykonane",
                )
            ).scalars()
        assert details["wartosci"] == {
            "wynik": "kompletne",
            "liczba_stron": 2,
            "pilne": False,
            "termin": None,
        }
    finally:
        app.db.dispose()
