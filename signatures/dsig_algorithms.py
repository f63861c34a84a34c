"""XMLDSig vocabulary for :mod:`ezd.signatures.dsig`: namespaces, the canonicalization, digest and
signature-method tables of its fast path, the refusal exceptions, and the SignatureValue check
itself (RSA PKCS#1 v1.5, RSA-PSS, ECDSA over the canonical SignedInfo)."""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Callable

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from lxml import etree

from ezd.signatures.port import Verdict

DS = "http://www.w3.org/2000/09/xmldsig#"
EC_NS = "http://www.w3.org/2001/10/xml-exc-c14n#"
DSIG11 = "http://www.w3.org/2009/xmldsig11#"
NS = {"ds": DS, "ec": EC_NS, "dsig11": DSIG11}
SIGNATURE_TAG = f"{{{DS}}}Signature"

ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
XPATH_TRANSFORM = "http://www.w3.org/TR/1999/REC-xpath-19991116"
FILTER2 = "http://www.w3.org/2002/06/xmldsig-filter2"
# The XPath Filter 2.0 steps we evaluate (expression normalised, "ds" bound to XMLDSig): DSS's
# default enveloped transform subtracts every signature, the here() form only this one.  Any
# other expression is refused by the caller's policy instead of being run on untrusted input.
FILTER2_ALL_SIGNATURES = {"/descendant::{p}:Signature", "//{p}:Signature"}
FILTER2_THIS_SIGNATURE = {"here()/ancestor::{p}:Signature[1]"}

_C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
_C14N_11 = "http://www.w3.org/2006/12/xml-c14n11"
_EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
# algorithm -> (exclusive, with_comments)
C14N: dict[str, tuple[bool, bool]] = {
    _C14N_10: (False, False),
    _C14N_10 + "#WithComments": (False, True),
    _C14N_11: (False, False),
    _C14N_11 + "#WithComments": (False, True),
    _EXC_C14N: (True, False),
    _EXC_C14N + "WithComments": (True, True),
}

_MORE = "http://www.w3.org/2001/04/xmldsig-more#"
_MORE07 = "http://www.w3.org/2007/05/xmldsig-more#"
DIGESTS: dict[str, str] = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    _MORE + "sha224": "sha224",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    _MORE + "sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
    _MORE07 + "sha3-224": "sha3_224",
    _MORE07 + "sha3-256": "sha3_256",
    _MORE07 + "sha3-384": "sha3_384",
    _MORE07 + "sha3-512": "sha3_512",
}
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# signature method -> (key family, hash name)
SIGNATURE_METHODS: dict[str, tuple[str, str]] = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": ("rsa", "sha1"),
    _MORE + "rsa-sha224": ("rsa", "sha224"),
    _MORE + "rsa-sha256": ("rsa", "sha256"),
    _MORE + "rsa-sha384": ("rsa", "sha384"),
    _MORE + "rsa-sha512": ("rsa", "sha512"),
    _MORE + "ecdsa-sha1": ("ec", "sha1"),
    _MORE + "ecdsa-sha224": ("ec", "sha224"),
    _MORE + "ecdsa-sha256": ("ec", "sha256"),
    _MORE + "ecdsa-sha384": ("ec", "sha384"),
    _MORE + "ecdsa-sha512": ("ec", "sha512"),
    _MORE07 + "sha224-rsa-MGF1": ("pss", "sha224"),
    _MORE07 + "sha256-rsa-MGF1": ("pss", "sha256"),
    _MORE07 + "sha384-rsa-MGF1": ("pss", "sha384"),
    _MORE07 + "sha512-rsa-MGF1": ("pss", "sha512"),
}
RSA_KEY_VALUE = f"{{{DS}}}RSAKeyValue"
EC_KEY_VALUE = f"{{{DSIG11}}}ECKeyValue"
_EC_CURVES = {
    "urn:oid:1.2.840.10045.3.1.7": "secp256r1",
    "urn:oid:1.3.132.0.34": "secp384r1",
    "urn:oid:1.3.132.0.35": "secp521r1",
    "urn:oid:1.3.132.0.33": "secp224r1",
    "urn:oid:1.2.840.10045.3.1.1": "secp192r1",
}
_FAST_TRANSFORMS = set(C14N) | {ENVELOPED, XPATH_TRANSFORM, FILTER2}
_ID_XPATH = etree.XPath("//@*[local-name()='Id' or local-name()='ID' or local-name()='id']")


class Refusal(Exception):
    """A verification failure with its verdict and an ETSI-style reason."""

    def __init__(self, verdict: Verdict, reason: str) -> None:
        super().__init__(reason)
        self.verdict = verdict
        self.reason = reason


class Unsupported(Exception):
    """The signature is outside the fast path's profile (see the module docstring)."""


def failed(reason: str) -> Refusal:
    return Refusal(Verdict.TOTAL_FAILED, reason)


def verify_signature_value(
    cert: x509.Certificate, method: str, value: bytes, signed_info_c14n: bytes
) -> bool:
    family, hname = SIGNATURE_METHODS[method]
    algorithm = _HASHES[hname]()
    key = cert.public_key()
    try:
        if family == "ec":
            if not isinstance(key, ec.EllipticCurvePublicKey):
                return False
            n = (key.curve.key_size + 7) // 8
            if len(value) != 2 * n:
                return False
            der = utils.encode_dss_signature(
                int.from_bytes(value[:n], "big"), int.from_bytes(value[n:], "big")
            )
            key.verify(der, signed_info_c14n, ec.ECDSA(algorithm))
        else:
            if not isinstance(key, rsa.RSAPublicKey):
                return False
            pad: padding.AsymmetricPadding = (
                padding.PKCS1v15()
                if family == "rsa"
                else padding.PSS(mgf=padding.MGF1(algorithm), salt_length=algorithm.digest_size)
            )
            key.verify(value, signed_info_c14n, pad, algorithm)
    except CryptoInvalidSignature:
        return False
    return True


def _b64_int(text: str | None) -> int:
    if text is None:
        raise failed("FORMAT_FAILURE: incomplete KeyValue")
    try:
        return int.from_bytes(base64.b64decode(text, validate=True), "big")
    except (binascii.Error, ValueError):
        raise failed("FORMAT_FAILURE: KeyValue is not base64") from None


def key_value_matches(kv: etree._Element, cert: x509.Certificate) -> bool:
    # (tag, URI, text) of the children: hashable, so the comparison is cached per e-seal
    children = tuple((c.tag, c.get("URI"), "".join((c.text or "").split())) for c in kv)
    return _key_value_matches_cached(cert, kv.tag, children)


@functools.lru_cache(maxsize=1024)
def _key_value_matches_cached(
    cert: x509.Certificate, tag: str, children: tuple[tuple[object, str | None, str], ...]
) -> bool:
    text = {child_tag: body for child_tag, _, body in children}
    uri = {child_tag: u for child_tag, u, _ in children}
    key = cert.public_key()
    if tag == RSA_KEY_VALUE:
        if not isinstance(key, rsa.RSAPublicKey):
            return False
        nums = key.public_numbers()
        n = _b64_int(text.get(f"{{{DS}}}Modulus"))
        e = _b64_int(text.get(f"{{{DS}}}Exponent"))
        return (n, e) == (nums.n, nums.e)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    curve = uri.get(f"{{{DSIG11}}}NamedCurve")
    point = text.get(f"{{{DSIG11}}}PublicKey")
    if curve is None or point is None or _EC_CURVES.get(curve) != key.curve.name:
        return False
    try:
        raw = base64.b64decode(point, validate=True)
    except (binascii.Error, ValueError):
        return False
    return raw == key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
