"""XAdES-T (RFC 3161 TSA on 127.0.0.1), OCSP (responder on 127.0.0.1), POE, EPES, CLI."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from lxml import etree
from signxml import DigestAlgorithm
from signxml.xades import XAdESSignaturePolicy
from typer.testing import CliRunner

from ezd.cli.errors import user_error_line
from ezd.signatures import Pkcs12Signer, Verdict, XadesVerifier, create_demo_pki
from ezd.signatures.cli import app
from ezd.signatures.errors import TimestampError
from ezd.signatures.ocsp import OcspChecker, RevocationChain
from ezd.signatures.pki import DemoPki
from ezd.signatures.revocation import CrlChecker
from ezd.signatures.tsp import TsaClient
from tests.signatures.services import OcspResponder, Tsa, http_service

DOC = b"<Pismo xmlns='urn:ezd:test'><Kwota>100</Kwota></Pismo>"
NS = {"ds": "http://www.w3.org/2000/09/xmldsig#", "xades": "http://uri.etsi.org/01903/v1.3.2#"}


@pytest.fixture(scope="module")
def tsa_keys(pki: DemoPki) -> tuple[x509.Certificate, object]:
    return pki.issue_service("ezd Test TSA", ExtendedKeyUsageOID.TIME_STAMPING)


@pytest.fixture()
def tsa(pki: DemoPki, tsa_keys: tuple[x509.Certificate, object]) -> Iterator[tuple[str, Tsa]]:
    service = Tsa(tsa_keys[0], tsa_keys[1], chain=[pki.intermediate_cert])
    with http_service(service.handle) as url:
        yield url, service


def _token_el(xml: bytes) -> tuple[etree._Element, etree._Element]:
    root = etree.fromstring(xml)
    return root, root.find(".//xades:SignatureTimeStamp/xades:EncapsulatedTimeStamp", NS)


# --- XAdES-T ---------------------------------------------------------------------------------


def test_xades_t_roundtrip(pki: DemoPki, tsa: tuple[str, Tsa]) -> None:
    url, _ = tsa
    signer = Pkcs12Signer(pki.eseal_p12, pki.password, tsa=TsaClient(url))
    signed = signer.sign_enveloped(DOC)
    result = XadesVerifier([pki.ca_pem]).verify(signed)
    assert result.verdict is Verdict.TOTAL_PASSED, result.reasons
    stamps = result.signatures[0].details["signature_timestamp"]
    assert isinstance(stamps, list) and len(stamps) == 1
    ts = stamps[0]
    assert ts["status"] == "valid" and "CN=ezd Test TSA" in ts["tsa"]


def test_detached_xades_t(pki: DemoPki, tsa: tuple[str, Tsa]) -> None:
    signer = Pkcs12Signer(pki.eseal_p12, pki.password, tsa=TsaClient(tsa[0]))
    sig = signer.sign_detached(b"%PDF-1.7 decyzja", uri="decyzja.pdf", mime_type="application/pdf")
    ok = XadesVerifier([pki.ca_pem]).verify_detached(sig, b"%PDF-1.7 decyzja")
    assert ok.passed, ok.reasons
    bad = XadesVerifier([pki.ca_pem]).verify_detached(sig, b"%PDF-1.7 decyzjA")
    assert bad.verdict is Verdict.TOTAL_FAILED


def test_tampered_timestamp_fails(pki: DemoPki, tsa: tuple[str, Tsa]) -> None:
    signer = Pkcs12Signer(pki.eseal_p12, pki.password, tsa=TsaClient(tsa[0]))
    root, enc = _token_el(signer.sign_enveloped(DOC))
    token = bytearray(base64.b64decode(enc.text))
    token[-5] ^= 0x01  # inside the TSA's signature value
    enc.text = base64.b64encode(bytes(token)).decode()
    result = XadesVerifier([pki.ca_pem]).verify(etree.tostring(root))
    assert result.verdict is Verdict.TOTAL_FAILED
    assert any("TIMESTAMP_FAILURE" in r for r in result.reasons), result.reasons
    assert result.signed_root is None


def test_timestamp_of_another_signature_fails(pki: DemoPki, tsa: tuple[str, Tsa]) -> None:
    signer = Pkcs12Signer(pki.eseal_p12, pki.password, tsa=TsaClient(tsa[0]))
    _, other = _token_el(signer.sign_enveloped(DOC))
    root, enc = _token_el(signer.sign_enveloped(DOC))
    enc.text = other.text
    result = XadesVerifier([pki.ca_pem]).verify(etree.tostring(root))
    assert result.verdict is Verdict.TOTAL_FAILED
    assert any("HASH_FAILURE" in r for r in result.reasons)


def test_garbage_timestamp_fails(pki: DemoPki, tsa: tuple[str, Tsa]) -> None:
    signer = Pkcs12Signer(pki.eseal_p12, pki.password, tsa=TsaClient(tsa[0]))
    root, enc = _token_el(signer.sign_enveloped(DOC))
    enc.text = base64.b64encode(b"\x30\x03\x02\x01\x01").decode()
    assert XadesVerifier([pki.ca_pem]).verify(etree.tostring(root)).verdict is Verdict.TOTAL_FAILED


def test_untrusted_tsa_is_indeterminate(pki: DemoPki, tsa: tuple[str, Tsa], tmp_path: Path) -> None:
    other = create_demo_pki(tmp_path, "Inny", b"pw", key_type="ec")
    signed = Pkcs12Signer(pki.eseal_p12, pki.password, tsa=TsaClient(tsa[0])).sign_enveloped(DOC)
    result = XadesVerifier([pki.ca_pem], tsa_trust_anchors=[other.ca_pem]).verify(signed)
    assert result.verdict is Verdict.INDETERMINATE
    assert any("time-stamp authority not trusted" in r for r in result.reasons)


def test_tsa_failures_at_signing(pki: DemoPki, tsa: tuple[str, Tsa]) -> None:
    url, service = tsa
    signer = Pkcs12Signer(pki.eseal_p12, pki.password, tsa=TsaClient(url))
    service.refuse = True
    with pytest.raises(TimestampError, match="refused"):
        signer.sign_enveloped(DOC)
    service.refuse, service.wrong_nonce = False, True
    with pytest.raises(TimestampError, match="nonce"):
        signer.sign_enveloped(DOC)
    with pytest.raises(TimestampError):
        Pkcs12Signer(pki.eseal_p12, pki.password, tsa=TsaClient("http://127.0.0.1:9/tsa")).sign_enveloped(DOC)


def test_expired_certificate_with_poe(pki: DemoPki, tsa_keys: tuple[x509.Certificate, object]) -> None:
    """A seal valid in 2024 only: passes today only thanks to a 2024 signature time-stamp."""
    when = dt.datetime(2024, 9, 1, 12, tzinfo=dt.UTC)
    cert, key = pki.issue_eseal(
        "Urząd 2024",
        not_before=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    p12 = pki.pkcs12_bytes(cert, key)
    plain = Pkcs12Signer(p12, pki.password, clock=lambda: when).sign_enveloped(DOC)
    no_poe = XadesVerifier([pki.ca_pem]).verify(plain)
    assert no_poe.verdict is Verdict.INDETERMINATE
    assert any("OUT_OF_BOUNDS_NO_POE" in r for r in no_poe.reasons)

    service = Tsa(tsa_keys[0], tsa_keys[1], chain=[pki.intermediate_cert], clock=lambda: when)
    with http_service(service.handle) as url:
        stamped = Pkcs12Signer(p12, pki.password, clock=lambda: when, tsa=TsaClient(url)).sign_enveloped(DOC)
    result = XadesVerifier([pki.ca_pem]).verify(stamped)
    assert result.verdict is Verdict.TOTAL_PASSED, result.reasons
    assert "proof of existence" in str(result.signatures[0].details["validation_time"])


def test_not_yet_valid_certificate(pki: DemoPki) -> None:
    cert, key = pki.issue_eseal(
        "Urząd przyszły",
        not_before=dt.datetime(2039, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2040, 1, 1, tzinfo=dt.UTC),
    )
    signed = Pkcs12Signer(pki.pkcs12_bytes(cert, key), pki.password).sign_enveloped(DOC)
    result = XadesVerifier([pki.ca_pem]).verify(signed)
    assert result.verdict is Verdict.INDETERMINATE
    assert any("NOT_YET_VALID" in r for r in result.reasons)


# --- OCSP -------------------------------------------------------------------------------------


@pytest.fixture()
def ocsp_responder(pki: DemoPki) -> Iterator[tuple[str, OcspResponder]]:
    responder = OcspResponder(pki.intermediate_cert, pki.intermediate_key)
    with http_service(responder.handle) as url:
        yield url, responder


def test_ocsp_good_revoked_cached(pki: DemoPki, ocsp_responder: tuple[str, OcspResponder]) -> None:
    url, responder = ocsp_responder
    cert, key = pki.issue_eseal("Urząd z OCSP", ocsp_url=url)
    responder.known[cert.serial_number] = cert
    signed = Pkcs12Signer(pki.pkcs12_bytes(cert, key), pki.password).sign_enveloped(DOC)
    checker = OcspChecker()
    verifier = XadesVerifier([pki.ca_pem], revocation=checker)
    good = verifier.verify(signed)
    assert good.verdict is Verdict.TOTAL_PASSED, good.reasons
    assert verifier.verify(signed).passed
    assert responder.requests == 1  # the second verification used the cached answer

    responder.revoked[cert.serial_number] = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    revoked = XadesVerifier([pki.ca_pem], revocation=OcspChecker()).verify(signed)
    assert revoked.verdict is Verdict.INDETERMINATE  # REVOKED_NO_POE: a B-level signature
    assert any(r.startswith("REVOKED") for r in revoked.reasons)
    # revoked after the (past) validation time: still good then
    earlier = XadesVerifier(
        [pki.ca_pem], revocation=OcspChecker(), validation_time=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    ).verify(signed)
    assert earlier.verdict is Verdict.TOTAL_PASSED, earlier.reasons


def test_ocsp_delegated_and_forged(pki: DemoPki) -> None:
    responder_cert, responder_key = pki.issue_service("ezd OCSP", ExtendedKeyUsageOID.OCSP_SIGNING)
    responder = OcspResponder(
        pki.intermediate_cert, pki.intermediate_key, responder=(responder_cert, responder_key)
    )
    with http_service(responder.handle) as url:
        cert, key = pki.issue_eseal("Urząd delegowany", ocsp_url=url)
        responder.known[cert.serial_number] = cert
        signed = Pkcs12Signer(pki.pkcs12_bytes(cert, key), pki.password).sign_enveloped(DOC)
        assert XadesVerifier([pki.ca_pem], revocation=OcspChecker()).verify(signed).passed
        # a responder key the CA never authorised: the answer is ignored (status unknown)
        _, rogue_key = pki.issue_eseal("Rogue")
        responder.forge_with = rogue_key
        forged = XadesVerifier([pki.ca_pem], revocation=OcspChecker()).verify(signed)
        assert forged.verdict is Verdict.INDETERMINATE
        assert any("TRY_LATER" in r for r in forged.reasons)


def test_ocsp_unknown_falls_back_to_nothing(pki: DemoPki, ocsp_responder: tuple[str, OcspResponder]) -> None:
    url, _ = ocsp_responder
    cert, key = pki.issue_eseal("Urząd nieznany", ocsp_url=url)  # responder does not know it
    signed = Pkcs12Signer(pki.pkcs12_bytes(cert, key), pki.password).sign_enveloped(DOC)
    result = XadesVerifier([pki.ca_pem], revocation=RevocationChain([OcspChecker(), CrlChecker()])).verify(
        signed
    )
    assert result.verdict is Verdict.INDETERMINATE


# --- EPES ------------------------------------------------------------------------------------


def test_epes_policy_digest_checked(pki: DemoPki) -> None:
    policy_doc = b"Polityka podpisu ezd v1"
    policy = XAdESSignaturePolicy(
        Identifier="urn:oid:1.3.6.1.4.1.99999.2.1",
        Description="Polityka podpisu ezd",
        DigestMethod=DigestAlgorithm.SHA256,
        DigestValue=base64.b64encode(hashlib.sha256(policy_doc).digest()).decode(),
    )
    signed = Pkcs12Signer(pki.eseal_p12, pki.password, signature_policy=policy).sign_enveloped(DOC)
    ident = "urn:oid:1.3.6.1.4.1.99999.2.1"
    ok = XadesVerifier([pki.ca_pem], policies={ident: policy_doc}).verify(signed)
    assert ok.passed, ok.reasons
    assert ok.signatures[0].details["policy_checked"] is True
    bad = XadesVerifier([pki.ca_pem], policies={ident: b"other"}).verify(signed)
    assert bad.verdict is Verdict.INDETERMINATE  # POLICY_PROCESSING_ERROR (EN 319 102-1 Table 5)
    assert bad.signatures[0].subindication == "POLICY_PROCESSING_ERROR"
    unknown = XadesVerifier([pki.ca_pem], policies={"urn:x": b""}).verify(signed)
    assert unknown.verdict is Verdict.INDETERMINATE


# --- CLI --------------------------------------------------------------------------------------


def test_cli_sign_tsa_and_verify(pki: DemoPki, tsa: tuple[str, Tsa], tmp_path: Path) -> None:
    src = tmp_path / "pismo.xml"
    src.write_bytes(DOC)
    out = tmp_path / "pismo.signed.xml"
    runner = CliRunner()
    res = runner.invoke(
        app,
        ["sign", str(src), "--key", str(pki.eseal_p12), "--tsa", tsa[0], "-o", str(out)],
        env={"EZD_SIGN_PASSWORD": pki.password.decode()},
    )
    assert res.exit_code == 0, res.output
    assert b"EncapsulatedTimeStamp" in out.read_bytes()
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "ca.pem").write_bytes(pki.ca_cert.public_bytes(serialization.Encoding.PEM))
    ok = runner.invoke(app, ["verify", str(out), "--trust", str(trust), "--json", "--offline"])
    assert ok.exit_code == 0, ok.output
    assert '"status": "valid"' in ok.output
    bad = runner.invoke(
        app,
        ["sign", str(src), "--key", str(pki.eseal_p12), "--tsa", "http://127.0.0.1:9/", "-o", str(out)],
        env={"EZD_SIGN_PASSWORD": pki.password.decode()},
    )
    # the sub-app lets the error through; the ezd entry point (ezd.cli.errors) makes it one line, exit 2
    assert isinstance(bad.exception, TimestampError), bad.output
    line = user_error_line(bad.exception)
    assert line is not None and "\n" not in line and "unreachable" in line
