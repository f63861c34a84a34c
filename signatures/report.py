"""Per-signature verification reports: JSON for machines, plain text for the case file."""

from __future__ import annotations

import json
from typing import Any

from ezd.signatures.port import SignatureReport, VerificationResult


def _sig_dict(rep: SignatureReport) -> dict[str, Any]:
    return {
        "signature_id": rep.signature_id,
        "role": rep.details.get("role", "signature"),
        "verdict": rep.verdict.value,
        "indication": rep.indication,
        "subindication": rep.subindication.value if rep.subindication else None,
        "crypto_valid": rep.crypto_valid,
        "signer": rep.signer_subject,
        "signing_time": rep.signing_time,
        "reasons": list(rep.reasons),
        "details": {k: v for k, v in rep.details.items() if k != "role"},
    }


def result_to_dict(result: VerificationResult) -> dict[str, Any]:
    return {
        "verdict": result.verdict.value,
        "reasons": list(result.reasons),
        "signed_data_available": result.signed_root is not None,
        "signatures": [_sig_dict(s) for s in result.signatures],
    }


def to_json(result: VerificationResult, *, indent: int | None = 2) -> str:
    return json.dumps(result_to_dict(result), ensure_ascii=False, indent=indent, default=str)


def to_text(result: VerificationResult) -> str:
    lines = [f"Wynik weryfikacji / verification result: {result.verdict.value}"]
    if not result.signatures:
        lines.extend(f"  - {r}" for r in result.reasons)
    for i, rep in enumerate(result.signatures, 1):
        role = "kontrasygnata / counter-signature" if rep.details.get("role") else "podpis / signature"
        lines.append(f"[{i}] {role} {rep.signature_id or ''}".rstrip())
        sub = f" / {rep.subindication.value}" if rep.subindication else ""
        lines.append(f"    verdict:       {rep.verdict.value}{sub}")
        lines.append(f"    crypto valid:  {'yes' if rep.crypto_valid else 'no'}")
        if rep.signer_subject:
            lines.append(f"    signer:        {rep.signer_subject}")
        if rep.signing_time:
            lines.append(f"    signing time:  {rep.signing_time} (claimed by signer)")
        qc = rep.details.get("qc")
        if isinstance(qc, dict) and qc.get("present"):
            flags = [n for n in ("QcCompliance", "QcSSCD") if qc.get(n)]
            lines.append(
                f"    qualified:     {', '.join(flags) or '-'}; type {', '.join(qc.get('QcType', []))}"
            )
        chain = rep.details.get("chain")
        if isinstance(chain, list):
            lines.append("    chain:         " + "\n                   ← ".join(chain))
        for key in ("revocation", "signature_timestamp", "validation_time", "policy", "trusted_list"):
            if key in rep.details:
                lines.append(f"    {key + ':':<15}{rep.details[key]}")
        lines.extend(f"    ! {r}" for r in rep.reasons)
    return "\n".join(lines)
