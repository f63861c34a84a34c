"""XAdES verification: :class:`XadesVerifier` implements :class:`ezd.signatures.port.Verifier`.

Flow for every ``ds:Signature`` in a document (top-level ones and xades:CounterSignature ones):

1. the bytes go through :func:`ezd.xmlsafe.parse` first (size cap, no DOCTYPE/entities): the one
   parse of the document; everything below works on that tree;
2. structural pre-checks on the (still untrusted) signature: only known transforms are allowed —
   an unknown transform silently skipped by a library is how "signed" data grows unsigned parts;
3. cryptographic verification (SignatureValue over SignedInfo, then every Reference digest) by
   :mod:`ezd.signatures.dsig`, ezd's own XMLDSig core: each referenced node canonicalized once, in
   place, references read from SignedInfo re-parsed from its verified canonical bytes.  Profiles
   outside its scope (listed there: bare KeyValue, DSA/HMAC, base64 transform, XPointer...) go to
   signxml, as before.  Neither does chain or validity checks: those are done here so that
   "crypto fine, trust unknown" can be reported as INDETERMINATE instead of an exception;
4. XAdES checks on the *verified* SignedProperties (SigningCertificate(V2) digest binds the
   certificate, DataObjectFormat points at a real Reference);
5. certificate path from the signing certificate to a configured trust anchor (intermediates from
   KeyInfo X509Data), validity at the validation time, optional revocation checker;
6. ``signed_root`` = the tree rebuilt from the canonical bytes that were digested (signxml's
   ``signed_xml`` pattern) — never the input tree, so unsigned siblings, moved or duplicated
   elements cannot reach business logic.

Exceptions: :meth:`XadesVerifier.verify` raises only :class:`ezd.xmlsafe.MalformedXML` (input is
not XML at all).  Hostile (DOCTYPE/entities/too deep) and oversize XML, and everything that goes
wrong after parsing, produce a TOTAL-FAILED or INDETERMINATE :class:`VerificationResult`.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature
from signxml.verifier import VerifyResult
from signxml.xades import XAdESVerifier

from ezd import xmlsafe
from ezd.signatures import dsig
from ezd.signatures.dsig import Refusal as _Refusal
from ezd.signatures.port import (
    INDICATION_OF,
    SignatureReport,
    SubIndication,
    Verdict,
    VerificationResult,
    subindication_of,
)
from ezd.signatures.qc import DERError, read_qc_statements
from ezd.signatures.tsp import TokenInvalid, verify_token
from ezd.signatures.xades_t import SIGNATURE_TIMESTAMP_PATH, timestamp_input

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
XADES141 = "http://uri.etsi.org/01903/v1.4.1#"
NS = {"ds": DS, "xades": XADES, "xades141": XADES141}
SIGNED_PROPERTIES_TYPES = {"http://uri.etsi.org/01903#SignedProperties"}
COUNTERSIGNED_TYPE = "http://uri.etsi.org/01903#CountersignedSignature"

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

_SEVERITY = {Verdict.TOTAL_PASSED: 0, Verdict.INDETERMINATE: 1, Verdict.TOTAL_FAILED: 2}

# a revocation checker answers for (certificate, issuer, at) -> ("good"|"revoked"|"unknown", detail)
RevocationChecker = Callable[[x509.Certificate, x509.Certificate, dt.datetime], tuple[str, str]]


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    result = Verdict.TOTAL_PASSED
    for v in verdicts:
        if _SEVERITY[v] > _SEVERITY[result]:
            result = v
    return result


# --- trust anchors ------------------------------------------------------------------------------


def load_certificates(source: bytes | str | Path | x509.Certificate) -> list[x509.Certificate]:
    """Certificates from a Certificate, PEM bundle / DER bytes, or a file or directory of them."""
    if isinstance(source, x509.Certificate):
        return [source]
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            out: list[x509.Certificate] = []
            for f in sorted(path.iterdir()):
                if f.suffix.lower() in {".pem", ".crt", ".cer", ".der"}:
                    out.extend(load_certificates(f.read_bytes()))
            return out
        return load_certificates(path.read_bytes())
    if b"-----BEGIN" in source:
        return list(x509.load_pem_x509_certificates(source))
    return [x509.load_der_x509_certificate(source)]


# Certificates are immutable; DER encoding, digests, names and QcStatements are computed once per
# certificate object because the same e-seal signs thousands of documents (bench/bench_verify.py)
# and _cert_from_b64 hands out the same object for the same KeyInfo certificate.  Keyed by object
# identity: hashing a Certificate (as functools.lru_cache would) re-hashes its DER on every call.
# The entry keeps its certificate alive, so an id is never reused while its entry exists.
class _Facts:
    __slots__ = ("cert", "der", "digests", "names", "qc", "subject")

    def __init__(self, cert: x509.Certificate) -> None:
        self.cert = cert
        self.der = cert.public_bytes(serialization.Encoding.DER)
        self.digests: dict[str, bytes] = {}
        self.names = (cert.issuer.public_bytes(), cert.subject.public_bytes())
        self.subject: str | None = None
        self.qc: Any = None


_facts: dict[int, _Facts] = {}


def _fact(cert: x509.Certificate) -> _Facts:
    f = _facts.get(id(cert))
    if f is None or f.cert is not cert:
        if len(_facts) > 4096:
            _facts.clear()
        f = _facts[id(cert)] = _Facts(cert)
    return f


def _der(cert: x509.Certificate) -> bytes:
    return _fact(cert).der


def _cert_digest(cert: x509.Certificate, hash_name: str) -> bytes:
    f = _fact(cert)
    d = f.digests.get(hash_name)
    if d is None:
        d = f.digests[hash_name] = hashlib.new(hash_name, f.der).digest()
    return d


def _names(cert: x509.Certificate) -> tuple[bytes, bytes]:
    """(issuer, subject) DER names."""
    return _fact(cert).names


def _subject(cert: x509.Certificate) -> str:
    f = _fact(cert)
    if f.subject is None:
        f.subject = cert.subject.rfc4514_string()
    return f.subject


def _qc(cert: x509.Certificate) -> Any:
    f = _fact(cert)
    if f.qc is None:
        try:
            f.qc = read_qc_statements(cert)
        except DERError as exc:
            f.qc = exc
    return f.qc


def _ext(cert: x509.Certificate, cls: type[Any]) -> Any:
    try:
        return cert.extensions.get_extension_for_class(cls).value
    except x509.ExtensionNotFound:
        return None


def _has_revocation_pointer(cert: x509.Certificate) -> bool:
    if _ext(cert, x509.CRLDistributionPoints) is not None:
        return True
    aia = _ext(cert, x509.AuthorityInformationAccess)
    return aia is not None and any(d.access_method == x509.AuthorityInformationAccessOID.OCSP for d in aia)


def _b64_cert(text: str | None) -> x509.Certificate:
    return _cert_from_b64("".join((text or "").split()))


@functools.lru_cache(maxsize=1024)
def _cert_from_b64(b64: str) -> x509.Certificate:
    return x509.load_der_x509_certificate(base64.b64decode(b64))


# --- signxml glue ---------------------------------------------------------------------------------


def _element_path(el: etree._Element) -> str:
    """Positional XPath (``/*/*[3]/*[1]``) — survives signxml's serialize/re-parse copies."""
    steps = []
    while el.getparent() is not None:
        idx = 1 + sum(1 for s in el.itersiblings(preceding=True) if isinstance(s.tag, str))
        steps.append(f"*[{idx}]")
        el = el.getparent()
    return "/" + "/".join(["*", *reversed(steps)])


class _Detached(bytes):
    """Detached content as supplied by the caller: untrusted, so parsed only by ezd.xmlsafe."""


class _PinnedVerifier(XAdESVerifier):
    """signxml verifier bound to one signature element (by position) with our transform policy."""

    def __init__(self, sig_path: str, content: Callable[[str], bytes | None] | None) -> None:
        super().__init__()
        self._sig_path = sig_path
        self._content = content

    def _verify_reference(
        self,
        reference: Any,
        index: Any,
        root: Any,
        uri_resolver: Any,
        c14n_algorithm: Any,
        signature: Any,
        signature_key_used: Any,
    ) -> Any:
        # signxml copies the whole document (serialize + re-parse) for every reference so that
        # transforms may mutate it.  Only enveloped/XPath transforms mutate; a plain "#id"
        # reference (SignedProperties, KeyInfo) is resolved in place — _apply_transforms still
        # works on its own serialized copy of the referenced subtree.
        transforms = reference.find("ds:Transforms", NS)
        algs = (
            {t.get("Algorithm") for t in transforms.findall("ds:Transform", NS)}
            if transforms is not None
            else set()
        )
        uri = reference.get("URI") or ""
        if not uri.startswith("#") or algs & {ENVELOPED, XPATH_TRANSFORM}:
            return super()._verify_reference(
                reference, index, root, uri_resolver, c14n_algorithm, signature, signature_key_used
            )
        dm = self._find(reference, "DigestMethod").get("Algorithm")
        digest_value = self._find(reference, "DigestValue")
        payload = self._resolve_reference(root, reference, uri_resolver=uri_resolver)
        payload_c14n = self._apply_transforms(payload, transforms_node=transforms, signature=signature)
        digest_alg = DigestAlgorithm(dm)
        self.check_digest_alg_expected(digest_alg)
        if base64.b64decode(digest_value.text) != self._get_digest(payload_c14n, digest_alg):
            raise InvalidDigest(f"Digest mismatch for reference {index} ({uri})")
        try:
            payload_c14n_xml = self._fromstring(payload_c14n)
        except etree.XMLSyntaxError:
            payload_c14n_xml = None
        key = (
            signature_key_used
            if isinstance(signature_key_used, bytes)
            else signature_key_used.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        return VerifyResult(payload_c14n, payload_c14n_xml, signature, signature_key=key)

    def _get_signature(self, root: Any) -> Any:
        found = root.xpath(self._sig_path)
        if len(found) != 1 or found[0].tag != f"{{{DS}}}Signature":
            raise InvalidInput("signature element not found at its position")
        return found[0]

    def _resolve_reference(self, doc_root: Any, reference: Any, uri_resolver: Any = None) -> Any:
        uri = reference.get("URI")
        if uri is not None and uri != "" and not uri.startswith("#"):
            data = self._content(uri) if self._content else None
            if data is None:
                raise InvalidInput(f"Unable to resolve reference URI: {uri} (detached content not supplied)")
            return _Detached(data)
        return super()._resolve_reference(doc_root, reference, uri_resolver=uri_resolver)

    def _fromstring(self, xml_string: Any, **kwargs: Any) -> Any:
        if isinstance(xml_string, _Detached):
            # signxml tries to parse the digested bytes to offer signed_xml; for caller-supplied
            # detached content that must be our parser (and non-XML content is simply not XML)
            try:
                return xmlsafe.parse(bytes(xml_string))
            except xmlsafe.XMLRejected as exc:
                raise etree.XMLSyntaxError(str(exc), 0, 0, 0) from None
        return super()._fromstring(xml_string, **kwargs)

    def _apply_transforms(self, payload: Any, *, transforms_node: Any, signature: Any) -> Any:
        algs = (
            [t.get("Algorithm") for t in transforms_node.findall("ds:Transform", NS)]
            if transforms_node is not None
            else []
        )
        if isinstance(payload, bytes) and any(a in C14N_TRANSFORMS for a in algs):
            # detached XML content that is canonicalized: it is untrusted XML, so our parser
            payload = xmlsafe.parse(payload)
        if XPATH_TRANSFORM in algs and not isinstance(payload, bytes):
            # emulate not(ancestor-or-self::ds:Signature): drop every signature from a copy
            payload = self._fromstring(self._tostring(payload))
            for sig in payload.xpath("descendant-or-self::ds:Signature", namespaces=NS):
                parent = sig.getparent()
                if parent is None:
                    raise InvalidInput("XPath transform would remove the whole payload")
                _remove_keep_tail(sig)
        return super()._apply_transforms(payload, transforms_node=transforms_node, signature=signature)


def _remove_keep_tail(el: etree._Element) -> None:
    # as signxml's _remove_sig: the tail text belongs to the parent, not to the removed element
    parent = el.getparent()
    assert parent is not None
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _check_transform(t: etree._Element, *, canonical: bool = False) -> None:
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
        for flt, expr, ns in steps:
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
        prefix = expr.removeprefix("not(ancestor-or-self::").partition(":")[0]
        bound = nsmap.get(prefix) if prefix else None
        if not (
            expr == _XPATH_NO_SIGNATURE.format(p=prefix)
            and (bound == DS or (canonical and prefix not in nsmap))
        ):
            raise _Refusal(Verdict.INDETERMINATE, f"FORMAT_FAILURE: unsupported XPath transform {expr!r}")


def _check_canonical_transform(t: etree._Element) -> None:
    _check_transform(t, canonical=True)


def _check_structure(sig: etree._Element) -> list[etree._Element]:
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
            _check_transform(t)
    return refs


def _check_signer_identified(sig: etree._Element) -> None:
    """A XAdES signature names its signer in SigningCertificate(V2); without one the signing
    certificate is not identified (EN 319 102-1 §5.2.3, checked before the cryptography, as DSS
    does).  Read from unverified data only to refuse: the verified properties are checked later."""
    qps = sig.findall("ds:Object/xades:QualifyingProperties", NS)
    if not qps:
        return  # plain XMLDSig: reported as not ETSI after the cryptographic checks
    ssp = "xades:SignedProperties/xades:SignedSignatureProperties"
    if not any(
        qp.find(f"{ssp}/xades:SigningCertificateV2", NS) is not None
        or qp.find(f"{ssp}/xades:SigningCertificate", NS) is not None
        for qp in qps
    ):
        raise _Refusal(
            Verdict.INDETERMINATE,
            "NO_SIGNING_CERTIFICATE_FOUND: no signed SigningCertificate(V2) property names the signer",
        )


def _check_properties_target(sig: etree._Element, signed_props: dsig.VerifiedReference) -> None:
    """The signed properties must be this signature's: inside its own
    ``ds:Object/xades:QualifyingProperties`` whose ``Target`` names it (EN 319 132-1 §4.3), not
    another signature's properties referenced by Id."""
    sig_id = sig.get("Id")
    own = [
        sp.get("Id")
        for qp in sig.findall("ds:Object/xades:QualifyingProperties", NS)
        if sig_id and qp.get("Target") == f"#{sig_id}"
        for sp in qp.findall("xades:SignedProperties", NS)
    ]
    if len(own) != 1 or signed_props.uri != f"#{own[0]}":
        raise _Refusal(
            Verdict.INDETERMINATE,
            "FORMAT_FAILURE: XML_NOT_ETSI: the signed xades:SignedProperties are not in this signature's "
            "QualifyingProperties (Target must name the signature)",
        )


def _check_signing_certificate(
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
    if not any(_der(c) == _der(signing_cert) for c in pool):
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
        if not any(_cert_digest(c, hname) == want for c in pool):
            raise _Refusal(
                Verdict.INDETERMINATE, "NO_SIGNING_CERTIFICATE_FOUND: Digest mismatch for certificate digest"
            )
        if idx == 0 and _cert_digest(signing_cert, hname) != want:
            raise _Refusal(
                Verdict.INDETERMINATE,
                "NO_SIGNING_CERTIFICATE_FOUND: Digest mismatch for signing certificate digest",
            )


def _parse_time(text: str) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else None


def _check_signing_time(claimed_text: str, cert: x509.Certificate, out: _Outcome) -> None:
    """The claimed SigningTime lies within the signing certificate's validity (DSS's
    "signing-time within the signing-certificate's validity range"); a certificate cannot sign
    before it is issued, and a claim after notAfter is not something to build on."""
    claimed = _parse_time(claimed_text)
    if claimed is None:
        out.add(Verdict.TOTAL_FAILED, f"FORMAT_FAILURE: SigningTime {claimed_text!r} is not a dateTime with zone")
    elif not cert.not_valid_before_utc <= claimed <= cert.not_valid_after_utc:
        out.add(
            Verdict.INDETERMINATE,
            f"SIG_CONSTRAINTS_FAILURE: claimed signing time {claimed.isoformat()} is outside the signing "
            f"certificate's validity ({cert.not_valid_before_utc.isoformat()} – "
            f"{cert.not_valid_after_utc.isoformat()})",
        )


def _timestamp_reason(reason: str) -> str:
    """A broken signature time-stamp, named by the time-stamp's own subindication (its token
    reasons start with one: HASH_FAILURE, SIG_CRYPTO_FAILURE, FORMAT_FAILURE...)."""
    sub = subindication_of(reason)
    head = sub.value if sub in _FAILED_SUBINDICATIONS else SubIndication.FORMAT_FAILURE.value
    rest = reason.partition(":")[2].strip() if sub is not None else reason
    return f"{head}: signature time-stamp (TIMESTAMP_FAILURE): {rest}"


_FAILED_SUBINDICATIONS = {s for s, v in INDICATION_OF.items() if v is Verdict.TOTAL_FAILED}


# --- result building ---------------------------------------------------------------------------


@dataclass
class _Outcome:
    verdict: Verdict = Verdict.TOTAL_PASSED
    reasons: list[str] = field(default_factory=list)
    crypto_valid: bool = False
    signer_subject: str | None = None
    signing_time: str | None = None
    signed_root: etree._Element | None = None
    details: dict[str, object] = field(default_factory=dict)
    subindication: SubIndication | None = None

    def add(self, verdict: Verdict, reason: str) -> None:
        """Record a finding; a standard subindication fixes the indication (EN 319 102-1 Table 5),
        and the first finding at the worst level names the result's subindication."""
        sub = subindication_of(reason)
        if sub is not None:
            verdict = INDICATION_OF.get(sub, verdict)
        if _SEVERITY[verdict] > _SEVERITY[self.verdict] or (
            verdict is self.verdict and verdict is not Verdict.TOTAL_PASSED and self.subindication is None
        ):
            self.subindication = sub
        self.verdict = worst([self.verdict, verdict])
        self.reasons.append(reason)


class XadesVerifier:
    """Verify enveloped/enveloping/detached XAdES signatures.

    ``trust_anchors``: certificates (PEM/DER bytes, paths, directories, Certificate objects) that
    terminate a path.  ``validation_time``: when to judge certificate validity (default: now).
    ``revocation``: optional checker (see :mod:`ezd.signatures.revocation`); without one the report says
    revocation was not checked.  ``allow_sha1``: SHA-1 signatures are verified but never PASS
    (CRYPTO_CONSTRAINTS_FAILURE_NO_POE) unless this is True.
    ``tsa_trust_anchors``: anchors for time-stamp authorities (default: ``trust_anchors``).
    ``policies``: signature-policy documents (identifier → bytes) for EPES SigPolicyHash checks.

    Signature time-stamps (XAdES-T) are verified (token signature, imprint over the c14n
    ds:SignatureValue, TSA path); a broken one makes the signature TOTAL-FAILED.  A valid one is a
    proof of existence: a signing certificate that has expired since is judged at that time.
    """

    def __init__(
        self,
        trust_anchors: Sequence[bytes | str | Path | x509.Certificate] = (),
        *,
        max_bytes: int = xmlsafe.DEFAULT_MAX_BYTES,
        validation_time: dt.datetime | None = None,
        revocation: RevocationChecker | None = None,
        require_qualified: bool = False,
        allow_sha1: bool = False,
        timestamp_verifier: Any | None = None,
        tsa_trust_anchors: Sequence[bytes | str | Path | x509.Certificate] | None = None,
        policies: Mapping[str, bytes] | None = None,
    ) -> None:
        anchors: list[x509.Certificate] = []
        for a in trust_anchors:
            anchors.extend(load_certificates(a))
        self._anchors = anchors
        self._anchor_ders = {_der(a) for a in anchors}
        self._max_bytes = max_bytes
        self._validation_time = validation_time
        self._revocation = revocation
        self._require_qualified = require_qualified
        self._allow_sha1 = allow_sha1
        self._timestamp_verifier = timestamp_verifier  # legacy hook: (sig, ts_el, outcome) -> None
        tsa_anchors: list[x509.Certificate] = []
        for a in tsa_trust_anchors if tsa_trust_anchors is not None else ():
            tsa_anchors.extend(load_certificates(a))
        self._tsa_anchors = tsa_anchors if tsa_trust_anchors is not None else anchors
        self._tsa_anchor_ders = {_der(a) for a in self._tsa_anchors}
        self._path_cache: dict[tuple[bytes, frozenset[bytes], int], tuple[x509.Certificate, ...]] = {}
        # signature policy documents (EPES) by identifier: their digest is checked when present
        self._policies = dict(policies or {})

    @property
    def trust_anchors(self) -> list[x509.Certificate]:
        return list(self._anchors)

    # --- public API ------------------------------------------------------------------------------

    def verify(self, xml: bytes) -> VerificationResult:
        """Verify every signature in ``xml``.  See the module docstring for what raises."""
        try:
            root = xmlsafe.parse(xml, max_bytes=self._max_bytes)
        except (xmlsafe.HostileXML, xmlsafe.OversizeXML) as exc:
            return VerificationResult(Verdict.TOTAL_FAILED, (), None, (f"REJECTED_XML: {exc}",))
        return self._verify_tree(root, None)

    def verify_detached(
        self, signature_xml: bytes, content: bytes | Mapping[str, bytes]
    ) -> VerificationResult:
        """Verify a detached signature; ``content`` is the signed file (or URI → bytes for several).

        ``signed_root`` is the signed content parsed as XML when it is XML, else None (use
        the content bytes you passed in: they are exactly what was verified).
        """
        try:
            root = xmlsafe.parse(signature_xml, max_bytes=self._max_bytes)
        except (xmlsafe.HostileXML, xmlsafe.OversizeXML) as exc:
            return VerificationResult(Verdict.TOTAL_FAILED, (), None, (f"REJECTED_XML: {exc}",))
        if isinstance(content, bytes):
            single = content

            def resolver(uri: str) -> bytes | None:
                return single
        else:
            mapping = dict(content)

            def resolver(uri: str) -> bytes | None:
                return mapping.get(uri)

        return self._verify_tree(root, resolver)

    # --- internals -------------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        t = self._validation_time or dt.datetime.now(dt.UTC)
        return t if t.tzinfo else t.replace(tzinfo=dt.UTC)

    def _verify_tree(
        self, root: etree._Element, content: Callable[[str], bytes | None] | None
    ) -> VerificationResult:
        all_sigs = list(root.iter(f"{{{DS}}}Signature"))
        top = [s for s in all_sigs if not any(a.tag == f"{{{DS}}}Signature" for a in s.iterancestors())]
        if not top:
            return VerificationResult(Verdict.TOTAL_FAILED, (), None, ("no signature",))
        reports: list[SignatureReport] = []
        verdicts: list[Verdict] = []
        signed_root: etree._Element | None = None
        ids = dsig.IdIndex(root)  # one ID index per document, shared by all its signatures
        for sig in top:
            outcome = self._verify_signature(root, sig, content, ids)
            reports.append(self._report(sig, outcome))
            verdicts.append(outcome.verdict)
            if signed_root is None and outcome.verdict is not Verdict.TOTAL_FAILED:
                signed_root = outcome.signed_root
            # counter-signatures: reported, but they do not change the verdict of what they sign
            for csig in sig.findall(
                "ds:Object/xades:QualifyingProperties/xades:UnsignedProperties/"
                "xades:UnsignedSignatureProperties/xades:CounterSignature/ds:Signature",
                NS,
            ):
                c_out = self._verify_signature(root, csig, content, ids, countersigned=sig)
                c_out.details["role"] = "counter-signature"
                c_out.details["countersigned"] = sig.get("Id")
                reports.append(self._report(csig, c_out))
        overall = worst(verdicts)
        reasons = tuple(
            r for rep in reports if rep.details.get("role") != "counter-signature" for r in rep.reasons
        )
        return VerificationResult(
            overall, tuple(reports), signed_root if overall is not Verdict.TOTAL_FAILED else None, reasons
        )

    @staticmethod
    def _report(sig: etree._Element, o: _Outcome) -> SignatureReport:
        return SignatureReport(
            signature_id=sig.get("Id"),
            verdict=o.verdict,
            reasons=tuple(o.reasons),
            signer_subject=o.signer_subject,
            signing_time=o.signing_time,
            crypto_valid=o.crypto_valid,
            details=o.details,
            subindication=o.subindication,
        )

    def _verify_signature(
        self,
        root: etree._Element,
        sig: etree._Element,
        content: Callable[[str], bytes | None] | None,
        ids: dsig.IdIndex,
        countersigned: etree._Element | None = None,
    ) -> _Outcome:
        out = _Outcome()
        try:
            self._verify_signature_inner(root, sig, content, ids, countersigned, out)
        except _Refusal as r:
            out.add(r.verdict, r.reason)
        except InvalidCertificate as exc:
            out.add(Verdict.INDETERMINATE, f"CERTIFICATE_FAILURE: {exc}")
        except InvalidDigest as exc:
            out.crypto_valid = False
            out.add(Verdict.TOTAL_FAILED, f"HASH_FAILURE: {exc}")
        except (InvalidSignature, CryptoInvalidSignature, TypeError, AttributeError) as exc:
            out.crypto_valid = False
            msg = str(exc).rstrip(": ") or "invalid signature"
            if msg.startswith("Signature verification failed"):
                msg = "ds:SignatureValue does not match ds:SignedInfo"
            out.add(Verdict.TOTAL_FAILED, f"SIG_CRYPTO_FAILURE: {msg}")
        except InvalidInput as exc:
            msg = str(exc)
            if "resolve reference" in msg or "without URIs" in msg or "Ambiguous reference" in msg:
                out.add(Verdict.TOTAL_FAILED, f"SIGNED_DATA_NOT_FOUND: {msg}")
            elif "not expected" in msg.lower() or "unrecognized" in msg.lower():
                out.add(Verdict.INDETERMINATE, f"CRYPTO_CONSTRAINTS_FAILURE: {msg}")
            else:
                out.add(Verdict.TOTAL_FAILED, f"FORMAT_FAILURE: {msg}")
        except xmlsafe.XMLRejected as exc:
            out.add(Verdict.TOTAL_FAILED, f"SIGNED_DATA_NOT_FOUND: detached content rejected: {exc}")
        except Exception as exc:  # hostile input must yield a verdict, never a traceback
            out.crypto_valid = False
            out.add(Verdict.TOTAL_FAILED, f"FORMAT_FAILURE: {type(exc).__name__}: {exc}")
        if out.verdict is Verdict.TOTAL_FAILED:
            out.signed_root = None
        return out

    def _candidate_certs(self, sig: etree._Element) -> list[x509.Certificate]:
        certs: list[x509.Certificate] = []
        for el in sig.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS):
            try:
                certs.append(_b64_cert(el.text))
            except ValueError:
                raise _Refusal(Verdict.TOTAL_FAILED, "FORMAT_FAILURE: unparsable X509Certificate") from None
        return certs

    def _pick_signing_cert(
        self, sig: etree._Element, certs: list[x509.Certificate]
    ) -> list[x509.Certificate]:
        """Order candidates: SigningCertificate(V2) digest match first, then leaf-looking ones.

        This is only a hint (read from unverified data); the core verifies SignatureValue with the
        chosen certificate and checks the signed SigningCertificate digest against it.
        """
        digests = []
        for cd in sig.iterfind(".//xades:SigningCertificateV2/xades:Cert/xades:CertDigest", NS):
            digests.append(cd)
        for cd in sig.iterfind(".//xades:SigningCertificate/xades:Cert/xades:CertDigest", NS):
            digests.append(cd)
        preferred: list[x509.Certificate] = []
        for cd in digests[:1]:
            dm = cd.find("ds:DigestMethod", NS)
            dv = cd.find("ds:DigestValue", NS)
            hname = dsig.DIGESTS.get(dm.get("Algorithm") or "") if dm is not None else None
            try:
                want = base64.b64decode((dv.text or "") if dv is not None else "")
            except ValueError:
                continue
            if hname is not None:
                preferred.extend(c for c in certs if _cert_digest(c, hname) == want)
        issuers = {_names(c)[0] for c in certs}
        leaves = [c for c in certs if _names(c)[1] not in issuers]
        ordered: list[x509.Certificate] = []
        for c in [*preferred, *leaves, *certs]:
            if c not in ordered:
                ordered.append(c)
        return ordered

    def _signxml_core(
        self,
        root: etree._Element,
        sig: etree._Element,
        refs: list[etree._Element],
        certs: list[x509.Certificate],
        content: Callable[[str], bytes | None] | None,
    ) -> tuple[x509.Certificate | None, list[dsig.VerifiedReference]]:
        """Fallback for profiles outside :mod:`ezd.signatures.dsig`'s fast path (see its docstring)."""
        config = SignatureConfiguration(
            require_x509=bool(certs),
            expect_references=True,
            location="./",
            signature_methods=frozenset(SignatureMethod),
            digest_algorithms=frozenset(DigestAlgorithm),
        )
        results: list[Any] | None = None
        signing_cert: x509.Certificate | None = None
        first_exc: Exception | None = None
        verifier = _PinnedVerifier(_element_path(sig), content)
        for cand in self._pick_signing_cert(sig, certs) if certs else [None]:
            if cand is not None:
                # judge the signature at a time the certificate was valid; validity is our check (step 5)
                t = min(max(self._now(), cand.not_valid_before_utc), cand.not_valid_after_utc)
                cfg = SignatureConfiguration(**{**config.__dict__, "verification_time": t})
            else:
                cfg = config
            try:
                res = XMLVerifier.verify(verifier, root, x509_cert=cand, expect_config=cfg)
            except (InvalidDigest, InvalidInput, xmlsafe.XMLRejected):
                raise  # SignatureValue was fine with this certificate: a reference digest is wrong
            except (CryptoInvalidSignature, TypeError, ValueError, AttributeError) as exc:
                # SignatureValue did not verify with this certificate (or its key type does not fit
                # the algorithm); another KeyInfo certificate may be the signer's
                first_exc = first_exc or exc
                continue
            results = res if isinstance(res, list) else [res]
            signing_cert = cand
            break
        if results is None:
            assert first_exc is not None
            raise first_exc
        if len(results) != len(refs):
            raise _Refusal(
                Verdict.TOTAL_FAILED, "FORMAT_FAILURE: reference count changed during verification"
            )
        out: list[dsig.VerifiedReference] = []
        for ref, res in zip(refs, results, strict=True):
            xml = res.signed_xml
            out.append(
                dsig.VerifiedReference(
                    ref,
                    ref.get("URI") or "",
                    ref.get("Type"),
                    res.signed_data if isinstance(res.signed_data, bytes) else b"",
                    xml.tag if xml is not None else None,
                    _xml=xml,
                    _parsed=True,
                )
            )
        return signing_cert, out

    def _verify_signature_inner(
        self,
        root: etree._Element,
        sig: etree._Element,
        content: Callable[[str], bytes | None] | None,
        ids: dsig.IdIndex,
        countersigned: etree._Element | None,
        out: _Outcome,
    ) -> None:
        refs = _check_structure(sig)
        _check_signer_identified(sig)
        certs = self._candidate_certs(sig)
        sm = sig.find("ds:SignedInfo/ds:SignatureMethod", NS)
        sig_alg = sm.get("Algorithm") if sm is not None else None
        digest_algs = {
            dm.get("Algorithm") for dm in sig.iterfind("ds:SignedInfo/ds:Reference/ds:DigestMethod", NS)
        }
        sha1_used = "sha1" in (sig_alg or "").lower() or any("sha1" in (d or "").lower() for d in digest_algs)
        try:
            dsig.check_supported(sig, certs)
        except dsig.Unsupported as why:
            out.details["engine"] = f"signxml ({why})"
            signing_cert, results = self._signxml_core(root, sig, refs, certs, content)
        else:
            core = dsig.CoreVerifier(root, ids, content, _check_canonical_transform).verify(
                sig, self._pick_signing_cert(sig, certs)
            )
            signing_cert, results = core.signing_cert, core.references
        out.crypto_valid = True
        out.details["signature_algorithm"] = sig_alg
        if sha1_used and not self._allow_sha1:
            out.add(Verdict.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE: SHA-1 is not acceptable")

        # --- classify the verified references -----------------------------------------------------
        data_results: list[dsig.VerifiedReference] = []
        signed_props_result: dsig.VerifiedReference | None = None
        for res in results:
            if (res.type or "") in SIGNED_PROPERTIES_TYPES or res.node_tag == f"{{{XADES}}}SignedProperties":
                if signed_props_result is not None:
                    raise _Refusal(Verdict.TOTAL_FAILED, "FORMAT_FAILURE: SignedProperties referenced twice")
                signed_props_result = res
                continue
            if res.node_tag == f"{{{DS}}}KeyInfo":
                continue
            data_results.append(res)
        out.details["references"] = [{"uri": r.uri, "type": r.type} for r in results]

        if countersigned is not None:
            sv = countersigned.find("ds:SignatureValue", NS)
            sv_id = sv.get("Id") if sv is not None else None
            if not any(r.type == COUNTERSIGNED_TYPE and sv_id and r.uri == f"#{sv_id}" for r in data_results):
                raise _Refusal(
                    Verdict.TOTAL_FAILED,
                    "SIGNED_DATA_NOT_FOUND: counter-signature does not cover SignatureValue",
                )
        elif not data_results:
            raise _Refusal(Verdict.TOTAL_FAILED, "SIGNED_DATA_NOT_FOUND: no reference to signed data")

        # --- XAdES signed properties -----------------------------------------------------------
        sp = signed_props_result.signed_xml if signed_props_result is not None else None
        if signed_props_result is None or sp is None or sp.tag != f"{{{XADES}}}SignedProperties":
            out.add(Verdict.INDETERMINATE, "FORMAT_FAILURE: XML_NOT_ETSI (no XAdES 1.3.2 SignedProperties)")
        else:
            _check_properties_target(sig, signed_props_result)
            if signing_cert is not None:
                _check_signing_certificate(sp, certs, signing_cert)
                out.details["signing_certificate_digest"] = "match"
            st = sp.find("xades:SignedSignatureProperties/xades:SigningTime", NS)
            out.signing_time = st.text.strip() if st is not None and st.text else None
            if signing_cert is not None and out.signing_time:
                _check_signing_time(out.signing_time, signing_cert, out)
            ref_ids = {f"#{r.reference.get('Id')}" for r in results if r.reference.get("Id")}
            for dof in sp.iterfind("xades:SignedDataObjectProperties/xades:DataObjectFormat", NS):
                if dof.get("ObjectReference") not in ref_ids:
                    raise _Refusal(
                        Verdict.TOTAL_FAILED,
                        "FORMAT_FAILURE: XML_NOT_ETSI: DataObjectFormat/@ObjectReference "
                        f"{dof.get('ObjectReference')!r} points to no ds:Reference",
                    )
            pol = sp.find("xades:SignedSignatureProperties/xades:SignaturePolicyIdentifier", NS)
            if pol is not None:
                self._check_policy(pol, out)

        # --- signed_root: only what was digested ---------------------------------------------
        if countersigned is None:
            whole = [r for r in data_results if r.uri == ""]
            chosen = whole[0] if whole else (data_results[0] if len(data_results) == 1 else None)
            out.signed_root = chosen.signed_xml if chosen is not None else None
            if len(data_results) > 1:
                out.details["signed_data_references"] = [r.uri for r in data_results]

        # --- certificate: path, validity, revocation, qualified status -------------------------------
        if signing_cert is None:
            out.add(Verdict.INDETERMINATE, "NO_SIGNING_CERTIFICATE_FOUND: KeyInfo carries no certificate")
            return
        out.signer_subject = _subject(signing_cert)
        out.details["signer_serial"] = format(signing_cert.serial_number, "x")
        qc_or_error = _qc(signing_cert)
        if isinstance(qc_or_error, DERError):
            out.details["qc"] = {"error": str(qc_or_error)}
            qc = None
        else:
            qc = qc_or_error
            out.details["qc"] = qc.as_dict()
        if self._require_qualified and not (qc and qc.compliance):
            out.add(
                Verdict.INDETERMINATE,
                "CHAIN_CONSTRAINTS_FAILURE: certificate is not qualified (no QcCompliance)",
            )
        poe = self._check_timestamps(sig, out)
        self._check_path(signing_cert, certs, out, poe)

    def _check_policy(self, pol: etree._Element, out: _Outcome) -> None:
        ident_el = pol.find("xades:SignaturePolicyId/xades:SigPolicyId/xades:Identifier", NS)
        if ident_el is None:
            out.details["policy"] = "implied"
            return
        ident = (ident_el.text or "").strip()
        out.details["policy"] = ident
        if not self._policies:
            out.details["policy_checked"] = False
            return
        document = self._policies.get(ident)
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
            out.add(
                Verdict.TOTAL_FAILED, f"POLICY_PROCESSING_ERROR: SigPolicyHash does not match policy {ident}"
            )
            return
        out.details["policy_checked"] = True

    def _check_timestamps(self, sig: etree._Element, out: _Outcome) -> dt.datetime | None:
        """Verify every SignatureTimeStamp; returns the earliest trusted time (proof of existence)."""
        stamps = sig.findall(SIGNATURE_TIMESTAMP_PATH, NS)
        if not stamps:
            return None
        if self._timestamp_verifier is not None:
            for ts in stamps:
                self._timestamp_verifier(sig, ts, out)
            return None
        poe: dt.datetime | None = None
        entries: list[dict[str, object]] = []
        for ts in stamps:
            entry: dict[str, object] = {"id": ts.get("Id")}
            entries.append(entry)
            cm = ts.find("ds:CanonicalizationMethod", NS)
            enc = ts.findall("xades:EncapsulatedTimeStamp", NS)
            if len(enc) != 1:
                entry["status"] = "unsupported"
                out.add(
                    Verdict.INDETERMINATE,
                    "FORMAT_FAILURE: SignatureTimeStamp must hold one EncapsulatedTimeStamp",
                )
                continue
            try:
                token = base64.b64decode("".join((enc[0].text or "").split()), validate=True)
                data = timestamp_input(sig, cm.get("Algorithm") if cm is not None else None)
                info = verify_token(token, data)
            except TokenInvalid as exc:
                entry.update(status="invalid", reason=exc.reason)
                out.add(Verdict.TOTAL_FAILED, _timestamp_reason(exc.reason))
                continue
            except ValueError as exc:
                entry.update(status="invalid", reason=str(exc))
                out.add(Verdict.TOTAL_FAILED, f"FORMAT_FAILURE: signature time-stamp (TIMESTAMP_FAILURE): {exc}")
                continue
            entry.update(
                time=info.gen_time.isoformat(),
                tsa=info.tsa_certificate.subject.rfc4514_string(),
                serial=format(info.serial, "x"),
            )
            path = self._build_path(
                info.tsa_certificate,
                list(info.certificates),
                anchors=self._tsa_anchors,
                anchor_ders=self._tsa_anchor_ders,
            )
            tsa_cert = info.tsa_certificate
            if path is None:
                entry["status"] = "valid, TSA not trusted"
                out.add(Verdict.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND: time-stamp authority not trusted")
                continue
            if not tsa_cert.not_valid_before_utc <= info.gen_time <= tsa_cert.not_valid_after_utc:
                entry["status"] = "TSA certificate not valid at time-stamp time"
                out.add(Verdict.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE: TSA certificate not valid at gen time")
                continue
            entry["status"] = "valid"
            if out.signing_time:
                try:
                    claimed = dt.datetime.fromisoformat(out.signing_time.replace("Z", "+00:00"))
                except ValueError:
                    claimed = None
                if (
                    claimed is not None
                    and claimed.tzinfo
                    and claimed > info.gen_time + dt.timedelta(minutes=5)
                ):
                    out.add(
                        Verdict.INDETERMINATE,
                        "TIMESTAMP_ORDER_FAILURE: claimed signing time is after the signature time-stamp",
                    )
            poe = info.gen_time if poe is None else min(poe, info.gen_time)
        out.details["signature_timestamp"] = entries
        return poe

    def _check_path(
        self,
        leaf: x509.Certificate,
        pool: list[x509.Certificate],
        out: _Outcome,
        poe: dt.datetime | None = None,
    ) -> None:
        validity: list[str] = []
        self._check_chain(leaf, pool, out, poe, validity)
        # the validity range is judged after the path and its revocation data, as DSS orders
        # its X.509 checks: an expired certificate whose CRL no longer covers it is reported as
        # having no acceptable revocation data first
        for reason in validity:
            out.add(Verdict.INDETERMINATE, reason)

    def _check_chain(
        self,
        leaf: x509.Certificate,
        pool: list[x509.Certificate],
        out: _Outcome,
        poe: dt.datetime | None,
        validity: list[str],
    ) -> None:
        at = self._now()
        if at > leaf.not_valid_after_utc and poe is not None and leaf.not_valid_before_utc <= poe:
            # expired now, but a trusted time-stamp proves the signature existed while it was valid
            at = poe
            out.details["validation_time"] = f"{poe.isoformat()} (proof of existence: signature time-stamp)"
        if at < leaf.not_valid_before_utc:
            validity.append("NOT_YET_VALID: signing certificate is not yet valid")
        elif at > leaf.not_valid_after_utc:
            validity.append("OUT_OF_BOUNDS_NO_POE: signing certificate has expired")
        try:
            ku = _ext(leaf, x509.KeyUsage)
            if ku is not None and not (ku.digital_signature or ku.content_commitment):
                out.add(Verdict.INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE: key usage forbids signing")
        except ValueError:
            out.add(Verdict.INDETERMINATE, "FORMAT_FAILURE: unparsable key usage")
        path = self._build_path(leaf, pool)
        if path is None:
            out.add(Verdict.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND: no path to a trusted anchor")
            return
        out.details["chain"] = [_subject(c) for c in path]
        for ca in path[1:]:
            if not ca.not_valid_before_utc <= at <= ca.not_valid_after_utc:
                out.add(
                    Verdict.INDETERMINATE,
                    f"OUT_OF_BOUNDS_NO_POE: CA certificate {ca.subject.rfc4514_string()} not valid",
                )
        if self._revocation is None:
            out.details["revocation"] = "not checked"
            return
        statuses = []
        # every certificate below the anchor; a CA certificate that publishes no revocation
        # source (no CRL DP, no OCSP AIA) is reported, not held against the signature
        for i, (cert, issuer) in enumerate(itertools.pairwise(path)):
            if i > 0 and not _has_revocation_pointer(cert):
                statuses.append(
                    {
                        "subject": cert.subject.rfc4514_string(),
                        "status": "n/a",
                        "detail": "no revocation source",
                    }
                )
                continue
            status, detail = self._revocation(cert, issuer, at)
            if status == "revoked" and poe is not None and poe < at:
                # EN 319 102-1 §5.6.2.4: a proof of existence (a trusted signature time-stamp)
                # before the revocation keeps the signature; one after it shows the key was
                # already revoked when it signed
                status, detail = self._revocation(cert, issuer, poe)
                if status == "good":
                    detail = f"revoked after the proof of existence {poe.isoformat()}: {detail}"
                elif status == "revoked":
                    statuses.append({"subject": _subject(cert), "status": status, "detail": detail})
                    out.add(
                        Verdict.TOTAL_FAILED,
                        f"REVOKED: {cert.subject.rfc4514_string()}: {detail} "
                        f"(before the signature time-stamp {poe.isoformat()})",
                    )
                    continue
            statuses.append({"subject": _subject(cert), "status": status, "detail": detail})
            if status == "revoked":
                sub = "REVOKED_NO_POE" if i == 0 else "REVOKED_CA_NO_POE"
                out.add(
                    Verdict.INDETERMINATE,
                    f"{sub}: {cert.subject.rfc4514_string()}: {detail} (no proof the signature existed before)",
                )
            elif status == "no-data":
                # the source answered but cannot speak for this certificate (e.g. a CRL issued
                # after it expired, without ExpiredCertsOnCRL): waiting will not help
                out.add(
                    Verdict.INDETERMINATE,
                    f"CERTIFICATE_CHAIN_GENERAL_FAILURE: no acceptable revocation data: {detail}",
                )
            elif status != "good":
                out.add(Verdict.INDETERMINATE, f"TRY_LATER: revocation status unknown: {detail}")
        out.details["revocation"] = statuses

    def _build_path(
        self,
        leaf: x509.Certificate,
        pool: list[x509.Certificate],
        *,
        anchors: list[x509.Certificate] | None = None,
        anchor_ders: set[bytes] | None = None,
    ) -> list[x509.Certificate] | None:
        """Depth-first path building leaf → anchor; signatures and CA flags are checked on the way."""
        anchors = self._anchors if anchors is None else anchors
        anchor_ders = self._anchor_ders if anchor_ders is None else anchor_ders
        # a path depends only on the certificates involved: cache it (validity and revocation are
        # judged per verification, after this)
        key = (_der(leaf), frozenset(_der(c) for c in pool), id(anchors))
        cached = self._path_cache.get(key)
        if cached is not None:
            return list(cached) if cached else None
        found = self._build_path_uncached(leaf, pool, anchors, anchor_ders)
        if len(self._path_cache) > 1024:
            self._path_cache.clear()
        self._path_cache[key] = tuple(found) if found else ()
        return found

    def _build_path_uncached(
        self,
        leaf: x509.Certificate,
        pool: list[x509.Certificate],
        anchors: list[x509.Certificate],
        anchor_ders: set[bytes],
    ) -> list[x509.Certificate] | None:
        candidates = [*pool, *anchors]

        def is_anchor(c: x509.Certificate) -> bool:
            return _der(c) in anchor_ders

        def extend(path: list[x509.Certificate]) -> list[x509.Certificate] | None:
            cur = path[-1]
            if is_anchor(cur):
                return path
            if len(path) > 8:
                return None
            for cand in candidates:
                if cand.subject != cur.issuer or any(_der(cand) == _der(p) for p in path):
                    continue
                try:
                    bc = cand.extensions.get_extension_for_class(x509.BasicConstraints).value
                    if not bc.ca:
                        continue
                except x509.ExtensionNotFound:
                    if not is_anchor(cand):
                        continue  # non-anchor CA without basicConstraints is not a CA
                try:
                    cur.verify_directly_issued_by(cand)
                except (ValueError, TypeError, CryptoInvalidSignature):
                    continue
                found = extend([*path, cand])
                if found:
                    return found
            return None

        return extend([leaf])
