"""Signed PDFs (PAdES) verified by pyHanko's validation through ezd's report and CLI; the DSS
comparison of PAdES B/T and changed PDFs is in test_sig_dss_agreement.py."""

from __future__ import annotations

import io
import json
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pypdf import PdfWriter
from typer.testing import CliRunner

from ezd.signatures.cli import app
from ezd.signatures.pades import PadesVerifier, is_pdf
from ezd.signatures.pki import DemoPki


def _signed_pdf(pki: DemoPki) -> bytes:
    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    signer = signers.SimpleSigner.load_pkcs12(pki.eseal_p12, passphrase=pki.password)
    assert signer is not None
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(buf.getvalue())),
        signers.PdfSignatureMetadata(field_name="Podpis1"),
        signer=signer,
    )
    return out.getvalue()


def test_pades_offline_pass_and_tamper(pki: DemoPki, tmp_path: Path) -> None:
    pdf = _signed_pdf(pki)
    assert is_pdf(pdf)
    ok = PadesVerifier([pki.ca_pem], online=False).verify(pdf)
    assert ok.passed, ok.reasons
    rep = ok.signatures[0]
    assert rep.signature_id == "Podpis1" and rep.crypto_valid and rep.details["format"] == "PAdES"

    untrusted = PadesVerifier([], online=False).verify(pdf)
    assert untrusted.signatures[0].subindication == "NO_CERTIFICATE_CHAIN_FOUND"

    f = tmp_path / "pismo.pdf"
    f.write_bytes(pdf)
    res = CliRunner().invoke(app, ["verify", str(f), "--trust", str(pki.ca_pem), "--offline", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["signatures"][0]["indication"] == "TOTAL_PASSED"

    at = pdf.index(b"/MediaBox")
    f.write_bytes(pdf[:at] + b"/MediaBoy" + pdf[at + 9 :])
    res = CliRunner().invoke(app, ["verify", str(f), "--trust", str(pki.ca_pem), "--offline", "--json"])
    assert res.exit_code == 2
    assert json.loads(res.stdout)["signatures"][0]["subindication"] == "HASH_FAILURE"


def test_not_a_signed_pdf(pki: DemoPki) -> None:
    result = PadesVerifier([pki.ca_pem], online=False).verify(b"%PDF-1.4\nnonsense")
    assert result.verdict.value == "TOTAL-FAILED"


def test_office_seal_seals_a_pdf_also_inside_a_running_event_loop(pki: DemoPki) -> None:
    """ezd's own PAdES sealing (the office's key through pyHanko) from plain code and from a
    thread whose event loop runs (pyHanko's synchronous call is asyncio.run, refused there)."""
    import asyncio

    from ezd.signatures.pkcs12 import Pkcs12Signer

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    signer = Pkcs12Signer(pki.eseal_p12, pki.password)

    async def inside_a_loop() -> bytes:
        return signer.sign_pdf(buf.getvalue())

    for sealed in (signer.sign_pdf(buf.getvalue()), asyncio.run(inside_a_loop())):
        result = PadesVerifier([pki.ca_pem], online=False).verify(sealed)
        assert result.passed, result.reasons
        assert result.signatures[0].signature_id == "PieczecUrzedu"
        assert sealed.startswith(buf.getvalue())  # an incremental update
