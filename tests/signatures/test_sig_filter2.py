"""XPath Filter 2.0 intersect/union/subtract (signatures/dsig_filter2.py) against an independent
signer, libxmlsec1 (python-xmlsec), and the inclusive c14n of a subtree under a default namespace."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree

from ezd.signatures import Verdict, XadesVerifier
from ezd.signatures.dsig_filter2 import is_safe
from ezd.signatures.dsig_nodes import c14n
from ezd.signatures.pki import DemoPki

F2 = "http://www.w3.org/2002/06/xmldsig-filter2"
DS = "http://www.w3.org/2000/09/xmldsig#"
DOC = (
    b'<Pismo xmlns="urn:ezd:test" xmlns:x="urn:ezd:x"><Tresc><Akapit><Zdanie>podpisane</Zdanie>'
    b"</Akapit></Tresc>\n<Stopka><Linia>stopka</Linia></Stopka>\n<Dopisek>niepodpisany</Dopisek></Pismo>"
)


def _xmlsec_sign(pki: DemoPki, steps: list[tuple[str, str]]) -> bytes:
    xmlsec = pytest.importorskip("xmlsec")
    root = etree.fromstring(DOC)
    sig = xmlsec.template.create(
        root, xmlsec.constants.TransformExclC14N, xmlsec.constants.TransformRsaSha256
    )
    root.append(sig)
    ref = xmlsec.template.add_reference(sig, xmlsec.constants.TransformSha256, uri="")
    transform = xmlsec.template.add_transform(ref, xmlsec.constants.TransformXPath2)
    for flt, expr in steps:
        xp = etree.SubElement(
            transform, f"{{{F2}}}XPath", Filter=flt, nsmap={"f": F2, "t": "urn:ezd:test", "ds": DS}
        )
        xp.text = expr
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformInclC14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(sig))
    ctx = xmlsec.SignatureContext()
    pem = pki.eseal_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    ctx.key = xmlsec.Key.from_memory(pem, xmlsec.constants.KeyDataFormatPem, None)
    ctx.key.load_cert_from_memory(
        pki.eseal_cert.public_bytes(serialization.Encoding.PEM), xmlsec.constants.KeyDataFormatPem
    )
    ctx.sign(sig)
    return etree.tostring(root)


CASES = {
    # name: (steps, text inside the signed node-set, text outside it)
    "intersect": ([("intersect", "//t:Tresc")], b"podpisane", b"stopka"),
    "text-node": ([("intersect", "//t:Zdanie/text()")], b"podpisane", b"stopka"),
    "union-with-text": (
        [("intersect", "//t:Linia/text()"), ("union", "//t:Tresc")],
        b"stopka",
        b"niepodpisany",
    ),
    "intersect-union": ([("intersect", "//t:Tresc"), ("union", "//t:Stopka")], b"stopka", b"niepodpisany"),
    "subtract": (
        [("subtract", "//t:Dopisek"), ("subtract", "/descendant::ds:Signature")],
        b"stopka",
        b"niepodpisany",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_filter2_agrees_with_libxmlsec(pki: DemoPki, verifier: XadesVerifier, name: str) -> None:
    steps, inside, outside = CASES[name]
    signed = _xmlsec_sign(pki, steps)
    result = verifier.verify(signed)
    assert result.signatures[0].crypto_valid, result.reasons  # plain XMLDSig: XML_NOT_ETSI, not PASSED
    assert any("XML_NOT_ETSI" in r for r in result.reasons), result.reasons
    changed_inside = verifier.verify(signed.replace(inside, inside.upper()))
    assert changed_inside.verdict is Verdict.TOTAL_FAILED
    assert any(r.startswith("HASH_FAILURE") for r in changed_inside.reasons), changed_inside.reasons
    changed_outside = verifier.verify(signed.replace(outside, outside.upper()))
    assert changed_outside.signatures[0].crypto_valid, changed_outside.reasons


def test_filter2_selecting_nothing_is_signed_data_not_found(pki: DemoPki, verifier: XadesVerifier) -> None:
    # id() knows IDs from a DTD only, and ezd loads none: as DSS does with Signature-X-AT-1.xml
    signed = _xmlsec_sign(pki, [("intersect", "//t:Brak")])
    result = verifier.verify(signed)
    assert result.signatures[0].subindication == "SIGNED_DATA_NOT_FOUND", result.reasons
    assert result.verdict is Verdict.INDETERMINATE


@pytest.mark.parametrize(
    ("flt", "expr", "safe"),
    [
        ("intersect", "id('signed-data-0')/node()", True),
        ("intersect", "id('refetsi')/etsi:QualifyingProperties/etsi:SignedProperties", True),
        ("union", "/", True),
        ("subtract", "here()/ancestor::ds:Signature[1]", True),
        ("intersect", "//a[count(//*)>1]", False),  # predicates beyond a position are not evaluated
        ("intersect", "//@Id", False),
        ("intersect", "document('http://x/')", False),
        ("xor", "/", False),
    ],
)
def test_filter2_grammar(flt: str, expr: str, safe: bool) -> None:
    assert is_safe(flt, expr) is safe


def test_inclusive_c14n_of_a_subtree_under_a_default_namespace() -> None:
    # lxml 6.2 / libxml2 2.14 render <c xmlns=""> here; the canonical form keeps c in urn:x
    root = etree.fromstring(
        b'<a xmlns:d="urn:d" xml:lang="pl"><o><h xmlns="urn:x"><b><c>t</c></b></h>x</o></a>'
    )
    h = root[0][0]
    assert (
        c14n(h, False, False, None) == b'<h xmlns="urn:x" xmlns:d="urn:d" xml:lang="pl"><b><c>t</c></b></h>'
    )
    assert c14n(h, True, False, None) == b'<h xmlns="urn:x"><b><c>t</c></b></h>'


def test_austrian_plugtest_vector_as_dss(reference_dir: Path) -> None:
    """DSS 6.4: INDETERMINATE / SIGNED_DATA_NOT_FOUND ("the reference data object has not been
    found"): the Filter 2.0 steps start from id('…'), and no DTD declares the Id attributes."""
    result = XadesVerifier([]).verify((reference_dir / "Signature-X-AT-1.xml").read_bytes())
    sig = result.signatures[0]
    assert (sig.indication, sig.subindication) == ("INDETERMINATE", "SIGNED_DATA_NOT_FOUND"), sig.reasons


def test_xpath_transform_of_xmldsig_6_6_3(pki: DemoPki, verifier: XadesVerifier) -> None:
    """The spec's XPath form of enveloped-signature, count(…|here()/…): only this signature goes;
    a second (parallel) signature stays signed data."""
    xmlsec = pytest.importorskip("xmlsec")
    root = etree.fromstring(DOC)
    other = etree.SubElement(root, f"{{{DS}}}Signature")
    other.text = "inny podpis"
    sig = xmlsec.template.create(
        root, xmlsec.constants.TransformExclC14N, xmlsec.constants.TransformRsaSha256
    )
    root.append(sig)
    ref = xmlsec.template.add_reference(sig, xmlsec.constants.TransformSha256, uri="")
    t = xmlsec.template.add_transform(ref, xmlsec.constants.TransformXPath)
    xp = etree.SubElement(t, f"{{{DS}}}XPath", nsmap={"dsig": DS})
    xp.text = (
        "count(ancestor-or-self::dsig:Signature | here()/ancestor::dsig:Signature[1]) > "
        "count(ancestor-or-self::dsig:Signature)"
    )
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(sig))
    ctx = xmlsec.SignatureContext()
    pem = pki.eseal_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    ctx.key = xmlsec.Key.from_memory(pem, xmlsec.constants.KeyDataFormatPem, None)
    ctx.key.load_cert_from_memory(
        pki.eseal_cert.public_bytes(serialization.Encoding.PEM), xmlsec.constants.KeyDataFormatPem
    )
    ctx.sign(sig)
    signed = etree.tostring(root)
    result = verifier.verify(signed)
    assert result.signatures[1].crypto_valid, result.signatures[1].reasons  # [0]: the stand-in
    changed = verifier.verify(signed.replace(b"inny podpis", b"INNY PODPIS"))
    assert any(r.startswith("HASH_FAILURE") for r in changed.signatures[1].reasons), changed.reasons
