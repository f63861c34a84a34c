"""S/MIME-signed messages for the tests, signed with cryptography's PKCS#7 builder under a
throw-away CA (the way mail clients sign: multipart/signed, detached signature)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ezd.signatures.pki import issue_certificate

NOT_BEFORE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
NOT_AFTER = dt.datetime(2035, 1, 1, tzinfo=dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    )


@dataclass(frozen=True)
class Signer:
    ca: x509.Certificate
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    def sign(
        self, *, subject: str = "Wniosek podpisany", body: str = "Treść wniosku", mid: str = "<s1@example.pl>"
    ) -> bytes:
        inner = EmailMessage()
        inner.set_content(body)
        signed = (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(inner.as_bytes())
            .add_signer(self.cert, self.key, hashes.SHA256())
            .sign(serialization.Encoding.SMIME, [pkcs7.PKCS7Options.DetachedSignature])
        )
        head = f"From: Jan Kowalski <jan@example.pl>\r\nSubject: {subject}\r\nMessage-ID: {mid}\r\n"
        return head.encode() + signed


def make_signer() -> Signer:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = issue_certificate(
        subject=_name("Testowe CA poczty"),
        public_key=ca_key.public_key(),
        issuer_cert=None,
        issuer_key=ca_key,
        not_before=NOT_BEFORE,
        not_after=NOT_AFTER,
        ca=True,
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_certificate(
        subject=_name("Jan Kowalski"),
        public_key=key.public_key(),
        issuer_cert=ca,
        issuer_key=ca_key,
        not_before=NOT_BEFORE,
        not_after=NOT_AFTER,
        extended_key_usages=[ExtendedKeyUsageOID.EMAIL_PROTECTION],
    )
    return Signer(ca, cert, key)
