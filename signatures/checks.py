"""Checks on one signature's structure and signed properties: the transform policy (only known
transforms, only the XPath expressions ezd evaluates), SigningCertificate(V2), the properties'
target, the claimed signing time, the signature policy (EPES)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Mapping

from cryptography import x509
from lxml import etree
from signxml.algorithms import DigestAlgorithm

from ezd.signatures import dsig, dsig_filter2
from ezd.signatures.certs import cert_digest, der
from ezd.signatures.dsig import Refusal as _Refusal
from ezd.signatures.outcome import DS, NS, XADES, Outcome
from ezd.signatures.port import INDICATION_OF, SubIndication, Verdict, subindication_of
from ezd.signatures.xades111 import QUALIFYING_PROPERTIES, SIGNED_PROPERTIES_111, XADES111

ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
XPATH_TRANSFORM = "http://www.w3.org/TR/1999/REC-xpath-19991116"
C14N_TRANSFORMS = {
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11",
    "http://www.w3.org/2006/12/xml-c14n11#WithComments",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
}
BASE64_TRANSFORM = "http://www.w3.org/2000/09/xmldsig#base64"
ALLOWED_TRANSFORMS = C14N_TRANSFORMS | {ENVELOPED, XPATH_TRANSFORM, BASE64_TRANSFORM, dsig.FILTER2}
# The only XPath filter we emulate: "everything except signatures" (used by DSS-style parallel
# signatures).  Any other expression is refused rather than ignored.
_XPATH_NO_SIGNATURE = "not(ancestor-or-self::{p}:Signature)"
# XMLDSig §6.6.3's own XPath equivalent of the enveloped-signature transform (what libxmlsec1's
# and Santuario's examples, and tools built on them, write): every node but this signature's
_XPATH_NOT_THIS_SIGNATURE = (
    "count(ancestor-or-self::{p}:Signature|here()/ancestor::{p}:Signature[1])"
    ">count(ancestor-or-self::{p}:Signature)"
)


def xpath_form(t: etree._Element) -> str:
    """Which of the two evaluated XPath transforms ``t`` is: "all" signatures removed, or "this"
    one (after :func:`check_transform` accepted it)."""
    xp = t.find("ds:XPath", NS)
    expr = "".join((xp.text or "").split()) if xp is not None else ""
    return "this" if expr.startswith("count(") else "all"


def check_transform(t: etree._Element, *, canonical: bool = False) -> None:
    """Our transform policy: only known transforms, and only the one XPath filter we emulate.

    ``canonical``: ``t`` comes from SignedInfo re-parsed from its exclusive c14n, which drops the
    XPath's prefix declaration (it is not visibly used); an unbound prefix is then accepted, a
    prefix bound to anything but XMLDSig still is not.
    """
    alg = t.get("Algorithm")
    if alg not in ALLOWED_TRANSFORMS:
        raise _Refusal(Verdict.TOTAL_FAILED, f"FORMAT_FAILURE: unsupported transform {alg}")
    if alg == dsig.FILTER2:
        steps = dsig.filter2_steps(t)
        known = dsig.FILTER2_ALL_SIGNATURES | dsig.FILTER2_THIS_SIGNATURE
        for (flt, expr, ns), (_f, raw, _b) in zip(steps, dsig_filter2.steps(t), strict=True):
            if dsig_filter2.is_safe(flt, raw) and not (flt == "subtract" and expr in known):
                continue  # evaluated by ezd.signatures.dsig_filter2 (its grammar bounds the work)
            if flt != "subtract" or expr not in known or not (ns == DS or (canonical and ns is None)):
                raise _Refusal(
                    Verdict.TOTAL_FAILED,
                    f"FORMAT_FAILURE: unsupported XPath Filter 2.0 step {flt} {expr!r}",
                )
        if not steps:
            raise _Refusal(Verdict.TOTAL_FAILED, "FORMAT_FAILURE: empty XPath Filter 2.0 transform")
    if alg == XPATH_TRANSFORM:
        xp = t.find("ds:XPath", NS)
        expr = "".join((xp.text or "").split()) if xp is not None else ""
        nsmap = xp.nsmap if xp is not None else {}
        prefix = (
            expr.removeprefix("not(ancestor-or-self::")
            .removeprefix("count(ancestor-or-self::")
            .partition(":")[0]
        )
        bound = nsmap.get(prefix) if prefix else None
        if not (
            expr in (_XPATH_NO_SIGNATURE.format(p=prefix), _XPATH_NOT_THIS_SIGNATURE.format(p=prefix))
            and (bound == DS or (canonical and prefix not in nsmap))
        ):
            raise _Refusal(Verdict.INDETERMINATE, f"FORMAT_FAILURE: unsupported XPath transform {expr!r}")


def check_canonical_transform(t: etree._Element) -> None:
    check_transform(t, canonical=True)


def check_structure(sig: etree._Element) -> list[etree._Element]:
    """Pre-crypto checks on the untrusted signature; returns its ds:Reference elements."""
    signed_info = sig.find("ds:SignedInfo", NS)
    if signed_info is None:
        raise _Refusal(Verdict.TOTAL_FAILED, "FORMAT_FAILURE: ds:SignedInfo missing")
    if len(sig.findall("ds:SignedInfo", NS)) != 1:
        raise _Refusal(Verdict.TOTAL_FAILED, "FORMAT_FAILURE: more than one ds:SignedInfo")
    refs = signed_info.findall("ds:Reference", NS)
    if not refs:
        raise _Refusal(Verdict.TOTAL_FAILED, "SIGNED_DATA_NOT_FOUND: no ds:Reference")
    for ref in refs:
        for t in ref.findall("ds:Transforms/ds:Transform", NS):
            check_transform(t)
    return refs


def check_signer_identified(sig: etree._Element) -> None:
    """A XAdES signature names its signer in SigningCertificate(V2); without one the signing
    certificate is not identified (EN 319 102-1 §5.2.3, checked before the cryptography, as DSS
    does).  Read from unverified data only to refuse: the verified properties are checked later."""
    qps = [qp for obj in sig.findall("ds:Object", NS) for qp in obj if qp.tag in QUALIFYING_PROPERTIES]
    if not qps:
        return  # plain XMLDSig: reported as not ETSI after the cryptographic checks
    ssp = "x:SignedProperties/x:SignedSignatureProperties"
    if not any(
        qp.find(f"{ssp}/x:SigningCertificateV2", {"x": ns}) is not None
        or qp.find(f"{ssp}/x:SigningCertificate", {"x": ns}) is not None
        for qp in qps
        for ns in (XADES, XADES111)
    ):
        raise _Refusal(
            Verdict.INDETERMINATE,
            "NO_SIGNING_CERTIFICATE_FOUND: no signed SigningCertificate(V2) property names the signer",
        )


def check_properties_target(sig: etree._Element, signed_props: dsig.VerifiedReference) -> None:
    """The signed properties must be this signature's: inside its own
    ``ds:Object/xades:QualifyingProperties`` whose ``Target`` names it (EN 319 132-1 §4.3), not
    another signature's properties referenced by Id."""
    sig_id = sig.get("Id")
    own = [
        (obj, sp)
        for obj in sig.findall("ds:Object", NS)
        for qp in obj
        if qp.tag in QUALIFYING_PROPERTIES and sig_id and qp.get("Target") == f"#{sig_id}"
        for sp in qp
        if sp.tag in (f"{{{XADES}}}SignedProperties", SIGNED_PROPERTIES_111)
    ]
    # the reference names the SignedProperties by Id, or (XAdES v1.1.1 with XPath Filter 2.0, as
    # the Austrian tools do) names its ds:Object and the filter keeps only the SignedProperties,
    # which the digested bytes then are
    uris = {f"#{own[0][1].get('Id')}"} if len(own) == 1 and own[0][1].get("Id") else set()
    if len(own) == 1 and own[0][0].get("Id") and len(own[0][0]) == 1:
        verified = signed_props.signed_xml
        if verified is not None and verified.tag == own[0][1].tag:
            uris.add(f"#{own[0][0].get('Id')}")
    if len(own) != 1 or signed_props.uri not in uris:
        raise _Refusal(
            Verdict.INDETERMINATE,
            "FORMAT_FAILURE: XML_NOT_ETSI: the signed xades:SignedProperties are not in this signature's "
            "QualifyingProperties (Target must name the signature)",
        )


def check_signing_certificate(
    sp: etree._Element, certs: list[x509.Certificate], signing_cert: x509.Certificate
) -> None:
    """SigningCertificate(V2) in the *verified* SignedProperties binds the signing certificate
    (signxml's ``_verify_cert_digests`` semantics: every listed digest names a KeyInfo certificate,
    the first one the signer's)."""
    props = sp.find("xades:SignedSignatureProperties", NS)
    if props is None:
        raise _Refusal(
            Verdict.TOTAL_FAILED,
            "FORMAT_FAILURE: Expected to find XML element xades:SignedSignatureProperties",
        )
    v1 = props.findall("xades:SigningCertificate", NS)
    v2 = props.findall("xades:SigningCertificateV2", NS)
    if len(v1) + len(v2) != 1:
        raise _Refusal(
            Verdict.INDETERMINATE,
            "NO_SIGNING_CERTIFICATE_FOUND: Expected to find exactly one of "
            "xades:SigningCertificate or xades:SigningCertificateV2",
        )
    pool = list(certs)
    if not any(der(c) == der(signing_cert) for c in pool):
        pool.append(signing_cert)
    for idx, cert_el in enumerate((v1 or v2)[0].findall("xades:Cert", NS)):
        dm = cert_el.find("xades:CertDigest/ds:DigestMethod", NS)
        dv = cert_el.find("xades:CertDigest/ds:DigestValue", NS)
        hname = dsig.DIGESTS.get(dm.get("Algorithm") or "") if dm is not None else None
        if hname is None or dv is None:
            raise _Refusal(Verdict.TOTAL_FAILED, "FORMAT_FAILURE: unusable xades:CertDigest")
        try:
            want = base64.b64decode("".join((dv.text or "").split()), validate=True)
        except ValueError:
            raise _Refusal(Verdict.TOTAL_FAILED, "FORMAT_FAILURE: xades:CertDigest is not base64") from None
        # a digest naming no certificate we have leaves the signer unidentified (EN 319 102-1
        # §5.2.3): INDETERMINATE, as DSS reports it, not a broken hash of signed data
        if not any(cert_digest(c, hname) == want for c in pool):
            raise _Refusal(
                Verdict.INDETERMINATE, "NO_SIGNING_CERTIFICATE_FOUND: Digest mismatch for certificate digest"
            )
        if idx == 0 and cert_digest(signing_cert, hname) != want:
            raise _Refusal(
                Verdict.INDETERMINATE,
                "NO_SIGNING_CERTIFICATE_FOUND: Digest mismatch for signing certificate digest",
            )


def parse_time(text: str) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else None


def check_signing_time(claimed_text: str, cert: x509.Certificate, out: Outcome) -> None:
    """The claimed SigningTime lies within the signing certificate's validity (DSS's
    "signing-time within the signing-certificate's validity range"); a certificate cannot sign
    before it is issued, and a claim after notAfter is not something to build on."""
    claimed = parse_time(claimed_text)
    if claimed is None:
        out.add(
            Verdict.TOTAL_FAILED, f"FORMAT_FAILURE: SigningTime {claimed_text!r} is not a dateTime with zone"
        )
    elif not cert.not_valid_before_utc <= claimed <= cert.not_valid_after_utc:
        out.add(
            Verdict.INDETERMINATE,
            f"SIG_CONSTRAINTS_FAILURE: claimed signing time {claimed.isoformat()} is outside the signing "
            f"certificate's validity ({cert.not_valid_before_utc.isoformat()} – "
            f"{cert.not_valid_after_utc.isoformat()})",
        )


def timestamp_reason(reason: str) -> str:
    """A broken signature time-stamp, named by the time-stamp's own subindication (its token
    reasons start with one: HASH_FAILURE, SIG_CRYPTO_FAILURE, FORMAT_FAILURE...)."""
    sub = subindication_of(reason)
    head = sub.value if sub in _FAILED_SUBINDICATIONS else SubIndication.FORMAT_FAILURE.value
    rest = reason.partition(":")[2].strip() if sub is not None else reason
    return f"{head}: signature time-stamp (TIMESTAMP_FAILURE): {rest}"


_FAILED_SUBINDICATIONS = {s for s, v in INDICATION_OF.items() if v is Verdict.TOTAL_FAILED}


def check_policy(pol: etree._Element, out: Outcome, policies: Mapping[str, bytes]) -> None:
    ident_el = pol.find("xades:SignaturePolicyId/xades:SigPolicyId/xades:Identifier", NS)
    if ident_el is None:
        out.details["policy"] = "implied"
        return
    ident = (ident_el.text or "").strip()
    out.details["policy"] = ident
    if not policies:
        out.details["policy_checked"] = False
        return
    document = policies.get(ident)
    if document is None:
        out.add(Verdict.INDETERMINATE, f"POLICY_PROCESSING_ERROR: signature policy {ident} is not known")
        return
    dm = pol.find("xades:SignaturePolicyId/xades:SigPolicyHash/ds:DigestMethod", NS)
    dv = pol.find("xades:SignaturePolicyId/xades:SigPolicyHash/ds:DigestValue", NS)
    try:
        alg = DigestAlgorithm(dm.get("Algorithm") if dm is not None else "")
        want = base64.b64decode((dv.text or "") if dv is not None else "", validate=True)
    except ValueError:
        out.add(Verdict.INDETERMINATE, "POLICY_PROCESSING_ERROR: unusable SigPolicyHash")
        return
    name = alg.name.lower().replace("_", "-").replace("sha3-", "sha3_")
    if hashlib.new(name, document).digest() != want:
        out.add(Verdict.TOTAL_FAILED, f"POLICY_PROCESSING_ERROR: SigPolicyHash does not match policy {ident}")
        return
    out.details["policy_checked"] = True
