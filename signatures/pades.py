"""PAdES: signatures in PDF files, verified with pyHanko's validation (pyhanko +
pyhanko-certvalidator), reported like XAdES ones.

pyHanko does the security-critical parts here: the CMS signature and its signed attributes, the
byte-range coverage and the analysis of incremental updates after signing, the RFC 3161
signature time-stamp, certificate path building and revocation (CRL/OCSP fetched from the
certificate's own pointers).  ezd only configures it with the same trust anchors and revocation
setting as :class:`~ezd.signatures.verify.XadesVerifier`, and maps its result to the EN 319 102-1
indication/subindication ezd reports (pyHanko's own AdES subindications where it gives one).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from ezd.signatures.certs import load_certificates
from ezd.signatures.outcome import Outcome
from ezd.signatures.port import SignatureReport, Verdict, VerificationResult

PDF_MAGIC = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    return data.lstrip()[:5] == PDF_MAGIC


def _asn1(cert: x509.Certificate) -> ax509.Certificate:
    return ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class PadesVerifier:
    """Verify every signature field of a PDF.

    ``trust_anchors``: as for :class:`XadesVerifier`.  ``online``: fetch CRLs/OCSP from the
    certificates' pointers and require an answer (the default of ``ezd verify``); offline,
    revocation is not checked.  ``validation_time``: judge at this moment (default: now).
    """

    def __init__(
        self,
        trust_anchors: Sequence[bytes | str | Path | x509.Certificate] = (),
        *,
        online: bool = True,
        validation_time: dt.datetime | None = None,
    ) -> None:
        anchors: list[x509.Certificate] = []
        for a in trust_anchors:
            anchors.extend(load_certificates(a))
        self._anchors = [_asn1(a) for a in anchors]
        self._online = online
        self._validation_time = validation_time

    def _context(self) -> ValidationContext:
        # "require": a certificate whose revocation status cannot be established is not
        # trusted (as DSS's default policy); offline nothing is fetched and nothing is required
        return ValidationContext(
            trust_roots=self._anchors,
            allow_fetching=self._online,
            revocation_mode="require" if self._online else "soft-fail",
            moment=self._validation_time,
        )

    def verify(self, pdf: bytes) -> VerificationResult:
        try:
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            sigs = list(reader.embedded_signatures)
        except Exception as exc:  # pyHanko raises many types on a broken file; one verdict
            return VerificationResult(
                Verdict.TOTAL_FAILED, (), None, (f"FORMAT_FAILURE: unreadable PDF: {exc}",)
            )
        if not sigs:
            return VerificationResult(Verdict.TOTAL_FAILED, (), None, ("no signature",))
        reports = []
        for emb in sigs:
            out = Outcome()
            try:
                status = validate_pdf_signature(emb, signer_validation_context=self._context())
            except Exception as exc:  # a hostile signature dictionary must yield a verdict
                out.add(Verdict.TOTAL_FAILED, f"FORMAT_FAILURE: {type(exc).__name__}: {exc}")
                reports.append(_report(emb.field_name, out))
                continue
            _judge(status, out)
            reports.append(_report(emb.field_name, out))
        verdict = max((r.verdict for r in reports), key=_rank)
        return VerificationResult(verdict, tuple(reports), None, tuple(r for s in reports for r in s.reasons))


def _rank(v: Verdict) -> int:
    return {Verdict.TOTAL_PASSED: 0, Verdict.INDETERMINATE: 1, Verdict.TOTAL_FAILED: 2}[v]


def _judge(status: PdfSignatureStatus, out: Outcome) -> None:
    out.crypto_valid = bool(status.intact and status.valid)
    cert = status.signing_cert
    out.signer_subject = cert.subject.human_friendly if cert is not None else None
    if status.signer_reported_dt is not None:
        out.signing_time = status.signer_reported_dt.isoformat()
    out.details["coverage"] = status.coverage.name if status.coverage else None
    level = status.modification_level
    out.details["modification_level"] = level.name if level is not None else None
    if not status.intact:
        out.add(Verdict.TOTAL_FAILED, "HASH_FAILURE: the signed byte ranges do not match the signed digest")
        return
    if not status.valid:
        out.add(Verdict.TOTAL_FAILED, "SIG_CRYPTO_FAILURE: the CMS signature does not verify")
        return
    if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        out.add(Verdict.TOTAL_FAILED, "FORMAT_FAILURE: the signature does not cover a whole revision")
    elif level is not None and level > ModificationLevel.LTA_UPDATES and not status.docmdp_ok:
        out.add(
            Verdict.INDETERMINATE,
            f"SIG_CONSTRAINTS_FAILURE: the PDF was changed after signing ({level.name})",
        )
    ts = status.timestamp_validity
    if ts is not None:
        out.details["signature_timestamp"] = {
            "time": ts.timestamp.isoformat(),
            "status": "valid" if ts.intact and ts.valid and ts.trusted else "invalid",
        }
        if not (ts.intact and ts.valid):
            out.add(
                Verdict.TOTAL_FAILED, "HASH_FAILURE: signature time-stamp (TIMESTAMP_FAILURE) does not verify"
            )
    indic: Any = status.trust_problem_indic
    if indic is not None:
        verdict = {"FAILED": Verdict.TOTAL_FAILED, "INDETERMINATE": Verdict.INDETERMINATE}.get(
            indic.status.name, Verdict.INDETERMINATE
        )
        out.add(verdict, f"{indic.standard_name}: certificate validation (pyHanko)")
    if status.validation_path is not None:
        out.details["chain"] = [c.subject.human_friendly for c in reversed(list(status.validation_path))]


def _report(field: str | None, o: Outcome) -> SignatureReport:
    return SignatureReport(
        signature_id=field,
        verdict=o.verdict,
        reasons=tuple(o.reasons),
        signer_subject=o.signer_subject,
        signing_time=o.signing_time,
        crypto_valid=o.crypto_valid,
        details={**o.details, "format": "PAdES"},
        subindication=o.subindication,
    )


__all__ = ["PadesVerifier", "is_pdf"]
