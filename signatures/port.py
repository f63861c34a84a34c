"""Signature ports: who signs (a key holder) and who verifies.

A :class:`Signer` hides where the key lives: a PKCS#12 file today, a PKCS#11 HSM or a remote
signing service later.  It is given the bytes to sign and returns signed bytes; callers never
touch key material.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from lxml import etree


class Verdict(StrEnum):
    """Overall result in the sense of ETSI EN 319 102-1."""

    TOTAL_PASSED = "TOTAL-PASSED"
    INDETERMINATE = "INDETERMINATE"
    TOTAL_FAILED = "TOTAL-FAILED"


class SubIndication(StrEnum):
    """ETSI EN 319 102-1 §5.1.3 subindications, spelled as DSS spells them."""

    FORMAT_FAILURE = "FORMAT_FAILURE"
    HASH_FAILURE = "HASH_FAILURE"
    SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    SIG_CONSTRAINTS_FAILURE = "SIG_CONSTRAINTS_FAILURE"
    CHAIN_CONSTRAINTS_FAILURE = "CHAIN_CONSTRAINTS_FAILURE"
    CERTIFICATE_CHAIN_GENERAL_FAILURE = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
    CRYPTO_CONSTRAINTS_FAILURE = "CRYPTO_CONSTRAINTS_FAILURE"
    POLICY_PROCESSING_ERROR = "POLICY_PROCESSING_ERROR"
    SIGNATURE_POLICY_NOT_AVAILABLE = "SIGNATURE_POLICY_NOT_AVAILABLE"
    TIMESTAMP_ORDER_FAILURE = "TIMESTAMP_ORDER_FAILURE"
    NO_SIGNING_CERTIFICATE_FOUND = "NO_SIGNING_CERTIFICATE_FOUND"
    NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
    REVOKED_NO_POE = "REVOKED_NO_POE"
    REVOKED_CA_NO_POE = "REVOKED_CA_NO_POE"
    OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
    OUT_OF_BOUNDS_NOT_REVOKED = "OUT_OF_BOUNDS_NOT_REVOKED"
    REVOCATION_OUT_OF_BOUNDS_NO_POE = "REVOCATION_OUT_OF_BOUNDS_NO_POE"
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
    NO_POE = "NO_POE"
    TRY_LATER = "TRY_LATER"
    SIGNED_DATA_NOT_FOUND = "SIGNED_DATA_NOT_FOUND"


_S = SubIndication
# EN 319 102-1 Table 5: the indication each subindication belongs to.  EXPIRED and NOT_YET_VALID
# are TOTAL-FAILED there only with a proof that the signature was made outside the validity
# period; without one the standard's INDETERMINATE forms apply, so they are not fixed here.
INDICATION_OF: dict[SubIndication, Verdict] = {
    _S.FORMAT_FAILURE: Verdict.TOTAL_FAILED,
    _S.HASH_FAILURE: Verdict.TOTAL_FAILED,
    _S.SIG_CRYPTO_FAILURE: Verdict.TOTAL_FAILED,
    _S.REVOKED: Verdict.TOTAL_FAILED,
    **{
        s: Verdict.INDETERMINATE
        for s in SubIndication
        if s not in {_S.FORMAT_FAILURE, _S.HASH_FAILURE, _S.SIG_CRYPTO_FAILURE, _S.REVOKED}
        and s not in {_S.EXPIRED, _S.NOT_YET_VALID}
    },
}


def subindication_of(reason: str) -> SubIndication | None:
    """The subindication a reason string starts with (``"HASH_FAILURE: ..."``), if any."""
    head = reason.partition(":")[0].strip()
    try:
        return SubIndication(head)
    except ValueError:
        return None


def dss_indication(verdict: Verdict) -> str:
    """DSS's spelling of an indication (``TOTAL_PASSED``), for reports that read like DSS's."""
    return verdict.value.replace("-", "_")


@dataclass(frozen=True)
class SignatureReport:
    """Result for one ds:Signature."""

    signature_id: str | None
    verdict: Verdict
    reasons: tuple[str, ...] = ()
    signer_subject: str | None = None
    signing_time: str | None = None
    crypto_valid: bool = False
    details: dict[str, object] = field(default_factory=dict)
    # the subindication that decided the verdict (None for TOTAL-PASSED)
    subindication: SubIndication | None = None

    @property
    def indication(self) -> str:
        return dss_indication(self.verdict)


@dataclass(frozen=True)
class VerificationResult:
    verdict: Verdict
    signatures: tuple[SignatureReport, ...]
    # The element tree rebuilt from what was actually signed; business logic reads only this.
    signed_root: etree._Element | None = None
    reasons: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.verdict is Verdict.TOTAL_PASSED


@runtime_checkable
class Signer(Protocol):
    @property
    def certificate_pem(self) -> bytes: ...

    @property
    def subject(self) -> str: ...

    def sign_enveloped(self, xml: bytes) -> bytes:
        """Return ``xml`` with an enveloped XAdES-BES ``ds:Signature`` as the root's last child."""
        ...


@runtime_checkable
class Verifier(Protocol):
    def verify(self, xml: bytes) -> VerificationResult: ...

    def verify_detached(
        self, signature_xml: bytes, content: bytes | Mapping[str, bytes]
    ) -> VerificationResult:
        """A detached signature; ``content``: the signed file, or reference URI → bytes."""
        ...

    def verify_pdf(self, pdf: bytes) -> VerificationResult:
        """The signatures of a PDF (PAdES), with the same trust settings."""
        ...

    def verify_smime(self, message: bytes) -> VerificationResult:
        """The S/MIME signature of an e-mail message, with the same trust settings."""
        ...
