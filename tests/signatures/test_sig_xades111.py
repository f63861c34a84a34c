"""XAdES v1.1.1 signed properties (signatures/xades111.py), signed by libxmlsec1 (python-xmlsec):
the Austrian layout (the reference names the ds:Object, an XPath Filter 2.0 keeps the
SignedProperties) and the plain one (the reference names the SignedProperties by Id)."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree

from ezd.signatures import Verdict, XadesVerifier
from ezd.signatures.certs import cert_digest
from ezd.signatures.pki import DemoPki

DS = "http://www.w3.org/2000/09/xmldsig#"
ETSI = "http://uri.etsi.org/01903/v1.1.1#"
F2 = "http://www.w3.org/2002/06/xmldsig-filter2"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"


def _sign_111(pki: DemoPki, *, by_object: bool, cert_digest_value: bytes | None = None) -> bytes:
    xmlsec = pytest.importorskip("xmlsec")
    root = etree.fromstring(b'<Pismo xmlns="urn:ezd:test"><Tresc>Decyzja nr 7</Tresc></Pismo>')
    sig = xmlsec.template.create(
        root, xmlsec.constants.TransformExclC14N, xmlsec.constants.TransformRsaSha256, ns="ds"
    )
    sig.set("Id", "S1")
    root.append(sig)
    ref = xmlsec.template.add_reference(sig, xmlsec.constants.TransformSha256, uri="")
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformEnveloped)
    uri = "#O1" if by_object else "#SP1"
    sp_ref = xmlsec.template.add_reference(
        sig, xmlsec.constants.TransformSha256, uri=uri, type=f"{ETSI}SignedProperties"
    )
    if by_object:
        t = xmlsec.template.add_transform(sp_ref, xmlsec.constants.TransformXPath2)
        xp = etree.SubElement(t, f"{{{F2}}}XPath", Filter="intersect", nsmap={"xf2": F2, "etsi": ETSI})
        xp.text = "/descendant::etsi:SignedProperties"
    xmlsec.template.add_transform(sp_ref, xmlsec.constants.TransformInclC14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(sig))
    obj = etree.SubElement(sig, f"{{{DS}}}Object", Id="O1")
    e = lambda parent, name: etree.SubElement(parent, f"{{{ETSI}}}{name}")  # noqa: E731
    qp = etree.SubElement(obj, f"{{{ETSI}}}QualifyingProperties", Target="#S1", nsmap={"etsi": ETSI})
    sp = e(qp, "SignedProperties")
    sp.set("Id", "SP1")
    ssp = e(sp, "SignedSignatureProperties")
    e(ssp, "SigningTime").text = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    cd = e(e(e(ssp, "SigningCertificate"), "Cert"), "CertDigest")
    e(cd, "DigestMethod").set("Algorithm", SHA256)
    digest = cert_digest_value or cert_digest(pki.eseal_cert, "sha256")
    e(cd, "DigestValue").text = base64.b64encode(digest).decode()
    iss = e(etree.SubElement(cd.getparent(), f"{{{ETSI}}}IssuerSerial"), "_").getparent()
    iss.remove(iss[0])
    etree.SubElement(iss, f"{{{DS}}}X509IssuerName").text = pki.eseal_cert.issuer.rfc4514_string()
    etree.SubElement(iss, f"{{{DS}}}X509SerialNumber").text = str(pki.eseal_cert.serial_number)
    for el in (sig, obj, sp):
        xmlsec.tree.add_ids(el, ["Id"])
    ctx = xmlsec.SignatureContext()
    pem = pki.eseal_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    ctx.key = xmlsec.Key.from_memory(pem, xmlsec.constants.KeyDataFormatPem, None)
    ctx.key.load_cert_from_memory(
        pki.eseal_cert.public_bytes(serialization.Encoding.PEM), xmlsec.constants.KeyDataFormatPem
    )
    ctx.key.load_cert_from_memory(  # the path to the trust anchor goes in KeyInfo too
        pki.intermediate_cert.public_bytes(serialization.Encoding.PEM), xmlsec.constants.KeyDataFormatPem
    )
    ctx.sign(sig)
    return etree.tostring(root)


@pytest.mark.parametrize("by_object", [False, True], ids=["by-id", "object-filter2"])
def test_xades_111_signed_properties_are_read(pki: DemoPki, verifier: XadesVerifier, by_object: bool) -> None:
    result = verifier.verify(_sign_111(pki, by_object=by_object))
    assert result.verdict is Verdict.TOTAL_PASSED, result.reasons
    sig = result.signatures[0]
    assert sig.signing_time and sig.details["signing_certificate_digest"] == "match"
    assert (
        result.signed_root is not None
        and result.signed_root.findtext("{urn:ezd:test}Tresc") == "Decyzja nr 7"
    )


def test_xades_111_wrong_signing_certificate(pki: DemoPki, verifier: XadesVerifier) -> None:
    result = verifier.verify(_sign_111(pki, by_object=True, cert_digest_value=b"\0" * 32))
    assert result.signatures[0].subindication == "NO_SIGNING_CERTIFICATE_FOUND", result.reasons


def test_xades_111_properties_changed_after_signing(pki: DemoPki, verifier: XadesVerifier) -> None:
    signed = _sign_111(pki, by_object=True)
    year = dt.datetime.now(dt.UTC).year
    result = verifier.verify(signed.replace(f"<etsi:SigningTime>{year}".encode(), b"<etsi:SigningTime>2001"))
    assert result.verdict is Verdict.TOTAL_FAILED
    assert any(r.startswith("HASH_FAILURE") for r in result.reasons), result.reasons
