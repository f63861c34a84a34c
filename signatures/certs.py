"""Certificates as the verifier sees them: loading trust anchors, and per-certificate facts
(DER, digests, names, QcStatements) computed once per certificate object."""

from __future__ import annotations

import base64
import functools
import hashlib
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ezd.signatures.qc import DERError, read_qc_statements


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


def der(cert: x509.Certificate) -> bytes:
    return _fact(cert).der


def cert_digest(cert: x509.Certificate, hash_name: str) -> bytes:
    f = _fact(cert)
    d = f.digests.get(hash_name)
    if d is None:
        d = f.digests[hash_name] = hashlib.new(hash_name, f.der).digest()
    return d


def names(cert: x509.Certificate) -> tuple[bytes, bytes]:
    """(issuer, subject) DER names."""
    return _fact(cert).names


def subject(cert: x509.Certificate) -> str:
    f = _fact(cert)
    if f.subject is None:
        f.subject = cert.subject.rfc4514_string()
    return f.subject


def qc_facts(cert: x509.Certificate) -> Any:
    f = _fact(cert)
    if f.qc is None:
        try:
            f.qc = read_qc_statements(cert)
        except DERError as exc:
            f.qc = exc
    return f.qc


def ext(cert: x509.Certificate, cls: type[Any]) -> Any:
    try:
        return cert.extensions.get_extension_for_class(cls).value
    except x509.ExtensionNotFound:
        return None


def has_revocation_pointer(cert: x509.Certificate) -> bool:
    if ext(cert, x509.CRLDistributionPoints) is not None:
        return True
    aia = ext(cert, x509.AuthorityInformationAccess)
    return aia is not None and any(d.access_method == x509.AuthorityInformationAccessOID.OCSP for d in aia)


def b64_cert(text: str | None) -> x509.Certificate:
    return _cert_from_b64("".join((text or "").split()))


@functools.lru_cache(maxsize=1024)
def _cert_from_b64(b64: str) -> x509.Certificate:
    return x509.load_der_x509_certificate(base64.b64decode(b64))
