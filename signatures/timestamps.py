"""Signature time-stamps (XAdES-T): token, imprint, TSA path and order; a valid one gives the
best-signature-time, the proof of existence the certificate checks use.  A mixin of
:class:`XadesVerifier`."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from cryptography import x509
from lxml import etree

from ezd.signatures.chain import ChainChecks
from ezd.signatures.checks import timestamp_reason
from ezd.signatures.outcome import NS, Outcome, Verdict
from ezd.signatures.tsp import TokenInvalid, verify_token
from ezd.signatures.xades_t import SIGNATURE_TIMESTAMP_PATH, timestamp_input


class TimestampChecks(ChainChecks):
    _timestamp_verifier: Any
    _tsa_anchors: list[x509.Certificate]
    _tsa_anchor_ders: set[bytes]

    def _check_timestamps(self, sig: etree._Element, out: Outcome) -> dt.datetime | None:
        """Verify every SignatureTimeStamp; returns the earliest trusted time (proof of existence)."""
        stamps = sig.findall(SIGNATURE_TIMESTAMP_PATH, NS)
        if not stamps:
            return None
        if self._timestamp_verifier is not None:
            for ts in stamps:
                self._timestamp_verifier(sig, ts, out)
            return None
        poe: dt.datetime | None = None
        entries: list[dict[str, object]] = []
        for ts in stamps:
            entry: dict[str, object] = {"id": ts.get("Id")}
            entries.append(entry)
            cm = ts.find("ds:CanonicalizationMethod", NS)
            enc = ts.findall("xades:EncapsulatedTimeStamp", NS)
            if len(enc) != 1:
                entry["status"] = "unsupported"
                out.add(
                    Verdict.INDETERMINATE,
                    "FORMAT_FAILURE: SignatureTimeStamp must hold one EncapsulatedTimeStamp",
                )
                continue
            try:
                token = base64.b64decode("".join((enc[0].text or "").split()), validate=True)
                data = timestamp_input(sig, cm.get("Algorithm") if cm is not None else None)
                info = verify_token(token, data)
            except TokenInvalid as exc:
                entry.update(status="invalid", reason=exc.reason)
                out.add(Verdict.TOTAL_FAILED, timestamp_reason(exc.reason))
                continue
            except ValueError as exc:
                entry.update(status="invalid", reason=str(exc))
                out.add(
                    Verdict.TOTAL_FAILED, f"FORMAT_FAILURE: signature time-stamp (TIMESTAMP_FAILURE): {exc}"
                )
                continue
            entry.update(
                time=info.gen_time.isoformat(),
                tsa=info.tsa_certificate.subject.rfc4514_string(),
                serial=format(info.serial, "x"),
            )
            path = self._build_path(
                info.tsa_certificate,
                list(info.certificates),
                anchors=self._tsa_anchors,
                anchor_ders=self._tsa_anchor_ders,
            )
            tsa_cert = info.tsa_certificate
            if path is None:
                entry["status"] = "valid, TSA not trusted"
                out.add(Verdict.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND: time-stamp authority not trusted")
                continue
            if not tsa_cert.not_valid_before_utc <= info.gen_time <= tsa_cert.not_valid_after_utc:
                entry["status"] = "TSA certificate not valid at time-stamp time"
                out.add(Verdict.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE: TSA certificate not valid at gen time")
                continue
            entry["status"] = "valid"
            if out.signing_time:
                try:
                    claimed = dt.datetime.fromisoformat(out.signing_time.replace("Z", "+00:00"))
                except ValueError:
                    claimed = None
                if (
                    claimed is not None
                    and claimed.tzinfo
                    and claimed > info.gen_time + dt.timedelta(minutes=5)
                ):
                    out.add(
                        Verdict.INDETERMINATE,
                        "TIMESTAMP_ORDER_FAILURE: claimed signing time is after the signature time-stamp",
                    )
            poe = info.gen_time if poe is None else min(poe, info.gen_time)
        out.details["signature_timestamp"] = entries
        return poe
