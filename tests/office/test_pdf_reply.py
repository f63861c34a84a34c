"""Replies that can be sealed (issue 13): a PDF reply is sealed with PAdES by the sealing step
and the case goes on to dispatch; ``ezd verify`` and the EU reference validator (DSS) accept the
seal.  Before, a PDF reply was accepted, approved, then failed in the sealing step and the case
hung in approval.  Anything the office cannot seal is refused at upload, before approval."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ezd.bootstrap import App
from ezd.db.tables import CaseFile, Document, MetrykaEntry
from ezd.demo import letters
from ezd.records.errors import InvalidInput
from ezd.services import cases
from ezd.services.replies import NOT_SEALABLE
from ezd.signatures.cli import app as sig_cli
from ezd.workers.inprocess import run_pending
from tests.helpers import actor
from tests.signatures import dss
from tests.test_kpa_terms import TENANT, open_case

OFFICE_NAME = "Starostwo Powiatowe w Świdniku"
REVOCATION_ONLY = {
    "The certificate validation is not conclusive!",
    "No revocation data found for the certificate!",
}


def _submit(app: App, sign: str, content: bytes, filename: str) -> None:
    with app.uow() as uow:
        cases.submit_draft(
            app.deps(uow.session),
            actor(app, "sw.referent"),
            tenant=TENANT,
            case_sign=sign,
            content=content,
            filename=filename,
        )
        uow.commit()


def _case(app: App, sign: str) -> tuple[str, list[tuple[str, str, str]], list[MetrykaEntry]]:
    """The case's state, its reply's versions (media type, digest, the reply's status), its metryka."""
    with app.uow() as uow:
        case = uow.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        docs = uow.session.execute(
            select(Document).where(Document.case_id == case.id, Document.direction == "outgoing")
        ).scalars()
        versions = [(v.media_type, v.sha256, d.status) for d in docs for v in d.versions]
        entries = list(
            uow.session.execute(select(MetrykaEntry).where(MetrykaEntry.case_id == case.id)).scalars()
        )
        uow.session.expunge_all()
        return case.state, versions, entries


def test_a_pdf_reply_is_sealed_with_pades_and_the_case_goes_on(seeded_app: App, tmp_path: Path) -> None:
    app = seeded_app
    sign = open_case(app, 61, received=None)
    pdf = letters.reply_pdf(OFFICE_NAME, sign, "Jan Kowalski", "Państwa pismo", date.today())
    _submit(app, sign, pdf, "odpowiedz.pdf")
    with app.uow() as uow:
        cases.decide_approval(
            app.deps(uow.session), actor(app, "sw.kierownik"), tenant=TENANT, case_sign=sign, approved=True
        )
        uow.commit()
    run_pending(app)  # the sealing step, then dispatch

    state, versions, entries = _case(app, sign)
    # the case waits for the delivery receipt (it closes then), not for a seal that never comes
    assert state == "sent" and versions[-1][2] == "dispatched", versions  # "wysłana"
    assert [m for m, _, _ in versions] == ["application/pdf", "application/pdf"]
    (seal,) = [e for e in entries if e.action == "podpis"]
    assert seal.details["format"] == "PAdES" and OFFICE_NAME in str(seal.details["signer"])
    assert "wysylka" in [e.action for e in entries]

    sealed = tmp_path / "odpowiedz.pdf"
    sealed.write_bytes(app.store.get(versions[-1][1]))
    assert sealed.read_bytes().startswith(pdf)  # an incremental update: the letter itself unchanged
    # the demo CA's office seals name no revocation service: verified offline against the CA
    trust = app.settings.keys_dir / "trust"
    res = CliRunner().invoke(sig_cli, ["verify", str(sealed), "--trust", str(trust), "--offline", "--json"])
    assert res.exit_code == 0, res.output
    (report,) = json.loads(res.stdout)["signatures"]
    assert report["indication"] == "TOTAL_PASSED" and report["details"]["format"] == "PAdES"
    assert OFFICE_NAME in json.dumps(report, ensure_ascii=False)

    theirs = dss.validate([(sealed, [])], [trust / "ca.pem"])[sealed]
    assert not isinstance(theirs, str), f"DSS could not validate: {theirs}"
    (sig,) = theirs
    assert sig.format == "PAdES_BASELINE_B", sig
    # DSS checks the revocation of the seal's certificate online and the demo office seals name
    # no revocation service: the one thing DSS cannot conclude (signature, digest, chain: fine)
    assert (sig.indication, sig.subindication) == ("INDETERMINATE", "CERTIFICATE_CHAIN_GENERAL_FAILURE"), sig
    assert set(sig.errors) <= REVOCATION_ONLY, sig


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "skan.png"),
        ("Odpowiedź zwykłym tekstem".encode(), "odpowiedz.pdf"),  # the name does not decide
        (b"%PDF-1.7\n%broken\n", "odpowiedz.pdf"),  # looks like a PDF, cannot be opened
    ],
    ids=["png", "text-named-pdf", "broken-pdf"],
)
def test_a_reply_that_cannot_be_sealed_is_refused_at_upload(
    seeded_app: App, content: bytes, filename: str
) -> None:
    sign = open_case(seeded_app, 62, received=None)
    with pytest.raises(InvalidInput) as refused:
        _submit(seeded_app, sign, content, filename)
    assert str(refused.value) == NOT_SEALABLE or "the PDF reply cannot be sealed" in str(refused.value)
    state, versions, _ = _case(seeded_app, sign)
    assert versions == [] and state == "open"  # nothing half-done: no draft, not in approval
