"""Signature-wrapping attacks: unsigned data must never show up in ``signed_root``."""

from __future__ import annotations

import copy

import pytest
from lxml import etree
from signxml import SignatureMethod, methods
from signxml.xades import XAdESSigner

from ezd.signatures import Pkcs12Signer, Verdict, XadesVerifier
from ezd.signatures.pki import DemoPki

DS = "http://www.w3.org/2000/09/xmldsig#"
NS = "urn:ezd:test"
EVIL = "1000000"


def _id_signed(pki: DemoPki) -> etree._Element:
    """<Koperta> whose signature covers only <Dane Id="dane"> (a common real-world layout)."""
    doc = etree.fromstring(
        f"<Koperta xmlns='{NS}'><Dane Id='dane'><Kwota>100</Kwota></Dane></Koperta>".encode()
    )
    signer = XAdESSigner(method=methods.enveloped, signature_algorithm=SignatureMethod.RSA_SHA256)
    return signer.sign(
        doc, key=pki.eseal_key, cert=[pki.eseal_cert, pki.intermediate_cert], reference_uri="#dane"
    )


def _text(el: etree._Element | None) -> bytes:
    assert el is not None
    return etree.tostring(el)


def test_id_reference_baseline(pki: DemoPki, verifier: XadesVerifier) -> None:
    result = verifier.verify(etree.tostring(_id_signed(pki)))
    assert result.verdict is Verdict.TOTAL_PASSED, result.reasons
    assert result.signed_root is not None
    assert result.signed_root.tag == f"{{{NS}}}Dane"
    assert result.signed_root.findtext(f"{{{NS}}}Kwota") == "100"


def test_unsigned_sibling_with_business_data(pki: DemoPki, verifier: XadesVerifier) -> None:
    doc = _id_signed(pki)
    evil = etree.SubElement(doc, f"{{{NS}}}Kwota")
    evil.text = EVIL
    doc.insert(0, evil)
    result = verifier.verify(etree.tostring(doc))
    # the signature is still valid for what it covers, but the extra data is not in signed_root
    assert result.verdict is Verdict.TOTAL_PASSED
    assert EVIL.encode() not in _text(result.signed_root)


def test_signed_element_moved_and_replaced(pki: DemoPki, verifier: XadesVerifier) -> None:
    doc = _id_signed(pki)
    original = doc.find(f"{{{NS}}}Dane")
    assert original is not None
    # classic XSW: the signed element is hidden in a wrapper, an attacker's copy takes its place
    wrapper = etree.SubElement(doc, f"{{{NS}}}Archiwum")
    doc.remove(original)
    wrapper.append(original)
    forged = etree.Element(f"{{{NS}}}Dane")
    etree.SubElement(forged, f"{{{NS}}}Kwota").text = EVIL
    doc.insert(0, forged)
    result = verifier.verify(etree.tostring(doc))
    assert EVIL.encode() not in (
        etree.tostring(result.signed_root) if result.signed_root is not None else b""
    )
    if result.signed_root is not None:
        assert result.signed_root.findtext(f"{{{NS}}}Kwota") == "100"


def test_signed_element_duplicated(pki: DemoPki, verifier: XadesVerifier) -> None:
    doc = _id_signed(pki)
    original = doc.find(f"{{{NS}}}Dane")
    assert original is not None
    forged = copy.deepcopy(original)
    forged_kwota = forged.find(f"{{{NS}}}Kwota")
    assert forged_kwota is not None
    forged_kwota.text = EVIL
    doc.insert(0, forged)  # two elements with Id="dane"
    result = verifier.verify(etree.tostring(doc))
    assert result.verdict is not Verdict.TOTAL_PASSED  # INDETERMINATE/SIGNED_DATA_NOT_FOUND
    assert result.signed_root is None
    assert any("SIGNED_DATA_NOT_FOUND" in r or "HASH_FAILURE" in r for r in result.reasons), result.reasons


def test_reference_to_id_elsewhere(pki: DemoPki, verifier: XadesVerifier) -> None:
    """Signature over a harmless element; the business document beside it is unsigned."""
    doc = _id_signed(pki)
    dane = doc.find(f"{{{NS}}}Dane")
    assert dane is not None
    # attacker reuses the signed <Dane> as a decoy inside a different envelope
    new = etree.Element(f"{{{NS}}}Koperta")
    etree.SubElement(new, f"{{{NS}}}Decyzja").text = EVIL
    holder = etree.SubElement(new, f"{{{NS}}}Zalaczniki")
    holder.append(copy.deepcopy(dane))
    sig = doc.find(f"{{{DS}}}Signature")
    assert sig is not None
    new.append(copy.deepcopy(sig))
    result = verifier.verify(etree.tostring(new))
    assert result.signed_root is None or EVIL.encode() not in etree.tostring(result.signed_root)
    if result.signed_root is not None:
        assert result.signed_root.tag == f"{{{NS}}}Dane"


def test_whole_document_signature_rejects_added_data(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    doc = etree.fromstring(signer.sign_enveloped(f"<P xmlns='{NS}'><Kwota>100</Kwota></P>".encode()))
    etree.SubElement(doc, f"{{{NS}}}Kwota").text = EVIL
    result = verifier.verify(etree.tostring(doc))
    assert result.verdict is Verdict.TOTAL_FAILED
    assert result.signed_root is None


def test_comment_injection_does_not_truncate_signed_text(
    signer: Pkcs12Signer, verifier: XadesVerifier
) -> None:
    """SAML-style attack: a comment splits a text node; naive .text would read only '1'."""
    signed = signer.sign_enveloped(f"<P xmlns='{NS}'><Kwota>100</Kwota></P>".encode())
    attacked = signed.replace(b"<Kwota>100</Kwota>", b"<Kwota>1<!---->00</Kwota>")
    assert attacked != signed
    result = verifier.verify(attacked)
    assert result.verdict is Verdict.TOTAL_PASSED  # comments are outside URI="" by definition
    assert result.signed_root is not None
    assert result.signed_root.findtext(f"{{{NS}}}Kwota") == "100"


@pytest.mark.parametrize("where", ["first", "nested"])
def test_second_forged_signature_does_not_help(
    pki: DemoPki, signer: Pkcs12Signer, verifier: XadesVerifier, where: str
) -> None:
    signed = etree.fromstring(signer.sign_enveloped(f"<P xmlns='{NS}'><Kwota>100</Kwota></P>".encode()))
    sig = signed[-1]
    forged = copy.deepcopy(sig)
    sv = forged.find(f"{{{DS}}}SignatureValue")
    assert sv is not None
    sv.text = "AAAA"
    if where == "first":
        signed.insert(0, forged)
    else:
        kw = signed.find(f"{{{NS}}}Kwota")
        assert kw is not None
        kw.append(forged)
    result = verifier.verify(etree.tostring(signed))
    assert result.verdict is Verdict.TOTAL_FAILED
    assert result.signed_root is None
