"""A demo/test PKI built in code: root CA → intermediate CA → office e-seal (pieczęć elektroniczna).

Used by tests, the demo and the benchmarks; never for production keys.  Certificates use fixed
serial numbers and fixed validity windows so that test output is stable; only the key material
is random (generating it is what costs time: ~0.1 s for three RSA-2048 keys, ~1 ms for P-256).

The e-seal certificate has an organization-type subject (O + organizationIdentifier, no personal
data) and a qcStatements extension claiming QcCompliance, QcSSCD and QcType=eseal, so code that
reads qualified-certificate statements can be exercised without a real trust-service provider.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ezd.signatures.qc import qc_statements_extension

KeyType = Literal["rsa", "ec"]
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

UTC = dt.UTC
# Fixed windows: stable across runs, valid "now" for well over a decade.
CA_NOT_BEFORE = dt.datetime(2024, 1, 1, tzinfo=UTC)
CA_NOT_AFTER = dt.datetime(2045, 1, 1, tzinfo=UTC)
LEAF_NOT_BEFORE = dt.datetime(2024, 6, 1, tzinfo=UTC)
LEAF_NOT_AFTER = dt.datetime(2040, 1, 1, tzinfo=UTC)


def generate_key(key_type: KeyType = "rsa") -> PrivateKey:
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unknown key type {key_type!r}")


def _serial(label: str) -> int:
    # deterministic, positive, < 2**159 (RFC 5280 allows up to 20 octets)
    return int.from_bytes(hashlib.sha256(label.encode()).digest()[:16], "big") | 1


def ca_name(common_name: str, org: str = "ezd Demo Trust Services") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def eseal_name(org_name: str, org_identifier: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org_name),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, org_identifier),
            x509.NameAttribute(NameOID.COMMON_NAME, org_name),
        ]
    )


def issue_certificate(
    *,
    subject: x509.Name,
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    issuer_cert: x509.Certificate | None,
    issuer_key: PrivateKey,
    not_before: dt.datetime,
    not_after: dt.datetime,
    serial: int | None = None,
    ca: bool = False,
    path_length: int | None = None,
    qc_types: tuple[str, ...] | None = None,
    extended_key_usages: Sequence[x509.ObjectIdentifier] = (),
    crl_url: str | None = None,
    ocsp_url: str | None = None,
) -> x509.Certificate:
    """Issue one certificate (self-signed when ``issuer_cert`` is None).  Test/demo use only."""
    issuer_name = subject if issuer_cert is None else issuer_cert.subject
    ski = x509.SubjectKeyIdentifier.from_public_key(public_key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(serial if serial is not None else _serial(subject.rfc4514_string() + str(not_before)))
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=True)
        .add_extension(ski, critical=False)
    )
    if issuer_cert is None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False
        )
    else:
        issuer_ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski), critical=False
        )
    if ca:
        usage = x509.KeyUsage(
            digital_signature=False,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=True,
            crl_sign=True,
            encipher_only=False,
            decipher_only=False,
        )
    else:
        # e-seal: digitalSignature + nonRepudiation (contentCommitment), as in qualified seal profiles
        usage = x509.KeyUsage(
            digital_signature=True,
            content_commitment=True,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        )
    builder = builder.add_extension(usage, critical=True)
    if extended_key_usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(extended_key_usages)), critical=True)
    if qc_types is not None:
        builder = builder.add_extension(qc_statements_extension(qc_types=qc_types), critical=False)
    if crl_url:
        dp = x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)],
            relative_name=None,
            reasons=None,
            crl_issuer=None,
        )
        builder = builder.add_extension(x509.CRLDistributionPoints([dp]), critical=False)
    if ocsp_url:
        aia = x509.AccessDescription(
            x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
        )
        builder = builder.add_extension(x509.AuthorityInformationAccess([aia]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass(frozen=True)
class DemoPki:
    directory: Path
    password: bytes
    key_type: KeyType
    ca_cert: x509.Certificate
    ca_key: PrivateKey
    intermediate_cert: x509.Certificate
    intermediate_key: PrivateKey
    eseal_cert: x509.Certificate
    eseal_key: PrivateKey

    @property
    def ca_pem(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def intermediate_pem(self) -> Path:
        return self.directory / "intermediate.pem"

    @property
    def eseal_p12(self) -> Path:
        return self.directory / "eseal.p12"

    def issue_eseal(
        self,
        org_name: str,
        *,
        org_identifier: str = "VATPL-0000000000",
        not_before: dt.datetime = LEAF_NOT_BEFORE,
        not_after: dt.datetime = LEAF_NOT_AFTER,
        key: PrivateKey | None = None,
        crl_url: str | None = None,
        ocsp_url: str | None = None,
    ) -> tuple[x509.Certificate, PrivateKey]:
        """Another e-seal under the same intermediate (e.g. an expired one for tests)."""
        key = key or generate_key(self.key_type)
        cert = issue_certificate(
            subject=eseal_name(org_name, org_identifier),
            public_key=key.public_key(),
            issuer_cert=self.intermediate_cert,
            issuer_key=self.intermediate_key,
            not_before=not_before,
            not_after=not_after,
            qc_types=("eseal",),
            crl_url=crl_url,
            ocsp_url=ocsp_url,
        )
        return cert, key

    def issue_service(
        self,
        common_name: str,
        eku: x509.ObjectIdentifier,
        *,
        not_before: dt.datetime = LEAF_NOT_BEFORE,
        not_after: dt.datetime = LEAF_NOT_AFTER,
    ) -> tuple[x509.Certificate, PrivateKey]:
        """A service certificate under the intermediate: a TSA (``ExtendedKeyUsageOID.TIME_STAMPING``)
        or a delegated OCSP responder (``ExtendedKeyUsageOID.OCSP_SIGNING``); the EKU is critical."""
        key = generate_key(self.key_type)
        cert = issue_certificate(
            subject=ca_name(common_name),
            public_key=key.public_key(),
            issuer_cert=self.intermediate_cert,
            issuer_key=self.intermediate_key,
            not_before=not_before,
            not_after=not_after,
            extended_key_usages=[eku],
        )
        return cert, key

    def crl(
        self,
        *,
        issuer: Literal["root", "intermediate"] = "intermediate",
        revoked: Sequence[tuple[int, dt.datetime]] = (),
        this_update: dt.datetime | None = None,
        next_update: dt.datetime = LEAF_NOT_AFTER,
    ) -> bytes:
        """A DER CRL of the root or the intermediate CA (the demo's offline revocation data)."""
        cert, key = (
            (self.ca_cert, self.ca_key)
            if issuer == "root"
            else (self.intermediate_cert, self.intermediate_key)
        )
        now = this_update or dt.datetime.now(UTC) - dt.timedelta(minutes=1)
        b = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(cert.subject)
            .last_update(now)
            .next_update(next_update)
            .add_extension(x509.CRLNumber(1), critical=False)
        )
        for serial, when in revoked:
            b = b.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
            )
        return b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def pkcs12_bytes(self, cert: x509.Certificate, key: PrivateKey, password: bytes | None = None) -> bytes:
        return export_pkcs12(cert, key, [self.intermediate_cert], password or self.password)


def export_pkcs12(
    cert: x509.Certificate, key: PrivateKey, chain: Sequence[x509.Certificate], password: bytes
) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        name=b"eseal",
        key=key,
        cert=cert,
        cas=list(chain),
        encryption_algorithm=serialization.BestAvailableEncryption(password),
    )


def create_demo_pki(
    directory: Path,
    org_name: str,
    password: bytes,
    *,
    key_type: KeyType = "rsa",
    org_identifier: str = "VATPL-7121234567",
    eseal_not_before: dt.datetime = LEAF_NOT_BEFORE,
    eseal_not_after: dt.datetime = LEAF_NOT_AFTER,
    crl_url: str | None = None,
    ocsp_url: str | None = None,
    intermediate_crl_url: str | None = None,
) -> DemoPki:
    """Create root → intermediate → e-seal and write ``ca.pem``, ``intermediate.pem``, ``eseal.p12``.

    ``key_type`` "rsa" (RSA-2048, what ePUAP-world signatures use) or "ec" (P-256, faster to sign).
    ``crl_url`` / ``ocsp_url`` are put into the e-seal certificate (CRL DP / AIA) for revocation tests,
    ``intermediate_crl_url`` into the intermediate CA's (its CRL is the root's, :meth:`DemoPki.crl`).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = generate_key(key_type)
    ca_cert = issue_certificate(
        subject=ca_name("ezd Demo Root CA"),
        public_key=ca_key.public_key(),
        issuer_cert=None,
        issuer_key=ca_key,
        not_before=CA_NOT_BEFORE,
        not_after=CA_NOT_AFTER,
        ca=True,
        path_length=1,
    )
    int_key = generate_key(key_type)
    int_cert = issue_certificate(
        subject=ca_name("ezd Demo Qualified eSeal CA"),
        public_key=int_key.public_key(),
        issuer_cert=ca_cert,
        issuer_key=ca_key,
        not_before=CA_NOT_BEFORE,
        not_after=CA_NOT_AFTER,
        ca=True,
        path_length=0,
        crl_url=intermediate_crl_url,
    )
    pki_partial = DemoPki(
        directory=directory,
        password=password,
        key_type=key_type,
        ca_cert=ca_cert,
        ca_key=ca_key,
        intermediate_cert=int_cert,
        intermediate_key=int_key,
        eseal_cert=ca_cert,
        eseal_key=ca_key,
    )
    eseal_cert, eseal_key = pki_partial.issue_eseal(
        org_name,
        org_identifier=org_identifier,
        not_before=eseal_not_before,
        not_after=eseal_not_after,
        crl_url=crl_url,
        ocsp_url=ocsp_url,
    )
    pki = DemoPki(
        directory=directory,
        password=password,
        key_type=key_type,
        ca_cert=ca_cert,
        ca_key=ca_key,
        intermediate_cert=int_cert,
        intermediate_key=int_key,
        eseal_cert=eseal_cert,
        eseal_key=eseal_key,
    )
    pki.ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    pki.intermediate_pem.write_bytes(int_cert.public_bytes(serialization.Encoding.PEM))
    pki.eseal_p12.write_bytes(pki.pkcs12_bytes(eseal_cert, eseal_key))
    return pki


__all__ = [
    "DemoPki",
    "KeyType",
    "PrivateKey",
    "create_demo_pki",
    "eseal_name",
    "export_pkcs12",
    "generate_key",
    "issue_certificate",
]
