"""XAdES-T: a SignatureTimeStamp over the canonicalised ``ds:SignatureValue`` (ETSI EN 319 132-1 §5.3).

Independent of where the key lives: any signer's XAdES-BES output can be upgraded with
:func:`add_signature_timestamp`, given a TSA callable ``data -> RFC 3161 token`` (e.g.
:class:`ezd.signatures.tsp.TsaClient`).  The timestamp goes into
``QualifyingProperties/UnsignedProperties/UnsignedSignatureProperties/SignatureTimeStamp`` with the
canonicalisation method used and the token in ``xades:EncapsulatedTimeStamp``; unsigned properties
are outside the signed data, so the XAdES-BES signature stays valid.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable

from lxml import etree

from ezd import xmlsafe
from ezd.signatures.errors import SigningError

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
NS = {"ds": DS, "xades": XADES}
C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
# c14n 1.1 differs from 1.0 only for xml:id/xml:base/xml:lang inheritance, which a
# ds:SignatureValue (text-only element) does not have: the 1.0 output is identical.
_C14N = {
    C14N_10: (False, False),
    C14N_10 + "#WithComments": (False, True),
    "http://www.w3.org/2006/12/xml-c14n11": (False, False),
    "http://www.w3.org/2006/12/xml-c14n11#WithComments": (False, True),
    EXC_C14N: (True, False),
    EXC_C14N + "WithComments": (True, True),
}
SIGNATURE_TIMESTAMP_PATH = (
    "ds:Object/xades:QualifyingProperties/xades:UnsignedProperties/"
    "xades:UnsignedSignatureProperties/xades:SignatureTimeStamp"
)

Tsa = Callable[[bytes], bytes]


def timestamp_input(signature: etree._Element, algorithm: str | None) -> bytes:
    """The bytes a SignatureTimeStamp covers: c14n of this signature's ds:SignatureValue."""
    sv = signature.find("ds:SignatureValue", NS)
    if sv is None:
        raise ValueError("ds:SignatureValue missing")
    alg = algorithm or C14N_10  # XAdES: absent CanonicalizationMethod means c14n 1.0
    if alg not in _C14N:
        raise ValueError(f"unsupported time-stamp canonicalization {alg}")
    exclusive, comments = _C14N[alg]
    return etree.tostring(sv, method="c14n", exclusive=exclusive, with_comments=comments)


def _stamp(sig: etree._Element, tsa: Tsa, algorithm: str) -> None:
    qp = sig.find("ds:Object/xades:QualifyingProperties", NS)
    if qp is None:
        raise SigningError("not a XAdES signature (no QualifyingProperties)")
    up = qp.find("xades:UnsignedProperties", NS)
    if up is None:
        up = etree.SubElement(qp, f"{{{XADES}}}UnsignedProperties")
    usp = up.find("xades:UnsignedSignatureProperties", NS)
    if usp is None:
        usp = etree.SubElement(up, f"{{{XADES}}}UnsignedSignatureProperties")
    token = tsa(timestamp_input(sig, algorithm))
    ts = etree.SubElement(usp, f"{{{XADES}}}SignatureTimeStamp", Id=f"TS-{uuid.uuid4()}")
    etree.SubElement(ts, f"{{{DS}}}CanonicalizationMethod", Algorithm=algorithm)
    etree.SubElement(ts, f"{{{XADES}}}EncapsulatedTimeStamp").text = base64.b64encode(token).decode()


def add_signature_timestamp(xml: bytes, tsa: Tsa, *, algorithm: str = EXC_C14N) -> bytes:
    """Upgrade every top-level XAdES signature in ``xml`` (enveloped or detached) to XAdES-T.

    Raises :class:`ezd.signatures.errors.TimestampError` when the TSA fails and
    :class:`SigningError` when ``xml`` holds no XAdES signature.
    """
    root = xmlsafe.parse(xml)
    sigs = [
        s
        for s in root.iter(f"{{{DS}}}Signature")
        if not any(a.tag == f"{{{DS}}}Signature" for a in s.iterancestors())
    ]
    if not sigs:
        raise SigningError("no ds:Signature to time-stamp")
    for sig in sigs:
        _stamp(sig, tsa, algorithm)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


__all__ = ["SIGNATURE_TIMESTAMP_PATH", "add_signature_timestamp", "timestamp_input"]
