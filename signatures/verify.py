"""XAdES verification: :class:`XadesVerifier` implements :class:`ezd.signatures.port.Verifier`.

Flow for every ``ds:Signature`` in a document (top-level ones and xades:CounterSignature ones):

1. the bytes go through :func:`ezd.xmlsafe.parse` first (size cap, no DOCTYPE/entities): the one
   parse of the document; everything below works on that tree;
2. structural pre-checks on the (still untrusted) signature: only known transforms are allowed —
   an unknown transform silently skipped by a library is how "signed" data grows unsigned parts;
3. cryptographic verification (SignatureValue over SignedInfo, then every Reference digest) by
   :mod:`ezd.signatures.dsig`, ezd's own XMLDSig core: each referenced node canonicalized once, in
   place, references read from SignedInfo re-parsed from its verified canonical bytes.  Profiles
   outside its scope (listed there: bare KeyValue, DSA/HMAC, base64 transform, XPointer...) go to
   signxml, as before.  Neither does chain or validity checks: those are done here so that
   "crypto fine, trust unknown" can be reported as INDETERMINATE instead of an exception;
4. XAdES checks on the *verified* SignedProperties (SigningCertificate(V2) digest binds the
   certificate, DataObjectFormat points at a real Reference);
5. certificate path from the signing certificate to a configured trust anchor (intermediates from
   KeyInfo X509Data), validity at the validation time, optional revocation checker;
6. ``signed_root`` = the tree rebuilt from the canonical bytes that were digested (signxml's
   ``signed_xml`` pattern) — never the input tree, so unsigned siblings, moved or duplicated
   elements cannot reach business logic.

Exceptions: :meth:`XadesVerifier.verify` raises only :class:`ezd.xmlsafe.MalformedXML` (input is
not XML at all).  Hostile (DOCTYPE/entities/too deep) and oversize XML, and everything that goes
wrong after parsing, produce a TOTAL-FAILED or INDETERMINATE :class:`VerificationResult`.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from lxml import etree
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature

from ezd import xmlsafe
from ezd.signatures import dsig
from ezd.signatures.certs import b64_cert, cert_digest, der, load_certificates, names, qc_facts, subject
from ezd.signatures.checks import (
    check_canonical_transform,
    check_policy,
    check_properties_target,
    check_signer_identified,
    check_signing_certificate,
    check_signing_time,
    check_structure,
)
from ezd.signatures.dsig import Refusal as _Refusal
from ezd.signatures.outcome import (
    COUNTERSIGNED_TYPE,
    DS,
    NS,
    SIGNED_PROPERTIES_TYPES,
    XADES,
    Outcome,
    RevocationChecker,
    worst,
)
from ezd.signatures.port import SignatureReport, Verdict, VerificationResult
from ezd.signatures.qc import DERError
from ezd.signatures.signxml_fallback import signxml_core
from ezd.signatures.timestamps import TimestampChecks


class XadesVerifier(TimestampChecks):
    """Verify enveloped/enveloping/detached XAdES signatures.

    ``trust_anchors``: certificates (PEM/DER bytes, paths, directories, Certificate objects) that
    terminate a path.  ``validation_time``: when to judge certificate validity (default: now).
    ``revocation``: optional checker (see :mod:`ezd.signatures.revocation`); without one the report says
    revocation was not checked.  ``allow_sha1``: SHA-1 signatures are verified but never PASS
    (CRYPTO_CONSTRAINTS_FAILURE_NO_POE) unless this is True.
    ``tsa_trust_anchors``: anchors for time-stamp authorities (default: ``trust_anchors``).
    ``policies``: signature-policy documents (identifier → bytes) for EPES SigPolicyHash checks.

    Signature time-stamps (XAdES-T) are verified (token signature, imprint over the c14n
    ds:SignatureValue, TSA path); a broken one makes the signature TOTAL-FAILED.  A valid one is a
    proof of existence: a signing certificate that has expired since is judged at that time.
    """

    def __init__(
        self,
        trust_anchors: Sequence[bytes | str | Path | x509.Certificate] = (),
        *,
        max_bytes: int = xmlsafe.DEFAULT_MAX_BYTES,
        validation_time: dt.datetime | None = None,
        revocation: RevocationChecker | None = None,
        require_qualified: bool = False,
        allow_sha1: bool = False,
        timestamp_verifier: Any | None = None,
        tsa_trust_anchors: Sequence[bytes | str | Path | x509.Certificate] | None = None,
        policies: Mapping[str, bytes] | None = None,
    ) -> None:
        anchors: list[x509.Certificate] = []
        for a in trust_anchors:
            anchors.extend(load_certificates(a))
        self._anchors = anchors
        self._anchor_ders = {der(a) for a in anchors}
        self._max_bytes = max_bytes
        self._validation_time = validation_time
        self._revocation = revocation
        self._require_qualified = require_qualified
        self._allow_sha1 = allow_sha1
        self._timestamp_verifier = timestamp_verifier  # legacy hook: (sig, ts_el, outcome) -> None
        tsa_anchors: list[x509.Certificate] = []
        for a in tsa_trust_anchors if tsa_trust_anchors is not None else ():
            tsa_anchors.extend(load_certificates(a))
        self._tsa_anchors = tsa_anchors if tsa_trust_anchors is not None else anchors
        self._tsa_anchor_ders = {der(a) for a in self._tsa_anchors}
        self._path_cache: dict[tuple[bytes, frozenset[bytes], int], tuple[x509.Certificate, ...]] = {}
        # signature policy documents (EPES) by identifier: their digest is checked when present
        self._policies = dict(policies or {})

    @property
    def trust_anchors(self) -> list[x509.Certificate]:
        return list(self._anchors)

    # --- public API ------------------------------------------------------------------------------

    def verify(self, xml: bytes) -> VerificationResult:
        """Verify every signature in ``xml``.  See the module docstring for what raises."""
        try:
            root = xmlsafe.parse(xml, max_bytes=self._max_bytes)
        except (xmlsafe.HostileXML, xmlsafe.OversizeXML) as exc:
            return VerificationResult(Verdict.TOTAL_FAILED, (), None, (f"REJECTED_XML: {exc}",))
        return self._verify_tree(root, None)

    def verify_detached(
        self, signature_xml: bytes, content: bytes | Mapping[str, bytes]
    ) -> VerificationResult:
        """Verify a detached signature; ``content`` is the signed file (or URI → bytes for several).

        ``signed_root`` is the signed content parsed as XML when it is XML, else None (use
        the content bytes you passed in: they are exactly what was verified).
        """
        try:
            root = xmlsafe.parse(signature_xml, max_bytes=self._max_bytes)
        except (xmlsafe.HostileXML, xmlsafe.OversizeXML) as exc:
            return VerificationResult(Verdict.TOTAL_FAILED, (), None, (f"REJECTED_XML: {exc}",))
        if isinstance(content, bytes):
            single = content

            def resolver(uri: str) -> bytes | None:
                return single
        else:
            mapping = dict(content)

            def resolver(uri: str) -> bytes | None:
                return mapping.get(uri)

        return self._verify_tree(root, resolver)

    def verify_pdf(self, pdf: bytes) -> VerificationResult:
        """PAdES: the PDF's signatures, verified by pyHanko with this verifier's anchors; online
        revocation when this verifier checks revocation (see :mod:`ezd.signatures.pades`)."""
        from ezd.signatures.pades import PadesVerifier

        return PadesVerifier(
            self._anchors, online=self._revocation is not None, validation_time=self._validation_time
        ).verify(pdf)

    def verify_smime(self, message: bytes) -> VerificationResult:
        """S/MIME: a signed e-mail message, verified by pyHanko's CMS validation with this
        verifier's anchors and revocation setting (see :mod:`ezd.signatures.smime`)."""
        from ezd.signatures.smime import SmimeVerifier

        return SmimeVerifier(
            self._anchors, online=self._revocation is not None, validation_time=self._validation_time
        ).verify(message)

    # --- internals -------------------------------------------------------------------------------

    def _now(self) -> dt.datetime:
        t = self._validation_time or dt.datetime.now(dt.UTC)
        return t if t.tzinfo else t.replace(tzinfo=dt.UTC)

    def _verify_tree(
        self, root: etree._Element, content: Callable[[str], bytes | None] | None
    ) -> VerificationResult:
        all_sigs = list(root.iter(f"{{{DS}}}Signature"))
        top = [s for s in all_sigs if not any(a.tag == f"{{{DS}}}Signature" for a in s.iterancestors())]
        if not top:
            return VerificationResult(Verdict.TOTAL_FAILED, (), None, ("no signature",))
        reports: list[SignatureReport] = []
        verdicts: list[Verdict] = []
        signed_root: etree._Element | None = None
        ids = dsig.IdIndex(root)  # one ID index per document, shared by all its signatures
        for sig in top:
            outcome = self._verify_signature(root, sig, content, ids)
            reports.append(self._report(sig, outcome))
            verdicts.append(outcome.verdict)
            if signed_root is None and outcome.verdict is not Verdict.TOTAL_FAILED:
                signed_root = outcome.signed_root
            # counter-signatures: reported, but they do not change the verdict of what they sign
            for csig in sig.findall(
                "ds:Object/xades:QualifyingProperties/xades:UnsignedProperties/"
                "xades:UnsignedSignatureProperties/xades:CounterSignature/ds:Signature",
                NS,
            ):
                c_out = self._verify_signature(root, csig, content, ids, countersigned=sig)
                c_out.details["role"] = "counter-signature"
                c_out.details["countersigned"] = sig.get("Id")
                reports.append(self._report(csig, c_out))
        overall = worst(verdicts)
        reasons = tuple(
            r for rep in reports if rep.details.get("role") != "counter-signature" for r in rep.reasons
        )
        return VerificationResult(
            overall, tuple(reports), signed_root if overall is not Verdict.TOTAL_FAILED else None, reasons
        )

    @staticmethod
    def _report(sig: etree._Element, o: Outcome) -> SignatureReport:
        return SignatureReport(
            signature_id=sig.get("Id"),
            verdict=o.verdict,
            reasons=tuple(o.reasons),
            signer_subject=o.signer_subject,
            signing_time=o.signing_time,
            crypto_valid=o.crypto_valid,
            details=o.details,
            subindication=o.subindication,
        )

    def _verify_signature(
        self,
        root: etree._Element,
        sig: etree._Element,
        content: Callable[[str], bytes | None] | None,
        ids: dsig.IdIndex,
        countersigned: etree._Element | None = None,
    ) -> Outcome:
        out = Outcome()
        try:
            self._verify_signature_inner(root, sig, content, ids, countersigned, out)
        except _Refusal as r:
            out.add(r.verdict, r.reason)
        except InvalidCertificate as exc:
            out.add(Verdict.INDETERMINATE, f"CERTIFICATE_FAILURE: {exc}")
        except InvalidDigest as exc:
            out.crypto_valid = False
            out.add(Verdict.TOTAL_FAILED, f"HASH_FAILURE: {exc}")
        except (InvalidSignature, CryptoInvalidSignature, TypeError, AttributeError) as exc:
            out.crypto_valid = False
            msg = str(exc).rstrip(": ") or "invalid signature"
            if msg.startswith("Signature verification failed"):
                msg = "ds:SignatureValue does not match ds:SignedInfo"
            out.add(Verdict.TOTAL_FAILED, f"SIG_CRYPTO_FAILURE: {msg}")
        except InvalidInput as exc:
            msg = str(exc)
            if "resolve reference" in msg or "without URIs" in msg or "Ambiguous reference" in msg:
                out.add(Verdict.TOTAL_FAILED, f"SIGNED_DATA_NOT_FOUND: {msg}")
            elif "not expected" in msg.lower() or "unrecognized" in msg.lower():
                out.add(Verdict.INDETERMINATE, f"CRYPTO_CONSTRAINTS_FAILURE: {msg}")
            else:
                out.add(Verdict.TOTAL_FAILED, f"FORMAT_FAILURE: {msg}")
        except xmlsafe.XMLRejected as exc:
            out.add(Verdict.TOTAL_FAILED, f"SIGNED_DATA_NOT_FOUND: detached content rejected: {exc}")
        except Exception as exc:  # hostile input must yield a verdict, never a traceback
            out.crypto_valid = False
            out.add(Verdict.TOTAL_FAILED, f"FORMAT_FAILURE: {type(exc).__name__}: {exc}")
        if out.verdict is Verdict.TOTAL_FAILED:
            out.signed_root = None
        return out

    def _candidate_certs(self, sig: etree._Element) -> list[x509.Certificate]:
        certs: list[x509.Certificate] = []
        for el in sig.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS):
            try:
                certs.append(b64_cert(el.text))
            except ValueError:
                raise _Refusal(Verdict.TOTAL_FAILED, "FORMAT_FAILURE: unparsable X509Certificate") from None
        return certs

    def _pick_signing_cert(
        self, sig: etree._Element, certs: list[x509.Certificate]
    ) -> list[x509.Certificate]:
        """Order candidates: SigningCertificate(V2) digest match first, then leaf-looking ones.

        This is only a hint (read from unverified data); the core verifies SignatureValue with the
        chosen certificate and checks the signed SigningCertificate digest against it.
        """
        digests = []
        for cd in sig.iterfind(".//xades:SigningCertificateV2/xades:Cert/xades:CertDigest", NS):
            digests.append(cd)
        for cd in sig.iterfind(".//xades:SigningCertificate/xades:Cert/xades:CertDigest", NS):
            digests.append(cd)
        preferred: list[x509.Certificate] = []
        for cd in digests[:1]:
            dm = cd.find("ds:DigestMethod", NS)
            dv = cd.find("ds:DigestValue", NS)
            hname = dsig.DIGESTS.get(dm.get("Algorithm") or "") if dm is not None else None
            try:
                want = base64.b64decode((dv.text or "") if dv is not None else "")
            except ValueError:
                continue
            if hname is not None:
                preferred.extend(c for c in certs if cert_digest(c, hname) == want)
        issuers = {names(c)[0] for c in certs}
        leaves = [c for c in certs if names(c)[1] not in issuers]
        ordered: list[x509.Certificate] = []
        for c in [*preferred, *leaves, *certs]:
            if c not in ordered:
                ordered.append(c)
        return ordered

    def _verify_signature_inner(
        self,
        root: etree._Element,
        sig: etree._Element,
        content: Callable[[str], bytes | None] | None,
        ids: dsig.IdIndex,
        countersigned: etree._Element | None,
        out: Outcome,
    ) -> None:
        refs = check_structure(sig)
        check_signer_identified(sig)
        certs = self._candidate_certs(sig)
        sm = sig.find("ds:SignedInfo/ds:SignatureMethod", NS)
        sig_alg = sm.get("Algorithm") if sm is not None else None
        digest_algs = {
            dm.get("Algorithm") for dm in sig.iterfind("ds:SignedInfo/ds:Reference/ds:DigestMethod", NS)
        }
        sha1_used = "sha1" in (sig_alg or "").lower() or any("sha1" in (d or "").lower() for d in digest_algs)
        try:
            dsig.check_supported(sig, certs)
        except dsig.Unsupported as why:
            out.details["engine"] = f"signxml ({why})"
            signing_cert, results = signxml_core(
                root, sig, refs, certs, content, self._pick_signing_cert(sig, certs), self._now()
            )
        else:
            core = dsig.CoreVerifier(root, ids, content, check_canonical_transform).verify(
                sig, self._pick_signing_cert(sig, certs)
            )
            signing_cert, results = core.signing_cert, core.references
        out.crypto_valid = True
        out.details["signature_algorithm"] = sig_alg
        if sha1_used and not self._allow_sha1:
            out.add(Verdict.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE: SHA-1 is not acceptable")

        # --- classify the verified references -----------------------------------------------------
        data_results: list[dsig.VerifiedReference] = []
        signed_props_result: dsig.VerifiedReference | None = None
        for res in results:
            if (res.type or "") in SIGNED_PROPERTIES_TYPES or res.node_tag == f"{{{XADES}}}SignedProperties":
                if signed_props_result is not None:
                    raise _Refusal(Verdict.TOTAL_FAILED, "FORMAT_FAILURE: SignedProperties referenced twice")
                signed_props_result = res
                continue
            if res.node_tag == f"{{{DS}}}KeyInfo":
                continue
            data_results.append(res)
        out.details["references"] = [{"uri": r.uri, "type": r.type} for r in results]

        if countersigned is not None:
            sv = countersigned.find("ds:SignatureValue", NS)
            sv_id = sv.get("Id") if sv is not None else None
            if not any(r.type == COUNTERSIGNED_TYPE and sv_id and r.uri == f"#{sv_id}" for r in data_results):
                raise _Refusal(
                    Verdict.TOTAL_FAILED,
                    "SIGNED_DATA_NOT_FOUND: counter-signature does not cover SignatureValue",
                )
        elif not data_results:
            raise _Refusal(Verdict.TOTAL_FAILED, "SIGNED_DATA_NOT_FOUND: no reference to signed data")

        # --- XAdES signed properties -----------------------------------------------------------
        sp = signed_props_result.signed_xml if signed_props_result is not None else None
        if signed_props_result is None or sp is None or sp.tag != f"{{{XADES}}}SignedProperties":
            out.add(Verdict.INDETERMINATE, "FORMAT_FAILURE: XML_NOT_ETSI (no XAdES 1.3.2 SignedProperties)")
        else:
            check_properties_target(sig, signed_props_result)
            if signing_cert is not None:
                check_signing_certificate(sp, certs, signing_cert)
                out.details["signing_certificate_digest"] = "match"
            st = sp.find("xades:SignedSignatureProperties/xades:SigningTime", NS)
            out.signing_time = st.text.strip() if st is not None and st.text else None
            if signing_cert is not None and out.signing_time:
                check_signing_time(out.signing_time, signing_cert, out)
            ref_ids = {f"#{r.reference.get('Id')}" for r in results if r.reference.get("Id")}
            for dof in sp.iterfind("xades:SignedDataObjectProperties/xades:DataObjectFormat", NS):
                if dof.get("ObjectReference") not in ref_ids:
                    raise _Refusal(
                        Verdict.TOTAL_FAILED,
                        "FORMAT_FAILURE: XML_NOT_ETSI: DataObjectFormat/@ObjectReference "
                        f"{dof.get('ObjectReference')!r} points to no ds:Reference",
                    )
            pol = sp.find("xades:SignedSignatureProperties/xades:SignaturePolicyIdentifier", NS)
            if pol is not None:
                check_policy(pol, out, self._policies)

        # --- signed_root: only what was digested ---------------------------------------------
        if countersigned is None:
            whole = [r for r in data_results if r.uri == ""]
            chosen = whole[0] if whole else (data_results[0] if len(data_results) == 1 else None)
            out.signed_root = chosen.signed_xml if chosen is not None else None
            if len(data_results) > 1:
                out.details["signed_data_references"] = [r.uri for r in data_results]

        # --- certificate: path, validity, revocation, qualified status -------------------------------
        if signing_cert is None:
            out.add(Verdict.INDETERMINATE, "NO_SIGNING_CERTIFICATE_FOUND: KeyInfo carries no certificate")
            return
        out.signer_subject = subject(signing_cert)
        out.details["signer_serial"] = format(signing_cert.serial_number, "x")
        qc_or_error = qc_facts(signing_cert)
        if isinstance(qc_or_error, DERError):
            out.details["qc"] = {"error": str(qc_or_error)}
            qc = None
        else:
            qc = qc_or_error
            out.details["qc"] = qc.as_dict()
        if self._require_qualified and not (qc and qc.compliance):
            out.add(
                Verdict.INDETERMINATE,
                "CHAIN_CONSTRAINTS_FAILURE: certificate is not qualified (no QcCompliance)",
            )
        poe = self._check_timestamps(sig, out)
        self._check_path(signing_cert, certs, out, poe)


__all__ = ["RevocationChecker", "XadesVerifier", "load_certificates", "worst"]
