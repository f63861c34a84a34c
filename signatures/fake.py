"""In-tree test doubles for code that needs a :class:`Signer` / :class:`Verifier` without PKI.

``FakeSigner`` appends a ``ds:Signature`` whose SignatureValue is a SHA-256 over the exclusive
canonical form of the document (no key, no certificate, microseconds per call).  ``FakeVerifier``
checks exactly that, so tests of other packages still see tampering detected and get a real
``signed_root`` (the document minus the fake signature, re-parsed from the hashed bytes), and it
can be forced to return a fixed verdict to exercise callers' INDETERMINATE/FAILED branches.
Never use in production: anyone can produce these "signatures".
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from ezd import xmlsafe
from ezd.signatures.port import SignatureReport, Verdict, VerificationResult

DS = "http://www.w3.org/2000/09/xmldsig#"
FAKE_METHOD = "urn:ezd:fake-signature:sha256"
FAKE_PEM = b"-----BEGIN CERTIFICATE-----\nRkFLRQ==\n-----END CERTIFICATE-----\n"


def _digest(root: etree._Element) -> tuple[str, bytes]:
    c14n = etree.tostring(root, method="c14n", exclusive=True, with_comments=False)
    return base64.b64encode(hashlib.sha256(c14n).digest()).decode(), c14n


@dataclass
class FakeSigner:
    subject_name: str = "O=Fake Office,C=PL"
    signed: list[bytes] = field(default_factory=list)  # inputs seen, for assertions

    @property
    def certificate_pem(self) -> bytes:
        return FAKE_PEM

    @property
    def subject(self) -> str:
        return self.subject_name

    def sign_enveloped(self, xml: bytes) -> bytes:
        self.signed.append(xml)
        root = xmlsafe.parse(xml)
        value, _ = _digest(root)
        sig = etree.SubElement(root, f"{{{DS}}}Signature", nsmap={"ds": DS})
        si = etree.SubElement(sig, f"{{{DS}}}SignedInfo")
        etree.SubElement(si, f"{{{DS}}}SignatureMethod", Algorithm=FAKE_METHOD)
        etree.SubElement(sig, f"{{{DS}}}SignatureValue").text = value
        etree.SubElement(sig, f"{{{DS}}}KeyInfo").text = self.subject_name
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def sign_detached(self, data: bytes, *, uri: str, mime_type: str = "application/octet-stream") -> bytes:
        self.signed.append(data)
        return (
            f'<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo><ds:SignatureMethod Algorithm="{FAKE_METHOD}"/>'
            f'<ds:Reference URI="{uri}"/></ds:SignedInfo><ds:SignatureValue>'
            f"{base64.b64encode(hashlib.sha256(data).digest()).decode()}</ds:SignatureValue></ds:Signature>"
        ).encode()


@dataclass
class FakeVerifier:
    """Verifies :class:`FakeSigner` output.  ``forced`` overrides the verdict (signed_root kept)."""

    forced: Verdict | None = None
    forced_reasons: tuple[str, ...] = ()
    seen: list[bytes] = field(default_factory=list)

    def verify(self, xml: bytes) -> VerificationResult:
        self.seen.append(xml)
        root = xmlsafe.parse(xml)
        sigs = [s for s in root if s.tag == f"{{{DS}}}Signature"]
        if not sigs:
            return VerificationResult(Verdict.TOTAL_FAILED, (), None, ("no signature",))
        sig = sigs[-1]
        value = sig.findtext(f"{{{DS}}}SignatureValue") or ""
        subject = sig.findtext(f"{{{DS}}}KeyInfo")
        root.remove(sig)
        expected, c14n = _digest(root)
        ok = value == expected
        verdict = self.forced or (Verdict.TOTAL_PASSED if ok else Verdict.TOTAL_FAILED)
        reasons = self.forced_reasons or (() if ok else ("HASH_FAILURE: fake digest mismatch",))
        signed_root = etree.fromstring(c14n) if ok else None
        report = SignatureReport(
            signature_id=None,
            verdict=verdict,
            reasons=reasons,
            signer_subject=subject,
            crypto_valid=ok,
            details={"fake": True},
        )
        return VerificationResult(verdict, (report,), signed_root, reasons)

    def verify_detached(
        self, signature_xml: bytes, content: bytes | Mapping[str, bytes]
    ) -> VerificationResult:
        """Verifies :meth:`FakeSigner.sign_detached` output against the content it names."""
        self.seen.append(signature_xml)
        root = xmlsafe.parse(signature_xml)
        uri = next((r.get("URI") for r in root.iter(f"{{{DS}}}Reference")), None) or ""
        data = content if isinstance(content, bytes) else content.get(uri)
        value = root.findtext(f"{{{DS}}}SignatureValue") or ""
        if data is None:
            reasons: tuple[str, ...] = ("SIGNED_DATA_NOT_FOUND: fake detached content missing",)
            verdict = Verdict.INDETERMINATE
        else:
            ok = value == base64.b64encode(hashlib.sha256(data).digest()).decode()
            verdict = Verdict.TOTAL_PASSED if ok else Verdict.TOTAL_FAILED
            reasons = () if ok else ("HASH_FAILURE: fake digest mismatch",)
        verdict = self.forced or verdict
        report = SignatureReport(None, verdict, reasons, details={"fake": True})
        return VerificationResult(verdict, (report,), None, reasons)

    def verify_pdf(self, pdf: bytes) -> VerificationResult:
        """The fake reads no PDF signatures: every PDF counts as unsigned."""
        self.seen.append(pdf)
        return VerificationResult(Verdict.TOTAL_FAILED, (), None, ("no signature",))

    def verify_smime(self, message: bytes) -> VerificationResult:
        """The fake reads no S/MIME signatures: every message counts as unsigned."""
        self.seen.append(message)
        return VerificationResult(Verdict.TOTAL_FAILED, (), None, ("no signature",))
