from __future__ import annotations

import pytest

from ezd import xmlsafe
from ezd.signatures import Pkcs12Signer, Verdict, XadesVerifier

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<p>&xxe;</p>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<lolz>&lol3;</lolz>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_verify_rejects_doctype(verifier: XadesVerifier, payload: bytes) -> None:
    result = verifier.verify(payload)
    assert result.verdict is Verdict.TOTAL_FAILED
    assert result.reasons[0].startswith("REJECTED_XML")
    assert result.signed_root is None


def test_verify_rejects_signed_document_with_doctype(signer: Pkcs12Signer, verifier: XadesVerifier) -> None:
    signed = signer.sign_enveloped(b"<p>x</p>")
    body = signed.split(b"?>", 1)[1]
    result = verifier.verify(b'<!DOCTYPE p [<!ENTITY e "x">]>' + body)
    assert result.verdict is Verdict.TOTAL_FAILED


def test_verify_oversize(signer: Pkcs12Signer, pki: object) -> None:
    from ezd.signatures.pki import DemoPki

    assert isinstance(pki, DemoPki)
    small = XadesVerifier([pki.ca_pem], max_bytes=2000)
    signed = signer.sign_enveloped(b"<p>" + b"x" * 5000 + b"</p>")
    result = small.verify(signed)
    assert result.verdict is Verdict.TOTAL_FAILED
    assert "REJECTED_XML" in result.reasons[0]


def test_verify_deep_nesting(verifier: XadesVerifier) -> None:
    deep = b"<a>" * 150 + b"</a>" * 150  # over our cap (100), under libxml2 (256)
    assert verifier.verify(deep).verdict is Verdict.TOTAL_FAILED


def test_malformed_raises(verifier: XadesVerifier) -> None:
    with pytest.raises(xmlsafe.MalformedXML):
        verifier.verify(b"%PDF-1.4 not xml")


def test_signer_refuses_hostile_input(signer: Pkcs12Signer) -> None:
    with pytest.raises(xmlsafe.HostileXML):
        signer.sign_enveloped(XXE)


@pytest.mark.parametrize(
    "garbage",
    [
        b"<p><ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'/></p>",
        b"<p><ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'><ds:SignedInfo/></ds:Signature></p>",
        b"<p><ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'><ds:SignedInfo>"
        b"<ds:CanonicalizationMethod Algorithm='bogus'/><ds:Reference URI=''/></ds:SignedInfo>"
        b"<ds:SignatureValue>!!!</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>bm9wZQ=="
        b"</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature></p>",
        b"<p><ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'><ds:SignedInfo>"
        b"<ds:Reference URI='http://evil.example/x'><ds:Transforms><ds:Transform "
        b"Algorithm='http://www.w3.org/TR/1999/REC-xslt-19991116'/></ds:Transforms></ds:Reference>"
        b"</ds:SignedInfo></ds:Signature></p>",
    ],
)
def test_garbage_signatures_never_raise(verifier: XadesVerifier, garbage: bytes) -> None:
    result = verifier.verify(garbage)
    assert result.verdict is not Verdict.TOTAL_PASSED
    assert result.reasons
    assert result.signed_root is None
