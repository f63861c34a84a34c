"""Signatures carried by a letter's attachments: signed PDFs (PAdES) and detached XAdES files
(``wniosek.pdf.xades`` beside ``wniosek.pdf`` — what Polish signing tools and podpis zaufany
produce).  Intake records a verdict for each, not only for the ePUAP XML itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ezd import xmlsafe
from ezd.signatures.detached import external_uris
from ezd.signatures.pades import is_pdf
from ezd.signatures.port import SubIndication, Verdict, Verifier

DS = "http://www.w3.org/2000/09/xmldsig#"


@dataclass(frozen=True)
class AttachmentSignature:
    filename: str
    kind: str  # "PAdES" | "XAdES"
    verdict: Verdict
    subindication: SubIndication | None
    signers: tuple[str, ...]
    covers: tuple[str, ...]  # for a detached signature: the attachments it signs

    def as_dict(self) -> dict[str, object]:
        return {
            "filename": self.filename,
            "kind": self.kind,
            "verdict": self.verdict.value,
            "subindication": self.subindication.value if self.subindication else None,
            "signers": list(self.signers),
            "covers": list(self.covers),
        }


def _detached_signature_uris(data: bytes) -> list[str] | None:
    """External reference URIs if ``data`` is a detached XML signature, else None."""
    if b"Signature" not in data[:4096] and b"xmldsig" not in data[:4096]:
        return None
    try:
        root = xmlsafe.parse(data)
    except xmlsafe.XMLRejected:
        return None
    if not any(True for _ in root.iter(f"{{{DS}}}Signature")):
        return None
    uris = external_uris(data)
    return uris or None


def verify_attachments(files: Sequence[tuple[str, bytes]], verifier: Verifier) -> list[AttachmentSignature]:
    """Verify every signed PDF and every detached XML signature among ``files`` (name, bytes);
    a detached signature's content is the attachment its reference URI names."""
    by_name = {name: data for name, data in files}
    out: list[AttachmentSignature] = []
    for name, data in files:
        covers: tuple[str, ...]
        if is_pdf(data):
            result = verifier.verify_pdf(data)
            if not result.signatures:
                continue  # an unsigned PDF
            kind, covers = "PAdES", (name,)
        else:
            uris = _detached_signature_uris(data)
            if uris is None:
                continue
            content = {u: by_name[u] for u in uris if u in by_name}
            result = verifier.verify_detached(data, content)
            kind, covers = "XAdES", tuple(content)
        first = result.signatures[0] if result.signatures else None
        out.append(
            AttachmentSignature(
                filename=name,
                kind=kind,
                verdict=result.verdict,
                subindication=first.subindication if first else None,
                signers=tuple(s.signer_subject for s in result.signatures if s.signer_subject),
                covers=covers,
            )
        )
    return out


__all__ = ["AttachmentSignature", "verify_attachments"]
