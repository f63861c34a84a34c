"""CRL-based revocation checking for :class:`ezd.signatures.verify.XadesVerifier` (``revocation=``).

``CrlChecker`` fetches the CRL named in a certificate's CRL Distribution Points over HTTP (only
http/https; 127.0.0.1 in tests), verifies the CRL's signature with the issuer's key, and caches it
until nextUpdate.  Answers are ("good" | "revoked" | "unknown" | "no-data", detail); the
verifier maps them to PASSED / REVOKED(_NO_POE) / TRY_LATER / CERTIFICATE_CHAIN_GENERAL_FAILURE.
OCSP is :mod:`ezd.signatures.ocsp`.

Why hand-written and not pyhanko-certvalidator's revocation checking (which PAdES uses): the
XAdES verdicts need the answer *at* the best-signature-time with ezd's proof-of-existence rules
(REVOKED vs REVOKED_NO_POE, see :mod:`ezd.signatures.chain`), and certvalidator folds revocation
into a whole path validation per call (~1.4 ms, where this cached check costs microseconds).
The DSS comparison in tests/signatures keeps the two readings equal on the corpus.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import httpx
from cryptography import x509

Fetcher = Callable[[str], bytes]


def http_fetch(url: str, *, timeout: float = 5.0, max_bytes: int = 10 * 1024 * 1024) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"refusing non-HTTP CRL URL {url!r}")
    with httpx.stream("GET", url, timeout=timeout, follow_redirects=False) as resp:
        resp.raise_for_status()
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise ValueError("CRL too large")
            chunks.append(chunk)
    return b"".join(chunks)


_EXPIRED_CERTS_ON_CRL = x509.ObjectIdentifier("2.5.29.60")


def _lists_expired(crl: x509.CertificateRevocationList) -> bool:
    return any(ext.oid == _EXPIRED_CERTS_ON_CRL for ext in crl.extensions)


def load_crls(directory: Path) -> list[bytes]:
    """The ``*.crl`` files of a trust directory (DER or PEM): revocation data that works offline."""
    return [p.read_bytes() for p in sorted(directory.glob("*.crl"))] if directory.is_dir() else []


def _parse_crl(data: bytes) -> x509.CertificateRevocationList:
    return x509.load_pem_x509_crl(data) if data.startswith(b"-----") else x509.load_der_x509_crl(data)


class CrlChecker:
    """``local``: CRLs known without fetching (e.g. the demo CA's, from the trust directory); one
    whose issuer signed it and whose nextUpdate is not past answers before any URL is tried."""

    def __init__(self, fetch: Fetcher = http_fetch, *, local: Iterable[bytes] = ()) -> None:
        self._fetch = fetch
        self._cache: dict[str, x509.CertificateRevocationList] = {}
        self._lock = threading.Lock()
        self._local = [_parse_crl(c) for c in local]

    def _local_crl(self, issuer: x509.Certificate, at: dt.datetime) -> x509.CertificateRevocationList | None:
        for crl in self._local:
            if (
                crl.issuer == issuer.subject
                and (crl.next_update_utc is None or crl.next_update_utc >= at)
                and crl.is_signature_valid(issuer.public_key())  # type: ignore[arg-type]
            ):
                return crl
        return None

    def _crl(self, url: str, issuer: x509.Certificate, at: dt.datetime) -> x509.CertificateRevocationList:
        with self._lock:
            crl = self._cache.get(url)
        if crl is None or (crl.next_update_utc is not None and crl.next_update_utc < at):
            data = self._fetch(url)
            crl = _parse_crl(data)
            with self._lock:
                self._cache[url] = crl
        if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
            raise ValueError("CRL not signed by the certificate's issuer")
        return crl

    def __call__(self, cert: x509.Certificate, issuer: x509.Certificate, at: dt.datetime) -> tuple[str, str]:
        try:
            dps = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        except x509.ExtensionNotFound:
            return "unknown", "no CRL distribution point"
        urls = [
            n.value
            for dp in dps
            for n in (dp.full_name or [])
            if isinstance(n, x509.UniformResourceIdentifier)
        ]
        errors = []
        local = self._local_crl(issuer, at)
        for url in ["local"] if local is not None else urls:
            try:
                crl = local if local is not None else self._crl(url, issuer, at)
            except Exception as exc:  # network/parse problems make the status unknown, not fatal
                errors.append(f"{url}: {exc}")
                continue
            entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
            if entry is None and crl.last_update_utc > cert.not_valid_after_utc and not _lists_expired(crl):
                # RFC 5280 §3.3: CAs may drop expired certificates from their CRLs, so absence
                # from a CRL issued after notAfter proves nothing (unless ExpiredCertsOnCRL)
                return "no-data", f"CRL {url} was issued after the certificate expired"
            if entry is None:
                return "good", f"not on CRL {url} (thisUpdate {crl.last_update_utc.isoformat()})"
            when = entry.revocation_date_utc
            if when <= at:
                return "revoked", f"revoked {when.isoformat()} per {url}"
            return "good", f"revoked only after validation time ({when.isoformat()})"
        return "unknown", "; ".join(errors) or "no usable CRL URL"
