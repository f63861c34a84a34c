"""The main job end to end, on the embedded SQLite default and on PostgreSQL."""

from __future__ import annotations

from collections import Counter as Tally

from sqlalchemy import select

from ezd import xsd
from ezd.bootstrap import App
from ezd.db.tables import (
    CaseFile,
    Document,
    IncomingItem,
    MetrykaEntry,
    OutgoingItem,
    Tenant,
)
from ezd.demo.driver import Demo
from ezd.services.audit import verify_all
from ezd.storage.local import LocalObjectStore
from ezd.workflow.tables import WorkflowInstance

EXPECTED_CASE_ACTIONS = [
    "zalozenie_sprawy",
    "projekt_do_akceptacji",
    "akceptacja",
    "podpis",
    "wysylka",
    "potwierdzenie_doreczenia",
    "zakonczenie_sprawy",
    "przygotowanie_do_archiwum",
    "przyjecie_do_archiwum",
    "archiwizacja",
]


def test_main_job_on_both_stacks(stack: App) -> None:
    result = Demo(stack).run(12)
    assert result.documents == 12
    assert result.cases_archived == result.cases_opened == 12 - result.attached_to_existing
    assert (
        result.attached_to_existing >= 1 and result.returned_for_changes >= 1 and result.signed_incoming == 6
    )
    with stack.uow() as uow:
        s = uow.session
        assert {c.state for c in s.execute(select(CaseFile)).scalars()} == {"archived"}
        assert all(w.ended for w in s.execute(select(WorkflowInstance)).scalars())
        # RPW gapless per tenant
        for tenant in s.execute(select(Tenant)).scalars():
            numbers = sorted(
                s.execute(select(IncomingItem.number).where(IncomingItem.tenant_id == tenant.id)).scalars()
            )
            assert numbers == list(range(1, len(numbers) + 1))
        # every case has its reply signed, dispatched and delivered, registered in the outgoing register
        outgoing = s.execute(select(Document).where(Document.direction == "outgoing")).scalars().all()
        assert len(outgoing) == result.cases_opened
        assert all(d.signed and d.status == "delivered" and len(d.versions) >= 2 for d in outgoing)
        assert len(s.execute(select(OutgoingItem)).scalars().all()) == result.cases_opened
        # signed incoming letters were verified against the demo CA
        verdicts = Tally(
            d.signature_verdict
            for d in s.execute(
                select(Document).where(Document.direction == "incoming", Document.signed)
            ).scalars()
        )
        assert verdicts == {"TOTAL-PASSED": 6}
        # metryka: the full life of each case, in order, with the acting people
        case = s.execute(select(CaseFile).order_by(CaseFile.id)).scalars().first()
        assert case is not None
        actions = [
            e.action
            for e in s.execute(
                select(MetrykaEntry)
                .where(MetrykaEntry.chain_key == f"case:{case.id}")
                .order_by(MetrykaEntry.seq)
            ).scalars()
        ]
        core = [a for a in actions if a not in ("zwrot_do_poprawy", "dolaczenie_dokumentu")]
        assert [a for a in core if a != "projekt_do_akceptacji"] == [
            a for a in EXPECTED_CASE_ACTIONS if a != "projekt_do_akceptacji"
        ]
        chains, entries, brk = verify_all(s)
        assert brk is None and chains > result.cases_opened and entries > 15 * result.cases_opened
    # the NES metadata written when the case went to the archive is valid against Metadane-1.7.xsd
    with stack.uow() as uow:
        details = (
            uow.session.execute(
                select(MetrykaEntry.details).where(MetrykaEntry.action == "przygotowanie_do_archiwum")
            )
            .scalars()
            .all()
        )
    assert len(details) == result.cases_opened
    for d in details[:3]:
        xml = stack.store.get(str(d["case_metadata"]))
        assert b"<ndap:dokument" in xml or b"dokument" in xml
        assert xsd.validate(xml, "Metadane-1.7.xsd") == []
    if isinstance(stack.store, LocalObjectStore):
        locks = list((stack.store.root / "locks").glob("*.json"))
        assert len(locks) >= 3 * result.cases_opened  # content + metadata locked for the retention period


def test_demo_twice_adds_more(app: App) -> None:
    first = Demo(app).run(3)
    second = Demo(app).run(3)
    assert first.seeded and not second.seeded
    with app.uow() as uow:
        assert len(uow.session.execute(select(IncomingItem)).scalars().all()) == 6


def test_archived_count_reads_in_bounded_batches(app: App) -> None:
    """The demo counts archived cases after its last step, in batches of signs: the cases in the
    last batch count, signs that are unknown (or not archived) do not."""
    from ezd.demo.driver import _archived

    result = Demo(app).run(2)
    with app.uow() as uow:
        opened = list(
            uow.session.execute(
                select(Tenant.code, CaseFile.sign).join(Tenant, Tenant.id == CaseFile.tenant_id)
            )
        )
        unknown = [("sp-swidnik", f"OR.0000.{n}.2026") for n in range(20_000)]
        pairs = unknown + [(code, sign) for code, sign in opened]
        assert _archived(app.deps(uow.session), pairs) == result.cases_archived == 2
