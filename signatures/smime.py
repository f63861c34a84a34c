"""S/MIME: the signature of a signed e-mail message (RFC 8551 ``multipart/signed``), verified
with pyHanko's CMS validation and reported like XAdES and PAdES signatures.

pyHanko (with pyhanko-certvalidator) does the security-critical parts: the CMS signature and its
signed attributes (the message digest over the signed part), certificate path building and
revocation, with the same trust anchors and revocation setting as the other verifiers. ezd only
cuts the message into the exact signed bytes and the signature, which pyHanko does not do: the
signed content is the first body part *as it was sent*, headers included, in canonical CRLF
form -- re-serialising the parsed part would change its bytes and break every signature.
Opaque ``application/pkcs7-mime`` signed data is left to a later version (reported as such).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import re
from collections.abc import Sequence
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from asn1crypto import cms
from cryptography import x509
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext

from ezd.signatures.outcome import Outcome
from ezd.signatures.pades import PadesVerifier
from ezd.signatures.port import SignatureReport, Verdict, VerificationResult

SIGNATURE_TYPES = ("application/pkcs7-signature", "application/x-pkcs7-signature")


def split_signed(message: bytes) -> tuple[bytes, bytes] | None:
    """(the signed first part's exact bytes in CRLF form, the DER signature), or None when the
    message is not ``multipart/signed`` with a PKCS#7 signature part."""
    msg = message_from_bytes(message, policy=policy.compat32)
    if msg.get_content_type() != "multipart/signed":
        return None
    if str(msg.get_param("protocol", "") or "").lower() not in SIGNATURE_TYPES:
        return None
    boundary = msg.get_boundary()
    if not boundary:
        return None
    data = message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    delimiter = re.compile(rb"(?:^|\r\n)--" + re.escape(boundary.encode()) + rb"(--)?[ \t]*(?=\r\n|$)")
    marks = list(delimiter.finditer(data))
    if len(marks) < 3:
        return None
    signed = data[marks[0].end() + 2 : marks[1].start()]
    sig_part = message_from_bytes(data[marks[1].end() + 2 : marks[2].start()], policy=policy.compat32)
    if sig_part.get_content_type() not in SIGNATURE_TYPES:
        return None
    payload = sig_part.get_payload()
    if not isinstance(payload, str):
        return None
    try:
        der = base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return signed, der


class SmimeVerifier:
    """Verify the S/MIME signature of a message, with the trust settings of a PAdES verifier."""

    def __init__(
        self,
        trust_anchors: Sequence[bytes | str | Path | x509.Certificate] = (),
        *,
        online: bool = True,
        validation_time: dt.datetime | None = None,
    ) -> None:
        self._pades = PadesVerifier(trust_anchors, online=online, validation_time=validation_time)

    def _context(self) -> ValidationContext:
        return self._pades._context()

    def verify(self, message: bytes) -> VerificationResult:
        parts = split_signed(message)
        if parts is None:
            return VerificationResult(
                Verdict.TOTAL_FAILED, (), None, ("FORMAT_FAILURE: not an S/MIME multipart/signed message",)
            )
        signed, der = parts
        out = Outcome()
        try:
            info = cms.ContentInfo.load(der)
            signed_data = info["content"]
            status: Any = asyncio.run(
                async_validate_detached_cms(signed, signed_data, signer_validation_context=self._context())
            )
        except Exception as exc:  # a hostile signature structure must yield a verdict, not a crash
            out.add(
                Verdict.TOTAL_FAILED, f"FORMAT_FAILURE: unreadable S/MIME signature: {type(exc).__name__}"
            )
            return _result(out)
        _judge(status, out)
        return _result(out)


def _judge(status: Any, out: Outcome) -> None:
    out.crypto_valid = bool(status.intact and status.valid)
    cert = status.signing_cert
    out.signer_subject = cert.subject.human_friendly if cert is not None else None
    if status.signer_reported_dt is not None:
        out.signing_time = status.signer_reported_dt.isoformat()
    if not status.intact:
        out.add(Verdict.TOTAL_FAILED, "HASH_FAILURE: the message was changed after signing")
        return
    if not status.valid:
        out.add(Verdict.TOTAL_FAILED, "SIG_CRYPTO_FAILURE: the CMS signature does not verify")
        return
    indic = status.trust_problem_indic
    if indic is not None:
        verdict = {"FAILED": Verdict.TOTAL_FAILED}.get(indic.status.name, Verdict.INDETERMINATE)
        out.add(verdict, f"{indic.standard_name}: certificate validation (pyHanko)")
    if status.validation_path is not None:
        out.details["chain"] = [c.subject.human_friendly for c in reversed(list(status.validation_path))]


def _result(out: Outcome) -> VerificationResult:
    report = SignatureReport(
        signature_id="smime",
        verdict=out.verdict,
        reasons=tuple(out.reasons),
        signer_subject=out.signer_subject,
        signing_time=out.signing_time,
        crypto_valid=out.crypto_valid,
        details={**out.details, "format": "S/MIME"},
        subindication=out.subindication,
    )
    return VerificationResult(report.verdict, (report,), None, report.reasons)


__all__ = ["SmimeVerifier", "split_signed"]
