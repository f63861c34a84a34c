"""OCSP revocation checking (RFC 6960) and a CRL+OCSP combination for ``XadesVerifier(revocation=)``.

:class:`OcspChecker` asks the responder named in the certificate's Authority Information Access
(HTTP POST, ``application/ocsp-request``; 127.0.0.1 in tests) and accepts an answer only if

* the response is SUCCESSFUL and about exactly this certificate (issuer name/key hashes, serial);
* it is signed by the issuing CA itself or by a responder certificate the CA issued with the
  id-kp-OCSPSigning EKU (delegated responder, RFC 6960 §4.2.2.2);
* it is fresh: thisUpdate not in the future, nextUpdate (if any) not in the past.

Good answers are cached per (issuer key, serial) until nextUpdate (or ``default_ttl``), which is
what makes repeated verification cheap.  Answers: ("good" | "revoked" | "unknown", detail).

:class:`RevocationChain` tries checkers in order (OCSP first, then CRL) and returns the first
definite answer.

Hand-written for the same reason as :mod:`ezd.signatures.revocation` (time-of-POE answers and
per-call cost); the parsing and signature checks use ``cryptography``'s OCSP support, not our own
ASN.1.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp

Poster = Callable[[str, bytes], bytes]
Checker = Callable[[x509.Certificate, x509.Certificate, dt.datetime], tuple[str, str]]


def http_post(url: str, body: bytes, *, timeout: float = 5.0, max_bytes: int = 1024 * 1024) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"refusing non-HTTP OCSP URL {url!r}")
    resp = httpx.post(
        url, content=body, headers={"Content-Type": "application/ocsp-request"}, timeout=timeout
    )
    resp.raise_for_status()
    if len(resp.content) > max_bytes:
        raise ValueError("OCSP response too large")
    return resp.content


def _verify(cert: x509.Certificate, signature: bytes, data: bytes, algorithm: hashes.HashAlgorithm) -> None:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, data, padding.PKCS1v15(), algorithm)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, data, ec.ECDSA(algorithm))
    else:
        raise ValueError(f"unsupported OCSP responder key {type(key).__name__}")


def ocsp_urls(cert: x509.Certificate) -> list[str]:
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return []
    return [
        d.access_location.value
        for d in aia
        if d.access_method == x509.AuthorityInformationAccessOID.OCSP
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
    ]


class OcspChecker:
    def __init__(
        self, post: Poster = http_post, *, default_ttl: dt.timedelta = dt.timedelta(minutes=5)
    ) -> None:
        self._post = post
        self._ttl = default_ttl
        # (issuer key, serial) -> (status, revocation time, source, cache expiry)
        self._cache: dict[
            tuple[bytes, int], tuple[ocsp.OCSPCertStatus, dt.datetime | None, str, dt.datetime]
        ] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _answer(
        status: ocsp.OCSPCertStatus, revoked_at: dt.datetime | None, source: str, at: dt.datetime
    ) -> tuple[str, str]:
        if status == ocsp.OCSPCertStatus.GOOD:
            return "good", f"good per {source}"
        if revoked_at is None:  # "revoked" with no time cannot be placed after validation time
            return "revoked", f"revoked (no revocation time given) per {source}"
        if revoked_at <= at:
            return "revoked", f"revoked {revoked_at.isoformat()} per {source}"
        return "good", f"revoked only after validation time ({revoked_at.isoformat()}) per {source}"

    def _responder_ok(self, resp: ocsp.OCSPResponse, issuer: x509.Certificate, at: dt.datetime) -> None:
        """Raise ValueError unless ``resp`` is signed by ``issuer`` or its delegated responder."""
        algorithm = resp.signature_hash_algorithm
        if algorithm is None:
            raise ValueError("OCSP response signature algorithm unsupported")
        candidates = [issuer, *resp.certificates]
        for signer in candidates:
            if signer is not issuer:
                # a delegated responder: issued by the CA, OCSPSigning EKU, valid now
                try:
                    signer.verify_directly_issued_by(issuer)
                    eku = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
                except (ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound):
                    continue
                if x509.oid.ExtendedKeyUsageOID.OCSP_SIGNING not in eku:
                    continue
                if not signer.not_valid_before_utc <= at <= signer.not_valid_after_utc:
                    continue
            try:
                _verify(signer, resp.signature, resp.tbs_response_bytes, algorithm)
                return
            except InvalidSignature:
                continue
        raise ValueError("OCSP response not signed by the issuer or an authorised responder")

    def __call__(self, cert: x509.Certificate, issuer: x509.Certificate, at: dt.datetime) -> tuple[str, str]:
        urls = ocsp_urls(cert)
        if not urls:
            return "unknown", "no OCSP responder in the certificate"
        key = (
            issuer.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
            cert.serial_number,
        )
        now = dt.datetime.now(dt.UTC)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[3] > now:
            return self._answer(hit[0], hit[1], hit[2] + " (cached)", at)
        req = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1()).build()
        errors = []
        for url in urls:
            try:
                resp = ocsp.load_der_ocsp_response(
                    self._post(url, req.public_bytes(serialization.Encoding.DER))
                )
                if resp.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
                    raise ValueError(f"responder status {resp.response_status.name}")
                if resp.serial_number != cert.serial_number:
                    raise ValueError("response is about another certificate")
                if (
                    resp.issuer_key_hash != req.issuer_key_hash
                    or resp.issuer_name_hash != req.issuer_name_hash
                ):
                    raise ValueError("response is about another issuer")
                self._responder_ok(resp, issuer, now)
                this_update = resp.this_update_utc
                next_update = resp.next_update_utc
                if this_update > now + dt.timedelta(minutes=5):
                    raise ValueError("response thisUpdate is in the future")
                if next_update is not None and next_update < now:
                    raise ValueError("response is stale (nextUpdate passed)")
            except Exception as exc:  # network/parse/signature problems: unknown, never "good"
                errors.append(f"{url}: {exc}")
                continue
            status = resp.certificate_status
            if status == ocsp.OCSPCertStatus.UNKNOWN:
                return "unknown", f"OCSP responder {url} does not know the certificate"
            source = f"OCSP {url} (thisUpdate {this_update.isoformat()})"
            with self._lock:
                self._cache[key] = (status, resp.revocation_time_utc, source, next_update or now + self._ttl)
            return self._answer(status, resp.revocation_time_utc, source, at)
        return "unknown", "; ".join(errors)


class RevocationChain:
    """First definite (good/revoked) answer of several checkers, e.g. OCSP then CRL."""

    def __init__(self, checkers: Sequence[Checker]) -> None:
        self._checkers = list(checkers)

    def __call__(self, cert: x509.Certificate, issuer: x509.Certificate, at: dt.datetime) -> tuple[str, str]:
        details = []
        for check in self._checkers:
            status, detail = check(cert, issuer, at)
            if status in ("good", "revoked"):
                return status, detail
            details.append(detail)
        return "unknown", "; ".join(details)


__all__ = ["OcspChecker", "RevocationChain", "ocsp_urls"]
