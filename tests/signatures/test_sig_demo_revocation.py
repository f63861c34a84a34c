"""The demo PKI publishes real revocation data: the README's ``ezd verify … --trust
.ezd/keys/trust`` passes on the demo's own sealed documents offline (CRLs in the trust
directory), and ``ezd serve`` publishes the same CRLs at the URLs the certificates name."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from typer.testing import CliRunner

from ezd.signatures.cli import app
from ezd.signatures.pkcs12 import Pkcs12Signer
from tests.web.conftest import Site, make_site

LETTER = b"<pismo xmlns='urn:ezd:test'><tresc>Odpowiedz</tresc></pismo>"


def test_demo_seal_verifies_with_revocation(tmp_path: Path) -> None:
    site = make_site(tmp_path / "ezd")
    try:
        _check(site, tmp_path)
    finally:
        site.app.db.dispose()


def _check(site: Site, tmp_path: Path) -> None:
    keys = site.app.settings.keys_dir
    trust = keys / "trust"
    password = (keys / "eseal.password").read_text().strip()
    signer = Pkcs12Signer(keys / "eseal.p12", password)
    dp = signer.certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    url = dp[0].full_name[0].value
    assert url.startswith("http://127.0.0.1:8000/pki/")
    signed = tmp_path / "odpowiedz.xml"
    signed.write_bytes(signer.sign_enveloped(LETTER))
    # online mode (the default), nothing listening on :8000 needed: the CRLs lie in the trust dir
    res = CliRunner().invoke(app, ["verify", str(signed), "--trust", str(trust)])
    assert res.exit_code == 0, res.output
    assert "not on CRL local" in res.output

    client = site.client()
    name = url.rsplit("/", 1)[1]
    got = client.get(f"/pki/{name}")
    assert got.status_code == 200
    crl = x509.load_der_x509_crl(got.content)
    assert crl.issuer == signer.chain[0].issuer
    assert client.get("/pki/eseal.p12").status_code == 404
    assert client.get("/pki/..%2Feseal.password").status_code == 404
