"""WS-Security X.509 signing of SOAP 1.1 messages (ePUAP ``sign-policy.wsdl``).

The policy ePUAP publishes: asymmetric binding, the initiator's X.509v3 token always sent to the
recipient, a Timestamp included, algorithm suite Basic256Sha256, signed part = the SOAP Body.  So
:func:`sign_soap` adds to ``soapenv:Header``::

    wsse:Security (mustUnderstand=1)
      wsu:Timestamp wsu:Id=TS-…        Created / Expires (UTC, ``ttl_s`` apart)
      wsse:BinarySecurityToken wsu:Id=X509-…   the certificate, DER base64, ValueType X509v3
      ds:Signature
        ds:SignedInfo   exclusive c14n, RSA-SHA256
          ds:Reference URI=#Body-…  (exc-c14n transform, SHA-256 digest)
          ds:Reference URI=#TS-…
        ds:SignatureValue
        ds:KeyInfo/wsse:SecurityTokenReference/wsse:Reference URI=#X509-…

and a ``wsu:Id`` on ``soapenv:Body``.  Written with lxml + cryptography rather than signxml
because signxml does not know WS-Security tokens (KeyInfo by SecurityTokenReference) nor
``wsu:Id`` references.

:func:`verify_soap` is the strict counterpart (used by the test fake of ePUAP and usable for
signed answers): only the algorithms above are accepted, every ``wsu:Id``/``Id`` must be unique
(no signature-wrapping by a second element with the same id), the *actual* Body (the Envelope's
child) and the Timestamp of the same Security header must be among the signed references.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree

from ezd import xmlsafe
from ezd.records.errors import EzdError

NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS_WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
NS_WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
BASE64_BINARY = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)
WSU_ID = f"{{{NS_WSU}}}Id"
DEFAULT_TTL_S = 300
DEFAULT_SKEW_S = 60  # tolerated clock difference between the two sides


class WsSecurityError(EzdError, ValueError):
    """The message carries no valid WS-Security signature.

    ``fault`` is the WS-Security 1.0 fault code a server answers with (``InvalidSecurity``,
    ``FailedCheck``, ``MessageExpired``, ``InvalidSecurityToken``, ``FailedAuthentication``).
    """

    def __init__(self, fault: str, message: str) -> None:
        super().__init__(message)
        self.fault = fault


@dataclass(frozen=True)
class SystemCertificate:
    """The private key + certificate the office registered in ePUAP for its system."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate


@dataclass(frozen=True)
class VerifiedSoap:
    root: etree._Element
    certificate: x509.Certificate
    created: dt.datetime
    expires: dt.datetime


def load_system_certificate(source: Path | bytes, password: str | bytes | None) -> SystemCertificate:
    """Open the PKCS#12 file (or bytes) once; one clear ValueError when it is unusable."""
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ValueError(f"cannot read the ePUAP system certificate {source}: {exc.strerror}") from None
    pw = password.encode() if isinstance(password, str) else password
    try:
        key, cert, _ = pkcs12.load_key_and_certificates(data, pw or None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"cannot open the ePUAP system certificate (PKCS#12): {exc}") from None
    if key is None or cert is None:
        raise ValueError("the ePUAP system certificate PKCS#12 holds no private key or no certificate")
    if not isinstance(key, rsa.RSAPrivateKey):
        # sign-policy.wsdl: Basic256Sha256 = RSA-SHA256; ePUAP does not take EC keys
        raise ValueError(f"the ePUAP system certificate must have an RSA key, not {type(key).__name__}")
    return SystemCertificate(key, cert)


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _c14n(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n", exclusive=True, with_comments=False)


def _digest(el: etree._Element) -> str:
    return base64.b64encode(hashlib.sha256(_c14n(el)).digest()).decode()


def _utc(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)


def sign_soap(
    envelope_bytes: bytes,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    *,
    ttl_s: int = DEFAULT_TTL_S,
    now: dt.datetime | None = None,
) -> bytes:
    """``envelope_bytes`` (a SOAP 1.1 Envelope) with a WS-Security header signed by ``key``."""
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("WS-Security signing needs an RSA key (RSA-SHA256)")
    if ttl_s <= 0:
        raise ValueError("the Timestamp lifetime must be positive")
    root = xmlsafe.parse(envelope_bytes)
    if root.tag != _q(NS_SOAP, "Envelope"):
        raise ValueError("not a SOAP 1.1 Envelope")
    body = root.find(_q(NS_SOAP, "Body"))
    if body is None:
        raise ValueError("the SOAP Envelope has no Body")
    if root.find(f"{_q(NS_SOAP, 'Header')}/{_q(NS_WSSE, 'Security')}") is not None:
        raise ValueError("the SOAP message already has a wsse:Security header")
    header = root.find(_q(NS_SOAP, "Header"))
    if header is None:
        header = etree.Element(_q(NS_SOAP, "Header"))
        body.addprevious(header)

    suffix = uuid.uuid4().hex
    body_id, ts_id, token_id = f"Body-{suffix}", f"TS-{suffix}", f"X509-{suffix}"
    body.set(WSU_ID, body_id)  # lxml declares wsu on Body: part of what the digest covers

    security = etree.SubElement(header, _q(NS_WSSE, "Security"), nsmap={"wsse": NS_WSSE, "wsu": NS_WSU})
    security.set(_q(NS_SOAP, "mustUnderstand"), "1")
    created = _now(now)
    ts = etree.SubElement(security, _q(NS_WSU, "Timestamp"))
    ts.set(WSU_ID, ts_id)
    etree.SubElement(ts, _q(NS_WSU, "Created")).text = _utc(created)
    etree.SubElement(ts, _q(NS_WSU, "Expires")).text = _utc(created + dt.timedelta(seconds=ttl_s))
    token = etree.SubElement(security, _q(NS_WSSE, "BinarySecurityToken"))
    token.set("EncodingType", BASE64_BINARY)
    token.set("ValueType", X509V3)
    token.set(WSU_ID, token_id)
    token.text = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()

    sig = etree.SubElement(security, _q(NS_DS, "Signature"), nsmap={"ds": NS_DS})
    signed_info = etree.SubElement(sig, _q(NS_DS, "SignedInfo"))
    etree.SubElement(signed_info, _q(NS_DS, "CanonicalizationMethod"), Algorithm=EXC_C14N)
    etree.SubElement(signed_info, _q(NS_DS, "SignatureMethod"), Algorithm=RSA_SHA256)
    for ref_id, target in ((body_id, body), (ts_id, ts)):
        ref = etree.SubElement(signed_info, _q(NS_DS, "Reference"), URI=f"#{ref_id}")
        transforms = etree.SubElement(ref, _q(NS_DS, "Transforms"))
        etree.SubElement(transforms, _q(NS_DS, "Transform"), Algorithm=EXC_C14N)
        etree.SubElement(ref, _q(NS_DS, "DigestMethod"), Algorithm=SHA256)
        # digested in place: exclusive c14n renders only the namespaces the element uses
        etree.SubElement(ref, _q(NS_DS, "DigestValue")).text = _digest(target)
    value = key.sign(_c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())
    etree.SubElement(sig, _q(NS_DS, "SignatureValue")).text = base64.b64encode(value).decode()
    key_info = etree.SubElement(sig, _q(NS_DS, "KeyInfo"))
    str_ = etree.SubElement(key_info, _q(NS_WSSE, "SecurityTokenReference"))
    etree.SubElement(str_, _q(NS_WSSE, "Reference"), URI=f"#{token_id}", ValueType=X509V3)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _one(parent: etree._Element, tag: str, what: str, fault: str = "InvalidSecurity") -> etree._Element:
    found = parent.findall(tag)
    if len(found) != 1:
        raise WsSecurityError(fault, f"expected exactly one {what}, found {len(found)}")
    return found[0]


def _algorithm(parent: etree._Element, tag: str, expected: str) -> None:
    el = _one(parent, tag, etree.QName(tag).localname)
    if el.get("Algorithm") != expected:
        raise WsSecurityError(
            "UnsupportedAlgorithm", f"{etree.QName(tag).localname} {el.get('Algorithm')!r} is not allowed"
        )


def _time(ts: etree._Element, name: str) -> dt.datetime:
    text = (ts.findtext(_q(NS_WSU, name)) or "").strip()
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise WsSecurityError("InvalidSecurity", f"Timestamp {name} {text!r} is not a date-time") from None
    if value.tzinfo is None:
        raise WsSecurityError("InvalidSecurity", f"Timestamp {name} {text!r} has no time zone")
    return value.astimezone(dt.UTC)


def _b64(text: str | None, what: str) -> bytes:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except ValueError:
        raise WsSecurityError("InvalidSecurity", f"{what} is not base64") from None


def verify_soap(
    data: bytes,
    *,
    now: dt.datetime | None = None,
    max_skew_s: int = DEFAULT_SKEW_S,
    trusted: tuple[x509.Certificate, ...] | None = None,
) -> VerifiedSoap:
    """Check the WS-Security signature of a SOAP 1.1 message; raise :class:`WsSecurityError`.

    ``trusted``: when given, the signing certificate must be one of these (the recipient's
    registry of system certificates); otherwise only the signature itself is checked.
    """
    try:
        root = xmlsafe.parse(data)
    except xmlsafe.XMLRejected as exc:
        raise WsSecurityError("InvalidSecurity", str(exc)) from None
    if root.tag != _q(NS_SOAP, "Envelope"):
        raise WsSecurityError("InvalidSecurity", "not a SOAP 1.1 Envelope")
    body = _one(root, _q(NS_SOAP, "Body"), "soapenv:Body")
    header = root.find(_q(NS_SOAP, "Header"))
    if header is None or header.find(_q(NS_WSSE, "Security")) is None:
        raise WsSecurityError("InvalidSecurity", "the message is not signed (no wsse:Security header)")
    security = _one(header, _q(NS_WSSE, "Security"), "wsse:Security")
    ts = _one(security, _q(NS_WSU, "Timestamp"), "wsu:Timestamp")
    sig = _one(security, _q(NS_DS, "Signature"), "ds:Signature")

    # unique ids across the whole message: a second element carrying the Body's id would let a
    # signed copy hide somewhere while the server processes a forged Body
    ids: dict[str, etree._Element] = {}
    for el in root.iter():
        for attr in (WSU_ID, "Id", "ID"):
            ident = el.get(attr)
            if ident is None:
                continue
            if ident in ids:
                raise WsSecurityError("InvalidSecurity", f"the id {ident!r} occurs more than once")
            ids[ident] = el

    signed_info = _one(sig, _q(NS_DS, "SignedInfo"), "ds:SignedInfo")
    _algorithm(signed_info, _q(NS_DS, "CanonicalizationMethod"), EXC_C14N)
    _algorithm(signed_info, _q(NS_DS, "SignatureMethod"), RSA_SHA256)
    signed: list[etree._Element] = []
    for ref in signed_info.findall(_q(NS_DS, "Reference")):
        uri = ref.get("URI") or ""
        target = ids.get(uri[1:]) if uri.startswith("#") else None
        if target is None:
            raise WsSecurityError("InvalidSecurity", f"signed reference {uri!r} points at nothing here")
        transforms = ref.find(_q(NS_DS, "Transforms"))
        algs = [t.get("Algorithm") for t in (transforms if transforms is not None else [])]
        if algs != [EXC_C14N]:
            raise WsSecurityError("UnsupportedAlgorithm", f"reference {uri}: transforms {algs} not allowed")
        _algorithm(ref, _q(NS_DS, "DigestMethod"), SHA256)
        if (
            _b64(ref.findtext(_q(NS_DS, "DigestValue")), "DigestValue")
            != hashlib.sha256(_c14n(target)).digest()
        ):
            what = "Body" if target is body else etree.QName(target).localname
            raise WsSecurityError("FailedCheck", f"the digest of the signed {what} does not match")
        signed.append(target)
    if not any(t is body for t in signed):
        raise WsSecurityError("FailedCheck", "the SOAP Body is not covered by the signature")
    if not any(t is ts for t in signed):
        raise WsSecurityError("FailedCheck", "the Timestamp is not covered by the signature")

    # the key: KeyInfo → SecurityTokenReference → BinarySecurityToken (X509v3) in this header
    key_info = _one(sig, _q(NS_DS, "KeyInfo"), "ds:KeyInfo")
    str_ = _one(key_info, _q(NS_WSSE, "SecurityTokenReference"), "wsse:SecurityTokenReference")
    ref_uri = _one(str_, _q(NS_WSSE, "Reference"), "wsse:Reference").get("URI") or ""
    token = ids.get(ref_uri[1:]) if ref_uri.startswith("#") else None
    if token is None or token.tag != _q(NS_WSSE, "BinarySecurityToken") or token.getparent() is not security:
        raise WsSecurityError(
            "SecurityTokenUnavailable", f"the signing token {ref_uri!r} is not in the header"
        )
    if token.get("ValueType") != X509V3:
        raise WsSecurityError("InvalidSecurityToken", f"token type {token.get('ValueType')!r} is not X509v3")
    try:
        cert = x509.load_der_x509_certificate(_b64(token.text, "BinarySecurityToken"))
    except ValueError:
        raise WsSecurityError("InvalidSecurityToken", "the token is not an X.509 certificate") from None
    public_key = cert.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise WsSecurityError("InvalidSecurityToken", "the signing certificate has no RSA key")
    try:
        public_key.verify(
            _b64(sig.findtext(_q(NS_DS, "SignatureValue")), "SignatureValue"),
            _c14n(signed_info),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        raise WsSecurityError("FailedCheck", "the signature value does not match the certificate") from None

    moment = _now(now)
    skew = dt.timedelta(seconds=max_skew_s)
    created, expires = _time(ts, "Created"), _time(ts, "Expires")
    if created > moment + skew:
        raise WsSecurityError("MessageExpired", f"the Timestamp was created in the future ({_utc(created)})")
    if expires <= moment - skew:
        raise WsSecurityError("MessageExpired", f"the Timestamp expired at {_utc(expires)}")
    if not cert.not_valid_before_utc - skew <= moment <= cert.not_valid_after_utc + skew:
        raise WsSecurityError("InvalidSecurityToken", "the signing certificate is not valid now")
    if trusted is not None and cert not in trusted:
        subject = cert.subject.rfc4514_string()
        raise WsSecurityError("FailedAuthentication", f"the certificate {subject} is not registered")
    return VerifiedSoap(root, cert, created, expires)


__all__ = [
    "SystemCertificate",
    "VerifiedSoap",
    "WsSecurityError",
    "load_system_certificate",
    "sign_soap",
    "verify_soap",
]
