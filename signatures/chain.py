"""Certificate path (RFC 5280 path building to a configured anchor), validity at the validation
time or at a proof of existence, and revocation — the part of :class:`XadesVerifier` that judges
the signing certificate.  A mixin: it works on the verifier's anchors, clock and revocation
checker.

Why hand-written and not pyhanko-certvalidator (which PAdES uses, :mod:`ezd.signatures.pades`):
the XAdES verdicts must equal DSS's subindication by subindication (test_sig_dss_agreement.py),
and DSS orders its X.509 checks (chain, then revocation, then the validity range) and maps
revocation without proof of existence in ways certvalidator reports differently; and the path is
cached per (leaf, pool) — ~1 µs per verification against ~1.4 ms for a certvalidator run of the
same three-certificate chain (measured on the 2-core CI machine), which matters for the
thousands of documents one e-seal signs (bench/bench_verify.py).
"""

from __future__ import annotations

import datetime as dt
import itertools

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature

from ezd.signatures.certs import der, ext, has_revocation_pointer, subject
from ezd.signatures.outcome import Outcome, RevocationChecker, Verdict


class ChainChecks:
    _anchors: list[x509.Certificate]
    _anchor_ders: set[bytes]
    _revocation: RevocationChecker | None
    _path_cache: dict[tuple[bytes, frozenset[bytes], int], tuple[x509.Certificate, ...]]

    def _now(self) -> dt.datetime:
        raise NotImplementedError

    def _check_path(
        self,
        leaf: x509.Certificate,
        pool: list[x509.Certificate],
        out: Outcome,
        poe: dt.datetime | None = None,
    ) -> None:
        validity: list[str] = []
        self._check_chain(leaf, pool, out, poe, validity)
        # the validity range is judged after the path and its revocation data, as DSS orders
        # its X.509 checks: an expired certificate whose CRL no longer covers it is reported as
        # having no acceptable revocation data first
        for reason in validity:
            out.add(Verdict.INDETERMINATE, reason)

    def _check_chain(
        self,
        leaf: x509.Certificate,
        pool: list[x509.Certificate],
        out: Outcome,
        poe: dt.datetime | None,
        validity: list[str],
    ) -> None:
        at = self._now()
        if at > leaf.not_valid_after_utc and poe is not None and leaf.not_valid_before_utc <= poe:
            # expired now, but a trusted time-stamp proves the signature existed while it was valid
            at = poe
            out.details["validation_time"] = f"{poe.isoformat()} (proof of existence: signature time-stamp)"
        if at < leaf.not_valid_before_utc:
            validity.append("NOT_YET_VALID: signing certificate is not yet valid")
        elif at > leaf.not_valid_after_utc:
            validity.append("OUT_OF_BOUNDS_NO_POE: signing certificate has expired")
        try:
            ku = ext(leaf, x509.KeyUsage)
            if ku is not None and not (ku.digital_signature or ku.content_commitment):
                out.add(Verdict.INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE: key usage forbids signing")
        except ValueError:
            out.add(Verdict.INDETERMINATE, "FORMAT_FAILURE: unparsable key usage")
        path = self._build_path(leaf, pool)
        if path is None:
            out.add(Verdict.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND: no path to a trusted anchor")
            return
        out.details["chain"] = [subject(c) for c in path]
        for ca in path[1:]:
            if not ca.not_valid_before_utc <= at <= ca.not_valid_after_utc:
                out.add(
                    Verdict.INDETERMINATE,
                    f"OUT_OF_BOUNDS_NO_POE: CA certificate {ca.subject.rfc4514_string()} not valid",
                )
        if self._revocation is None:
            out.details["revocation"] = "not checked"
            return
        statuses = []
        # every certificate below the anchor; a CA certificate that publishes no revocation
        # source (no CRL DP, no OCSP AIA) is reported, not held against the signature
        for i, (cert, issuer) in enumerate(itertools.pairwise(path)):
            if i > 0 and not has_revocation_pointer(cert):
                statuses.append(
                    {
                        "subject": cert.subject.rfc4514_string(),
                        "status": "n/a",
                        "detail": "no revocation source",
                    }
                )
                continue
            status, detail = self._revocation(cert, issuer, at)
            if status == "revoked" and poe is not None and poe < at:
                # EN 319 102-1 §5.6.2.4: a proof of existence (a trusted signature time-stamp)
                # before the revocation keeps the signature; one after it shows the key was
                # already revoked when it signed
                status, detail = self._revocation(cert, issuer, poe)
                if status == "good":
                    detail = f"revoked after the proof of existence {poe.isoformat()}: {detail}"
                elif status == "revoked":
                    statuses.append({"subject": subject(cert), "status": status, "detail": detail})
                    out.add(
                        Verdict.TOTAL_FAILED,
                        f"REVOKED: {cert.subject.rfc4514_string()}: {detail} "
                        f"(before the signature time-stamp {poe.isoformat()})",
                    )
                    continue
            statuses.append({"subject": subject(cert), "status": status, "detail": detail})
            if status == "revoked":
                sub = "REVOKED_NO_POE" if i == 0 else "REVOKED_CA_NO_POE"
                out.add(
                    Verdict.INDETERMINATE,
                    f"{sub}: {cert.subject.rfc4514_string()}: {detail} "
                    "(no proof the signature existed before)",
                )
            elif status == "no-data":
                # the source answered but cannot speak for this certificate (e.g. a CRL issued
                # after it expired, without ExpiredCertsOnCRL): waiting will not help
                out.add(
                    Verdict.INDETERMINATE,
                    f"CERTIFICATE_CHAIN_GENERAL_FAILURE: no acceptable revocation data: {detail}",
                )
            elif status != "good":
                out.add(Verdict.INDETERMINATE, f"TRY_LATER: revocation status unknown: {detail}")
        out.details["revocation"] = statuses

    def _build_path(
        self,
        leaf: x509.Certificate,
        pool: list[x509.Certificate],
        *,
        anchors: list[x509.Certificate] | None = None,
        anchor_ders: set[bytes] | None = None,
    ) -> list[x509.Certificate] | None:
        """Depth-first path building leaf → anchor; signatures and CA flags are checked on the way."""
        anchors = self._anchors if anchors is None else anchors
        anchor_ders = self._anchor_ders if anchor_ders is None else anchor_ders
        # a path depends only on the certificates involved: cache it (validity and revocation are
        # judged per verification, after this)
        key = (der(leaf), frozenset(der(c) for c in pool), id(anchors))
        cached = self._path_cache.get(key)
        if cached is not None:
            return list(cached) if cached else None
        found = self._build_path_uncached(leaf, pool, anchors, anchor_ders)
        if len(self._path_cache) > 1024:
            self._path_cache.clear()
        self._path_cache[key] = tuple(found) if found else ()
        return found

    def _build_path_uncached(
        self,
        leaf: x509.Certificate,
        pool: list[x509.Certificate],
        anchors: list[x509.Certificate],
        anchor_ders: set[bytes],
    ) -> list[x509.Certificate] | None:
        candidates = [*pool, *anchors]

        def is_anchor(c: x509.Certificate) -> bool:
            return der(c) in anchor_ders

        def extend(path: list[x509.Certificate]) -> list[x509.Certificate] | None:
            cur = path[-1]
            if is_anchor(cur):
                return path
            if len(path) > 8:
                return None
            for cand in candidates:
                if cand.subject != cur.issuer or any(der(cand) == der(p) for p in path):
                    continue
                try:
                    bc = cand.extensions.get_extension_for_class(x509.BasicConstraints).value
                    if not bc.ca:
                        continue
                except x509.ExtensionNotFound:
                    if not is_anchor(cand):
                        continue  # non-anchor CA without basicConstraints is not a CA
                try:
                    cur.verify_directly_issued_by(cand)
                except (ValueError, TypeError, CryptoInvalidSignature):
                    continue
                found = extend([*path, cand])
                if found:
                    return found
            return None

        return extend([leaf])
