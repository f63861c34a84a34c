"""UPP: every electronically received item gets a sealed receipt certifying its exact bytes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ezd import upo
from ezd.bootstrap import App
from ezd.db.tables import MetrykaEntry
from ezd.records.errors import InvalidInput, InvalidState
from ezd.records.intake import Channel, IncomingMetadata
from ezd.services import intake, receipts
from ezd.signatures import Verdict
from ezd.workers.inprocess import run_pending
from tests.helpers import actor, letter

TENANT = "ug-melgiew"


def _register(app: App, data: bytes, **kw: object) -> str:
    kanc = actor(app, "mg.kancelaria")
    with app.uow() as uow:
        reg = intake.register_incoming(
            app.deps(uow.session),
            kanc,
            tenant=TENANT,
            data=data,
            **{"filename": "pismo.xml", **kw},  # type: ignore[arg-type]
        )
        uow.commit()
    return reg.sign


def _upp_attachment(app: App, rpw: str) -> tuple[bytes, bytes]:
    from ezd.services.lookup import item_by_sign, tenant_by_code

    with app.uow() as uow:
        item = item_by_sign(uow.session, tenant_by_code(uow.session, TENANT).id, rpw)
        atts = [a for a in item.document.attachments if a.filename == receipts.upp_filename(rpw)]
        assert len(atts) == 1
        return app.store.get(atts[0].sha256), app.store.get(item.document.versions[0].sha256)


def test_upp_issued_by_the_incoming_process(seeded_app: App) -> None:
    original = letter(7)
    rpw = _register(seeded_app, original)
    run_pending(seeded_app)
    upp_xml, stored_original = _upp_attachment(seeded_app, rpw)
    assert stored_original == original  # the record is the original bytes, unchanged

    result = seeded_app.verifier.verify(upp_xml)
    assert result.verdict is Verdict.TOTAL_PASSED, result.reasons
    assert result.signed_root is not None
    upp = upo.read_upp(result.signed_root)  # read from what was signed only
    assert upo.matches(upp, original)
    assert not upo.matches(upp, original + b" ")
    assert upp.document_id == rpw
    assert upp.addressee.name == "Urząd Gminy Mełgiew"
    assert upp.sender.name  # the resident from the letter
    assert upp.certificate_id == f"UPP/{TENANT}/{rpw}"
    dt.datetime.fromisoformat(upp.delivered_at.replace("Z", "+00:00"))

    with seeded_app.uow() as uow:
        actions = (
            uow.session.execute(
                select(MetrykaEntry.action).where(MetrykaEntry.chain_key == f"rpw:{TENANT}:{rpw}")
            )
            .scalars()
            .all()
        )
    assert "upp" in actions


def test_issue_upp_is_idempotent_and_refuses_paper(seeded_app: App) -> None:
    rpw = _register(seeded_app, letter(8))
    run_pending(seeded_app)
    with seeded_app.uow() as uow:
        first = receipts.issue_upp(seeded_app.deps(uow.session), TENANT, rpw)
        second = receipts.issue_upp(seeded_app.deps(uow.session), TENANT, rpw)
        uow.commit()
    assert first == second

    paper = IncomingMetadata(
        sender="Jan Nowak",
        title="Podanie papierowe",
        letter_date=None,
        received_date=dt.date.today(),
        channel=Channel.POST,
        format="application/pdf",
    )
    rpw_paper = _register(
        seeded_app, b"%PDF-1.4 scan", metadata=paper, channel=Channel.POST, filename="skan.pdf"
    )
    run_pending(seeded_app)  # the process skips the UPP for paper mail
    with seeded_app.uow() as uow, pytest.raises(InvalidState):
        receipts.issue_upp(seeded_app.deps(uow.session), TENANT, rpw_paper)


def test_build_and_read_roundtrip() -> None:
    doc = b"<x/>"
    xml = upo.build_upp(
        certificate_id="C1",
        addressee=upo.UppParty("Urząd", "/ug/skrytka", "adres skrytki"),
        sender=upo.UppParty("Jan Kowalski", "44051401359", "PESEL"),
        delivered_at=dt.datetime(2025, 1, 2, 3, 4, 5),
        created_at=dt.datetime(2025, 1, 2, 3, 4, 6, tzinfo=dt.UTC),
        document_id="RPW/1/2025",
        document=doc,
        filename="pismo.xml",
    )
    upp = upo.read_upp(xml)
    assert upp.delivered_at == "2025-01-02T03:04:05Z"
    assert upp.sender.identifier_type == "PESEL"
    assert upp.sha256_hex is not None and upo.matches(upp, doc)
    with pytest.raises(InvalidInput):
        upo.read_upp(b"<Dokument xmlns='urn:other'/>")
