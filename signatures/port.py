"""Signature ports: who signs (a key holder) and who verifies.

A :class:`Signer` hides where the key lives: a PKCS#12 file today, a PKCS#11 HSM or a remote
signing service later.  It is given the bytes to sign and returns signed bytes; callers never
touch key material.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from lxml import etree


class Verdict(StrEnum):
    """Overall result in the sense of ETSI EN 319 102-1."""

    TOTAL_PASSED = "TOTAL-PASSED"
    INDETERMINATE = "INDETERMINATE"
    TOTAL_FAILED = "TOTAL-FAILED"


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
