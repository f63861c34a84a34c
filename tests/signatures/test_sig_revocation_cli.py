from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from typer.testing import CliRunner

from ezd.signatures import Pkcs12Signer, Verdict, XadesVerifier
from ezd.signatures.cli import app
from ezd.signatures.pki import DemoPki
from ezd.signatures.report import to_json, to_text
from ezd.signatures.revocation import CrlChecker

DOC = b"<Pismo xmlns='urn:ezd:test'><Kwota>100</Kwota></Pismo>"


@pytest.fixture()
def crl_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", files
    server.shutdown()
    server.server_close()


def _crl(pki: DemoPki, revoked: list[int]) -> bytes:
    now = dt.datetime.now(dt.UTC)
    b = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.intermediate_cert.subject)
        .last_update(now - dt.timedelta(hours=1))
        .next_update(now + dt.timedelta(days=1))
    )
    for serial in revoked:
        b = b.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - dt.timedelta(minutes=5))
            .build()
        )
    return b.sign(pki.intermediate_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def test_crl_good_revoked_unknown(pki: DemoPki, crl_server: tuple[str, dict[str, bytes]]) -> None:
    base, files = crl_server
    cert, key = pki.issue_eseal("Urząd z CRL", crl_url=f"{base}/int.crl")
    signed = Pkcs12Signer(pki.pkcs12_bytes(cert, key), pki.password).sign_enveloped(DOC)

    files["/int.crl"] = _crl(pki, [])
    good = XadesVerifier([pki.ca_pem], revocation=CrlChecker()).verify(signed)
    assert good.verdict is Verdict.TOTAL_PASSED, good.reasons

    files["/int.crl"] = _crl(pki, [cert.serial_number])
    revoked = XadesVerifier([pki.ca_pem], revocation=CrlChecker()).verify(signed)
    # no time-stamp, so no proof the signature predates the revocation (EN 319 102-1 §5.2.6)
    assert revoked.verdict is Verdict.INDETERMINATE
    assert revoked.signatures[0].subindication == "REVOKED_NO_POE"
    assert any(r.startswith("REVOKED") for r in revoked.reasons)

    del files["/int.crl"]
    unknown = XadesVerifier([pki.ca_pem], revocation=CrlChecker()).verify(signed)
    assert unknown.verdict is Verdict.INDETERMINATE


def test_reports(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    result = verifier.verify(signer.sign_enveloped(DOC))
    data = json.loads(to_json(result))
    assert data["verdict"] == "TOTAL-PASSED"
    assert data["signatures"][0]["details"]["qc"]["QcType"] == ["eseal"]
    assert "TOTAL-PASSED" in to_text(result)


def test_cli_sign_and_verify(pki: DemoPki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EZD_SIGN_PASSWORD", pki.password.decode())
    doc = tmp_path / "pismo.xml"
    doc.write_bytes(DOC)
    out = tmp_path / "pismo.signed.xml"
    runner = CliRunner()
    res = runner.invoke(app, ["sign", str(doc), "--key", str(pki.eseal_p12), "-o", str(out)])
    assert res.exit_code == 0, res.output
    # online (default): the demo seal publishes no CRL/OCSP, so revocation is unknown → INDETERMINATE
    assert runner.invoke(app, ["verify", str(out), "--trust", str(pki.ca_pem)]).exit_code == 1
    assert runner.invoke(app, ["verify", str(out), "--trust", str(pki.ca_pem), "--offline"]).exit_code == 0
    assert runner.invoke(app, ["verify", str(out)]).exit_code == 1  # no anchor: INDETERMINATE
    assert runner.invoke(app, ["verify", str(doc), "--json"]).exit_code == 2  # unsigned
    res = runner.invoke(app, ["sign", str(doc), "--key", str(pki.eseal_p12), "--detached"])
    assert res.exit_code == 0, res.output
    sig = tmp_path / "pismo.xml.xades"
    res = runner.invoke(
        app, ["verify", str(sig), "--content", str(doc), "--trust", str(pki.ca_pem), "--offline"]
    )
    assert res.exit_code == 0, res.output
