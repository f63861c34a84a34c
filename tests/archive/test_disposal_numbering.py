"""Disposal requests take gapless numbers from the counters, under concurrency and rollbacks, on both stacks."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import select

from ezd.archive_ops import disposal
from ezd.bootstrap import App
from ezd.db.tables_archive import DisposalItem, DisposalRequest
from ezd.records.errors import InvalidState
from ezd.services.actor import system_actor
from tests.archive.helpers import add_entry

THREADS = 4
PER_THREAD = 4
TENANT = "sp-swidnik"
ARCHIVIST = system_actor("archiwista-test")


def _file_many(
    app: App, worker: int, rolled_back: list[int], nothing: list[int], errors: list[BaseException]
) -> None:
    for i in range(PER_THREAD):
        try:
            # each attempt brings a record of its own that is due, so there is always work
            add_entry(
                app,
                tenant=TENANT,
                sign=f"OR.0001.{worker * 100 + i + 1}.2014",
                title=f"Zaproszenia {worker}-{i}",
                retention_until=date(2020, 1, 1),
            )
            with app.uow() as uow:
                try:
                    disposal.request_disposal(
                        uow.session, app.store, ARCHIVIST, tenant=TENANT, as_of=disposal.office_today()
                    )
                except InvalidState:
                    nothing.append(1)  # another request took every due record first: no number burned
                    continue
                if (worker + i) % 3 == 0:
                    rolled_back.append(1)
                    continue  # leave without commit: the number and the items roll back
                uow.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)


def test_disposal_numbers_gapless_under_concurrency_and_rollback(stack: App) -> None:
    app = stack
    rolled_back: list[int] = []
    nothing: list[int] = []
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_file_many, args=(app, w, rolled_back, nothing, errors))
        for w in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert rolled_back, "the test must exercise rolled-back requests"
    year = disposal.office_today().year
    with app.uow() as uow:
        numbers = sorted(uow.session.execute(select(DisposalRequest.number)).scalars())
        entries = list(uow.session.execute(select(DisposalItem.entry_id)).scalars())
        due = disposal.due_for_disposal(uow.session, disposal.office_today())
        years = set(uow.session.execute(select(DisposalRequest.year)).scalars())
    assert numbers == list(range(1, len(numbers) + 1))  # gapless: rollbacks burned nothing
    assert years == {year}
    assert len(entries) == len(set(entries))  # no record is proposed in two requests
    # every record is in exactly one committed request or still due (its request rolled back)
    assert len(entries) + len(due) == THREADS * PER_THREAD
    # the next request goes on from the last committed number
    add_entry(app, tenant=TENANT, sign="OR.0002.1.2014", title="Ostatnie", retention_until=date(2020, 1, 1))
    with app.uow() as uow:
        req = disposal.request_disposal(
            uow.session, app.store, ARCHIVIST, tenant=TENANT, as_of=disposal.office_today()
        )
        uow.commit()
    assert req.number == len(numbers) + 1
