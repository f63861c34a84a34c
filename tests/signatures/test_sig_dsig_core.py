"""ezd's own XMLDSig core (signatures/dsig.py): same verdicts as signxml, one parse, no side effects."""

from __future__ import annotations

import base64
import copy
from pathlib import Path

import pytest
from lxml import etree
from signxml import SignatureMethod, methods
from signxml.xades import XAdESSigner

from ezd import xmlsafe
from ezd.signatures import Pkcs12Signer, Verdict, XadesVerifier, create_demo_pki
from ezd.signatures.dsig import IdIndex, Refusal
from ezd.signatures.pki import DemoPki

DS = "http://www.w3.org/2000/09/xmldsig#"
NS = "urn:ezd:test"


def _engine(result: object) -> list[object]:
    return [s.details.get("engine", "ezd") for s in result.signatures]  # type: ignore[attr-defined]


def test_own_signatures_take_the_fast_path(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    result = verifier.verify(signer.sign_enveloped(f"<P xmlns='{NS}'><K>1</K></P>".encode()))
    assert result.passed, result.reasons
    assert _engine(result) == ["ezd"]


@pytest.mark.parametrize("digest", ["sha256", "sha512"])
def test_ec_signature_fast_path(tmp_path: Path, digest: str) -> None:
    pki = create_demo_pki(tmp_path, "Urząd Gminy EC", b"pw", key_type="ec")
    signed = Pkcs12Signer(pki.eseal_p12, b"pw", digest=digest).sign_enveloped(b"<P><K>1</K></P>")
    result = XadesVerifier([pki.ca_pem]).verify(signed)
    assert result.passed, result.reasons
    assert _engine(result) == ["ezd"]
    # ECDSA r||s of the wrong length is a failed signature, not an exception
    root = etree.fromstring(signed)
    sv = root.find(f".//{{{DS}}}SignatureValue")
    assert sv is not None
    sv.text = base64.b64encode(base64.b64decode(sv.text or "") + b"\0").decode()
    bad = XadesVerifier([pki.ca_pem]).verify(etree.tostring(root))
    assert bad.verdict is Verdict.TOTAL_FAILED
    assert any(r.startswith("SIG_CRYPTO_FAILURE") for r in bad.reasons), bad.reasons


def test_verification_leaves_the_tree_untouched(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    """The enveloped transform is done by cutting canonical bytes; the parsed tree must not change
    (a later signature or counter-signature of the same document is canonicalized from it)."""
    signed = signer.sign_enveloped(f"<P xmlns='{NS}'>a<K>1</K>b</P>".encode())
    root = xmlsafe.parse(signed)
    before = etree.tostring(root)
    result = verifier._verify_tree(root, None)
    assert result.passed, result.reasons
    assert etree.tostring(root) == before


def test_signature_between_text_nodes(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    """Enveloped-signature removes the element but keeps the text around it."""
    signed = etree.fromstring(signer.sign_enveloped(b"<P>hello world<K/></P>"))
    sig = signed[-1]
    signed.remove(sig)
    signed.text = "hello "
    sig.tail = "world"
    signed.insert(0, sig)
    result = verifier.verify(etree.tostring(signed))
    assert result.passed, result.reasons
    assert result.signed_root is not None
    assert result.signed_root.text == "hello world"
    # the same move with different text is detected
    sig.tail = "WORLD"
    assert verifier.verify(etree.tostring(signed)).verdict is Verdict.TOTAL_FAILED


def test_key_value_must_match_certificate(
    pki: DemoPki, signer: Pkcs12Signer, verifier: XadesVerifier
) -> None:
    root = etree.fromstring(signer.sign_enveloped(b"<P><K>1</K></P>"))
    modulus = root.find(f".//{{{DS}}}KeyValue/{{{DS}}}RSAKeyValue/{{{DS}}}Modulus")
    assert modulus is not None, "signxml writes a KeyValue beside X509Data"
    other = create_demo_pki(Path(pki.eseal_p12).parent / "other", "Inny", b"pw")
    n = other.eseal_cert.public_key().public_numbers().n  # type: ignore[union-attr]
    modulus.text = base64.b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).decode()
    # compared with the certificate right after SignatureValue verification (as signxml does)
    result = verifier.verify(etree.tostring(root))
    assert result.verdict is Verdict.TOTAL_FAILED
    assert any("different public keys" in r for r in result.reasons), result.reasons


def test_ids_differing_only_in_attribute_name_are_ambiguous(pki: DemoPki, verifier: XadesVerifier) -> None:
    doc = etree.fromstring(f"<K xmlns='{NS}'><Dane Id='dane'><Kwota>100</Kwota></Dane></K>".encode())
    signed = XAdESSigner(method=methods.enveloped, signature_algorithm=SignatureMethod.RSA_SHA256).sign(
        doc, key=pki.eseal_key, cert=[pki.eseal_cert, pki.intermediate_cert], reference_uri="#dane"
    )
    assert verifier.verify(etree.tostring(signed)).passed
    forged = copy.deepcopy(signed.find(f"{{{NS}}}Dane"))
    assert forged is not None
    del forged.attrib["Id"]
    forged.set("ID", "dane")  # signxml looks up Id first and would not notice this one
    signed.insert(0, forged)
    result = verifier.verify(etree.tostring(signed))
    # EN 319 102-1: signed data that cannot be identified is INDETERMINATE/SIGNED_DATA_NOT_FOUND
    assert result.verdict is Verdict.INDETERMINATE
    assert result.signatures[0].subindication == "SIGNED_DATA_NOT_FOUND"
    assert result.signed_root is None
    assert any("Ambiguous reference" in r for r in result.reasons), result.reasons


def test_id_index() -> None:
    root = etree.fromstring(
        b"<a xmlns:x='urn:x'><b Id='1'/><c x:id='2'/><d ID='3' id='3'/><e Id='4'/><f id='4'/></a>"
    )
    ids = IdIndex(root)
    assert ids.resolve("1").tag == "b"
    assert ids.resolve("2").tag == "c"
    assert ids.resolve("3").tag == "d"  # one element carrying the value twice is not ambiguous
    with pytest.raises(Refusal, match="Ambiguous"):
        ids.resolve("4")
    with pytest.raises(Refusal, match="Unable to resolve"):
        ids.resolve("5")


def test_public_key_only_vector_uses_signxml(reference_dir: Path) -> None:
    result = XadesVerifier([]).verify((reference_dir / "XAdESPublicKeyInKeyInfo.xml").read_bytes())
    assert str(_engine(result)[0]).startswith("signxml")
    assert result.signatures[0].crypto_valid


def test_top_level_processing_instruction(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    """signxml-made signatures digest the root element only: a PI added beside it changes nothing."""
    signed = signer.sign_enveloped(b"<P><K>1</K></P>")
    body = signed.split(b"?>", 1)[1]
    result = verifier.verify(b"<?xml-stylesheet href='a.xsl'?>" + body)
    assert result.passed, result.reasons


def test_top_level_processing_instruction_spec_signer(pki: DemoPki, verifier: XadesVerifier) -> None:
    """libxmlsec1 (like Santuario) digests the whole document for URI="", top-level PIs included."""
    xmlsec = pytest.importorskip("xmlsec")
    from cryptography.hazmat.primitives import serialization

    doc = etree.fromstring(b"<P><K>1</K></P>").getroottree()
    doc.getroot().addprevious(etree.ProcessingInstruction("xml-stylesheet", "href='a.xsl'"))
    root = doc.getroot()
    sig = xmlsec.template.create(
        root, xmlsec.constants.TransformExclC14N, xmlsec.constants.TransformRsaSha256
    )
    root.append(sig)
    ref = xmlsec.template.add_reference(sig, xmlsec.constants.TransformSha256, uri="")
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformEnveloped)
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
    signed = etree.tostring(doc)
    assert signed.startswith(b"<?xml-stylesheet")
    result = verifier.verify(signed)
    assert result.signatures[0].crypto_valid, result.reasons  # plain XMLDSig: not XAdES, so not PASSED
    assert any("XML_NOT_ETSI" in r for r in result.reasons)
    tampered = verifier.verify(signed.replace(b"a.xsl", b"b.xsl"))
    assert tampered.verdict is Verdict.TOTAL_FAILED
    assert any(r.startswith("HASH_FAILURE") for r in tampered.reasons), tampered.reasons


@pytest.mark.parametrize("where", ["second-value", "foreign", "reordered"])
def test_signature_shape_is_enforced(signer: Pkcs12Signer, verifier: XadesVerifier, where: str) -> None:
    """What signxml's schema validation refused: elements we would otherwise read in our own order."""
    root = etree.fromstring(signer.sign_enveloped(b"<P><K>1</K></P>"))
    sig = root[-1]
    sv = sig.find(f"{{{DS}}}SignatureValue")
    assert sv is not None
    if where == "second-value":
        sig.insert(1, copy.deepcopy(sv))
    elif where == "foreign":
        sig.insert(2, etree.Element("{urn:evil}Extra"))
    else:
        sig.remove(sv)
        sig.append(sv)
    result = verifier.verify(etree.tostring(root))
    assert result.verdict is Verdict.TOTAL_FAILED
    assert any(r.startswith("FORMAT_FAILURE") for r in result.reasons), result.reasons


@pytest.mark.parametrize("target", [None, "#someone-else"])
def test_qualifying_properties_must_target_the_signature(
    signer: Pkcs12Signer, verifier: XadesVerifier, target: str | None
) -> None:
    """QualifyingProperties is unsigned: its Target is what ties the signed properties to this
    signature (signxml's XSD validation used to catch a missing one)."""
    root = etree.fromstring(signer.sign_enveloped(b"<P><K>1</K></P>"))
    qp = root.find(f".//{{{DS}}}Object/{{http://uri.etsi.org/01903/v1.3.2#}}QualifyingProperties")
    assert qp is not None and qp.get("Target") == f"#{root[-1].get('Id')}"
    if target is None:
        del qp.attrib["Target"]
    else:
        qp.set("Target", target)
    result = verifier.verify(etree.tostring(root))
    assert result.verdict is Verdict.TOTAL_FAILED  # FORMAT_FAILURE (EN 319 102-1 Table 5)
    assert result.signed_root is None
    assert any("XML_NOT_ETSI" in r for r in result.reasons), result.reasons
