"""RPW and case numbering: gapless and unique under concurrency and rollbacks, on both stacks."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import CaseFile, Counter
from ezd.services import intake
from tests.conftest import seed_and_deploy
from tests.helpers import actor, letter, rpw_numbers

THREADS = 6
PER_THREAD = 5


def _register_many(app: App, who: str, worker: int, failures: list[int], errors: list[BaseException]) -> None:
    kanc = actor(app, who)
    for i in range(PER_THREAD):
        try:
            with app.uow() as uow:
                intake.register_incoming(
                    app.deps(uow.session),
                    kanc,
                    tenant="ug-melgiew",
                    data=letter(worker * 100 + i),
                    filename="l.xml",
                )
                if (worker + i) % 4 == 0:
                    failures.append(1)
                    continue  # leave without commit: the unit of work rolls back, the number must not be burned
                uow.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)


def test_rpw_gapless_under_concurrency_and_rollback(stack: App) -> None:
    app = seed_and_deploy(stack)
    failures: list[int] = []
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_register_many, args=(app, "mg.kancelaria", w, failures, errors))
        for w in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    numbers = rpw_numbers(app, "ug-melgiew")
    committed = THREADS * PER_THREAD - len(failures)
    assert failures, "the test must exercise rolled-back registrations"
    assert numbers == list(range(1, committed + 1))
    other = rpw_numbers(app, "sp-swidnik")
    assert other == []  # numbering is per tenant


def test_counter_rollback_does_not_burn(app: App) -> None:
    seed_and_deploy(app)
    kanc = actor(app, "sw.kancelaria")
    with app.uow() as uow:
        intake.register_incoming(
            app.deps(uow.session), kanc, tenant="sp-swidnik", data=letter(1), filename="a.xml"
        )
        # no commit
    with app.uow() as uow:
        reg = intake.register_incoming(
            app.deps(uow.session), kanc, tenant="sp-swidnik", data=letter(2), filename="b.xml"
        )
        uow.commit()
    assert reg.sign.startswith("RPW/1/")
    with app.uow() as uow:
        assert uow.session.execute(select(Counter.last).where(Counter.kind == "RPW")).scalar_one() == 1


@pytest.mark.parametrize("n", [3])
def test_case_seq_per_unit_jrwa_year(app: App, n: int) -> None:
    from ezd.demo.driver import Demo

    Demo(app).run(n * 5)
    with app.uow() as uow:
        rows = uow.session.execute(
            select(CaseFile.tenant_id, CaseFile.unit_id, CaseFile.jrwa_class_id, CaseFile.seq)
        ).all()
    groups: dict[tuple[int, int, int], list[int]] = {}
    for t, u, j, seq in rows:
        groups.setdefault((t, u, j), []).append(seq)
    assert groups
    for seqs in groups.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))


def _append_many(app: App, tenant_id: int, worker: int, errors: list[BaseException]) -> None:
    from ezd.services import audit

    for i in range(PER_THREAD):
        try:
            with app.uow() as uow:
                for k in range(2):  # two entries in one transaction: the second builds on the first
                    audit.record(
                        uow.session,
                        chain_key="tenant:concurrency",
                        tenant_id=tenant_id,
                        actor=f"w{worker}",
                        action="test.append",
                        details={"i": i, "k": k},
                    )
                if (worker + i) % 4 != 0:  # every 4th rolls back: its seq numbers are not burned
                    uow.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)


def test_metryka_chain_intact_under_concurrent_appends_and_rollback(stack: App) -> None:
    from ezd.db.tables import MetrykaEntry, Tenant
    from ezd.services import audit

    app = seed_and_deploy(stack)
    with app.uow() as uow:
        tenant_id = uow.session.execute(select(Tenant.id).where(Tenant.code == "ug-melgiew")).scalar_one()
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_append_many, args=(app, tenant_id, w, errors)) for w in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    committed = sum(1 for w in range(THREADS) for i in range(PER_THREAD) if (w + i) % 4 != 0)
    with app.uow() as uow:
        seqs = uow.session.execute(
            select(MetrykaEntry.seq)
            .where(MetrykaEntry.chain_key == "tenant:concurrency")
            .order_by(MetrykaEntry.seq)
        ).scalars()
        assert list(seqs) == list(range(1, 2 * committed + 1))
        _chains, _entries, broken = audit.verify_all(uow.session)
        assert broken is None
