from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from ezd.signatures import (
    Pkcs12Signer,
    Signer,
    SignerKeyError,
    Verdict,
    Verifier,
    XadesVerifier,
    create_demo_pki,
)
from ezd.signatures.pki import DemoPki

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
DOC = "<Pismo xmlns='urn:ezd:test'><Znak>OR.6220.1.2025</Znak><Kwota>100</Kwota><Tresc>Zażółć</Tresc></Pismo>"
DOC_BYTES = DOC.encode()


def test_protocols(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    assert isinstance(signer, Signer)
    assert isinstance(verifier, Verifier)
    assert "Starostwo Powiatowe" in signer.subject
    assert signer.certificate_pem.startswith(b"-----BEGIN CERTIFICATE-----")


def test_sign_then_verify_passes(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    signed = signer.sign_enveloped(DOC_BYTES)
    root = etree.fromstring(signed)
    assert root[-1].tag == f"{{{DS}}}Signature", "ds:Signature must be the root's last child"
    props = root[-1].find(f".//{{{XADES}}}SignedSignatureProperties")
    assert props is not None
    assert props.find(f"{{{XADES}}}SigningTime") is not None
    assert props.find(f"{{{XADES}}}SigningCertificateV2") is not None

    result = verifier.verify(signed)
    assert result.verdict is Verdict.TOTAL_PASSED, result.reasons
    assert result.passed
    assert result.signed_root is not None
    assert result.signed_root.findtext("{urn:ezd:test}Kwota") == "100"
    assert result.signed_root.find(f".//{{{DS}}}Signature") is None, "signed_root excludes the signature"
    rep = result.signatures[0]
    assert rep.crypto_valid
    assert rep.signer_subject and "Świdniku" in rep.signer_subject
    assert rep.signing_time
    assert rep.details["qc"] == {
        "present": True, "QcCompliance": True, "QcSSCD": True, "QcType": ["eseal"], "other": [],
    }  # fmt: skip
    assert len(rep.details["chain"]) == 3  # type: ignore[arg-type]


def test_ec_keys_sign_and_verify(tmp_path: Path) -> None:
    pki = create_demo_pki(tmp_path, "Urząd Gminy Testowo", b"pw", key_type="ec")
    signed = Pkcs12Signer(pki.eseal_p12, b"pw").sign_enveloped(DOC_BYTES)
    assert b"ecdsa-sha256" in signed
    assert XadesVerifier([pki.ca_pem]).verify(signed).verdict is Verdict.TOTAL_PASSED


def test_key_is_loaded_once(pki: DemoPki, monkeypatch: pytest.MonkeyPatch) -> None:
    import ezd.signatures.pkcs12 as mod

    calls = []
    real = mod.pkcs12.load_key_and_certificates

    def counting(*a: object, **k: object) -> object:
        calls.append(1)
        return real(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(mod.pkcs12, "load_key_and_certificates", counting)
    s = Pkcs12Signer(pki.eseal_p12.read_bytes(), pki.password)
    for _ in range(3):
        s.sign_enveloped(DOC_BYTES)
    assert len(calls) == 1


def test_wrong_password(pki: DemoPki) -> None:
    with pytest.raises(SignerKeyError):
        Pkcs12Signer(pki.eseal_p12, b"zle-haslo")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"<Kwota>100</Kwota>", b"<Kwota>900</Kwota>"),  # business data
        (b"OR.6220.1.2025", b"OR.6220.2.2025"),
    ],
)
def test_tampered_content_fails(
    signer: Pkcs12Signer, verifier: XadesVerifier, old: bytes, new: bytes
) -> None:
    signed = signer.sign_enveloped(DOC_BYTES)
    assert old in signed
    result = verifier.verify(signed.replace(old, new))
    assert result.verdict is Verdict.TOTAL_FAILED
    assert result.signed_root is None
    assert any(r.startswith("HASH_FAILURE") for r in result.reasons), result.reasons


def test_tampered_signed_properties_fail(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    signed = signer.sign_enveloped(DOC_BYTES)
    root = etree.fromstring(signed)
    st = root.find(f".//{{{XADES}}}SigningTime")
    assert st is not None
    st.text = "2020-01-01T00:00:00Z"
    result = verifier.verify(etree.tostring(root))
    assert result.verdict is Verdict.TOTAL_FAILED
    assert any("HASH_FAILURE" in r for r in result.reasons)


def test_tampered_signature_value_fails(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    root = etree.fromstring(signer.sign_enveloped(DOC_BYTES))
    sv = root.find(f".//{{{DS}}}SignatureValue")
    assert sv is not None and sv.text
    sv.text = ("A" if sv.text[0] != "A" else "B") + sv.text[1:]
    result = verifier.verify(etree.tostring(root))
    assert result.verdict is Verdict.TOTAL_FAILED
    assert any(r.startswith("SIG_CRYPTO_FAILURE") for r in result.reasons)


def test_unsigned_document(verifier: XadesVerifier) -> None:
    result = verifier.verify(DOC_BYTES)
    assert result.verdict is Verdict.TOTAL_FAILED
    assert result.reasons == ("no signature",)
    assert result.signed_root is None


def test_untrusted_chain_is_indeterminate(signer: Pkcs12Signer, tmp_path: Path) -> None:
    signed = signer.sign_enveloped(DOC_BYTES)
    other = create_demo_pki(tmp_path, "Inny Urząd", b"pw", key_type="ec")
    for v in (XadesVerifier([]), XadesVerifier([other.ca_pem])):
        result = v.verify(signed)
        assert result.verdict is Verdict.INDETERMINATE
        assert result.signatures[0].crypto_valid
        assert any(r.startswith("NO_CERTIFICATE_CHAIN_FOUND") for r in result.reasons)


def test_intermediate_as_anchor_is_enough(pki: DemoPki, signer: Pkcs12Signer) -> None:
    assert XadesVerifier([pki.intermediate_pem]).verify(signer.sign_enveloped(DOC_BYTES)).passed


def test_expired_certificate_not_passed(pki: DemoPki, verifier: XadesVerifier) -> None:
    cert, key = pki.issue_eseal(
        "Urząd Wygasły",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    )
    s = Pkcs12Signer(pki.pkcs12_bytes(cert, key), pki.password)
    result = verifier.verify(s.sign_enveloped(DOC_BYTES))
    assert result.verdict is not Verdict.TOTAL_PASSED
    assert result.verdict is Verdict.INDETERMINATE
    assert any("OUT_OF_BOUNDS_NO_POE" in r for r in result.reasons)


def test_validation_time_after_expiry(pki: DemoPki, signer: Pkcs12Signer) -> None:
    later = XadesVerifier([pki.ca_pem], validation_time=dt.datetime(2041, 1, 1, tzinfo=dt.UTC))
    assert later.verify(signer.sign_enveloped(DOC_BYTES)).verdict is Verdict.INDETERMINATE


def test_detached_signature(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    pdf = b"%PDF-1.7\n\x00\x01binary"
    sig = signer.sign_detached(pdf, uri="pismo.pdf", mime_type="application/pdf")
    assert verifier.verify_detached(sig, pdf).verdict is Verdict.TOTAL_PASSED
    assert verifier.verify_detached(sig, {"pismo.pdf": pdf}).passed
    bad = verifier.verify_detached(sig, pdf + b"!")
    assert bad.verdict is Verdict.TOTAL_FAILED
    assert any(r.startswith("HASH_FAILURE") for r in bad.reasons)
    missing = verifier.verify(sig)
    assert missing.verdict is Verdict.INDETERMINATE
    assert any(r.startswith("SIGNED_DATA_NOT_FOUND") for r in missing.reasons)
