"""RFC 3161 time-stamps: requesting them from a TSA and verifying tokens (for XAdES-T).

* :class:`TsaClient` — ``TimeStampReq`` (SHA-256 imprint, random nonce, certReq) POSTed as
  ``application/timestamp-query``; the ``TimeStampResp`` must be granted, echo our nonce and
  imprint, and carry a token that verifies (:func:`verify_token`) — a TSA answering garbage is an
  error at signing time, not a surprise at verification time.
* :func:`verify_token` — CMS SignedData checks: eContentType id-ct-TSTInfo, messageImprint equals
  the hash of the time-stamped data, signed attributes (content-type, message-digest of the
  TSTInfo), the signer's signature over the DER SET of signed attributes, the signer certificate
  found by issuer+serial among the token's certificates and carrying the critical
  id-kp-timeStamping EKU.  The TSA certificate's path to a trust anchor is the caller's job
  (the verifier reuses its own path building).

Parsing is asn1crypto (pure Python, no I/O); signatures are checked with ``cryptography``.

Why the token check stays hand-written (issue 16 asks for pyHanko where it serves): pyHanko's
``validate_tst_signed_data`` has no integrity-only mode — it always runs a certvalidator path
validation of the TSA certificate, which the verifier does itself with the TSA anchors and its
cached path building (DSS's order of checks, test_sig_dss_agreement.py) — and it cost 55 ms per
token against 2.3 ms here (measured on the loaded 2-core CI machine).  Its verdicts on the same
tokens are compared with these in tests/signatures/test_sig_tsp_pyhanko.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from asn1crypto import algos, cms, core, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from ezd.signatures.errors import TimestampError

MAX_RESPONSE = 1024 * 1024
_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "sha512": hashes.SHA512(),
    "sha1": hashes.SHA1(),
}


class TokenInvalid(ValueError):
    """The time-stamp token does not verify; ``reason`` is an ETSI-style indication."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TimestampInfo:
    gen_time: dt.datetime
    tsa_certificate: x509.Certificate
    certificates: tuple[x509.Certificate, ...]  # all certificates carried in the token
    serial: int
    hash_algorithm: str
    policy: str


def _digest(name: str, data: bytes) -> bytes:
    if name not in _HASHES:
        raise TokenInvalid(f"CRYPTO_CONSTRAINTS_FAILURE: unsupported time-stamp hash {name}")
    return hashlib.new(name, data).digest()


def _verify_sig(cert: x509.Certificate, signature: bytes, data: bytes, digest: str, sig_alg: str) -> None:
    key = cert.public_key()
    h = _HASHES[digest]
    if isinstance(key, rsa.RSAPublicKey):
        pad: padding.AsymmetricPadding = padding.PKCS1v15()
        if sig_alg == "rsassa_pss":
            pad = padding.PSS(mgf=padding.MGF1(h), salt_length=padding.PSS.AUTO)
        key.verify(signature, data, pad, h)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, data, ec.ECDSA(h))
    else:
        raise TokenInvalid(f"CRYPTO_CONSTRAINTS_FAILURE: unsupported TSA key {type(key).__name__}")


def verify_token(token: bytes, data: bytes) -> TimestampInfo:
    """Verify an RFC 3161 TimeStampToken (DER ContentInfo) over ``data``; raises TokenInvalid."""
    try:
        ci = cms.ContentInfo.load(token, strict=True)
        if ci["content_type"].native != "signed_data":
            raise TokenInvalid("FORMAT_FAILURE: time-stamp token is not CMS SignedData")
        sd = ci["content"]
        encap = sd["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            raise TokenInvalid("FORMAT_FAILURE: time-stamp token does not carry TSTInfo")
        tst_der = encap["content"].contents  # OCTET STRING value: the DER TSTInfo
        tst = tsp.TSTInfo.load(tst_der, strict=True)
        imprint = tst["message_imprint"]
        hash_name = imprint["hash_algorithm"]["algorithm"].native
        if imprint["hashed_message"].native != _digest(hash_name, data):
            raise TokenInvalid("HASH_FAILURE: time-stamp imprint does not match the time-stamped data")
        signer_infos = sd["signer_infos"]
        if len(signer_infos) != 1:
            raise TokenInvalid("FORMAT_FAILURE: time-stamp token must have exactly one signer")
        si = signer_infos[0]
        sid = si["sid"]
        certs = [
            x509.load_der_x509_certificate(c.chosen.dump())
            for c in (sd["certificates"] or [])
            if c.name == "certificate"
        ]
        tsa_cert = None
        if sid.name == "issuer_and_serial_number":
            want_serial = sid.chosen["serial_number"].native
            want_issuer = sid.chosen["issuer"].dump()
            for c in certs:
                if c.serial_number == want_serial and c.issuer.public_bytes() == want_issuer:
                    tsa_cert = c
        else:
            ski = sid.chosen.native
            for c in certs:
                try:
                    if c.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest == ski:
                        tsa_cert = c
                except x509.ExtensionNotFound:
                    continue
        if tsa_cert is None:
            raise TokenInvalid("NO_SIGNING_CERTIFICATE_FOUND: TSA certificate not in the token")
        digest_name = si["digest_algorithm"]["algorithm"].native
        signed_attrs = si["signed_attrs"]
        if not signed_attrs:
            raise TokenInvalid("FORMAT_FAILURE: time-stamp token without signed attributes")
        attrs = {a["type"].native: a["values"] for a in signed_attrs}
        if "message_digest" not in attrs or "content_type" not in attrs:
            raise TokenInvalid("FORMAT_FAILURE: time-stamp signed attributes incomplete")
        if attrs["content_type"][0].native != "tst_info":
            raise TokenInvalid("FORMAT_FAILURE: time-stamp content-type attribute is not TSTInfo")
        if attrs["message_digest"][0].native != _digest(digest_name, tst_der):
            raise TokenInvalid("HASH_FAILURE: time-stamp message-digest does not match TSTInfo")
        # the signature covers the attributes' original DER with the [0] tag replaced by SET OF
        # (RFC 5652 §5.4); re-encoding could reorder them and break genuine tokens
        to_verify = b"\x31" + signed_attrs.dump()[1:]
        sig_alg = si["signature_algorithm"]["algorithm"].native
        try:
            _verify_sig(tsa_cert, si["signature"].native, to_verify, digest_name, sig_alg)
        except InvalidSignature:
            raise TokenInvalid("SIG_CRYPTO_FAILURE: time-stamp token signature is invalid") from None
        try:
            eku = tsa_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
            if x509.oid.ExtendedKeyUsageOID.TIME_STAMPING not in eku.value:
                raise TokenInvalid("CHAIN_CONSTRAINTS_FAILURE: TSA certificate lacks id-kp-timeStamping")
        except x509.ExtensionNotFound:
            raise TokenInvalid(
                "CHAIN_CONSTRAINTS_FAILURE: TSA certificate has no extended key usage"
            ) from None
        gen_time = tst["gen_time"].native
        if gen_time.tzinfo is None:
            gen_time = gen_time.replace(tzinfo=dt.UTC)
        return TimestampInfo(
            gen_time=gen_time,
            tsa_certificate=tsa_cert,
            certificates=tuple(certs),
            serial=tst["serial_number"].native,
            hash_algorithm=hash_name,
            policy=tst["policy"].native,
        )
    except TokenInvalid:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise TokenInvalid(f"FORMAT_FAILURE: unparsable time-stamp token: {exc}") from None


Poster = Callable[[str, bytes], bytes]


def _http_post(url: str, body: bytes, timeout: float = 10.0) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise TimestampError(f"refusing non-HTTP TSA URL {url!r}")
    try:
        resp = httpx.post(
            url, content=body, headers={"Content-Type": "application/timestamp-query"}, timeout=timeout
        )
    except httpx.HTTPError as exc:
        raise TimestampError(f"TSA {url} unreachable: {exc}") from exc
    if resp.status_code != 200:
        raise TimestampError(f"TSA {url} answered HTTP {resp.status_code}")
    if len(resp.content) > MAX_RESPONSE:
        raise TimestampError("TSA response too large")
    return resp.content


class TsaClient:
    """Gets RFC 3161 tokens from ``url``.  Callable: ``client(data) -> token DER``."""

    def __init__(self, url: str, *, hash_algorithm: str = "sha256", post: Poster | None = None) -> None:
        self.url = url
        self.hash_algorithm = hash_algorithm
        self._post = post or _http_post

    def __call__(self, data: bytes) -> bytes:
        nonce = secrets.randbits(63)
        imprint = hashlib.new(self.hash_algorithm, data).digest()
        req = tsp.TimeStampReq(
            {
                "version": "v1",
                "message_imprint": tsp.MessageImprint(
                    {
                        "hash_algorithm": algos.DigestAlgorithm({"algorithm": self.hash_algorithm}),
                        "hashed_message": imprint,
                    }
                ),
                "nonce": nonce,
                "cert_req": True,
            }
        )
        raw = self._post(self.url, req.dump())
        try:
            # status first: a refusal carries no token, which asn1crypto's schema would reject
            outer = core.Sequence.load(raw, strict=True)
            status_info = tsp.PKIStatusInfo.load(outer[0].dump())
            status = status_info["status"].native
            if status not in ("granted", "granted_with_mods"):
                text = status_info["status_string"].native
                raise TimestampError(f"TSA refused the request: {status} {text or ''}".strip())
            resp = tsp.TimeStampResp.load(raw, strict=True)
            token_ci = resp["time_stamp_token"]
            token = token_ci.dump()
            tst = tsp.TSTInfo.load(token_ci["content"]["encap_content_info"]["content"].contents)
            if tst["nonce"].native != nonce:
                raise TimestampError("TSA answer does not echo our nonce (replayed or foreign token)")
        except TimestampError:
            raise
        except (ValueError, TypeError, KeyError) as exc:
            raise TimestampError(f"unusable TSA response: {exc}") from None
        try:
            verify_token(token, data)
        except TokenInvalid as exc:
            raise TimestampError(f"TSA returned an invalid token: {exc.reason}") from None
        return token


__all__ = ["TimestampInfo", "TokenInvalid", "TsaClient", "verify_token"]
