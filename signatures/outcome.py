"""What one signature's verification found so far: the verdict, its subindication and reasons.

Shared by the modules :mod:`ezd.signatures.verify` is split into (structure checks, certificate
path, time-stamps, the signxml fallback); it holds no policy of its own beyond EN 319 102-1's
table of which indication a subindication belongs to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cryptography import x509
from lxml import etree

from ezd.signatures.port import INDICATION_OF, SubIndication, Verdict, subindication_of

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
XADES141 = "http://uri.etsi.org/01903/v1.4.1#"
NS = {"ds": DS, "xades": XADES, "xades141": XADES141}
SIGNED_PROPERTIES_TYPES = {
    "http://uri.etsi.org/01903#SignedProperties",
    "http://uri.etsi.org/01903/v1.1.1#SignedProperties",  # XAdES v1.1.1 (signatures/xades111.py)
}
COUNTERSIGNED_TYPE = "http://uri.etsi.org/01903#CountersignedSignature"

_SEVERITY = {Verdict.TOTAL_PASSED: 0, Verdict.INDETERMINATE: 1, Verdict.TOTAL_FAILED: 2}

# a revocation checker answers for (certificate, issuer, at) ->
# ("good" | "revoked" | "unknown" | "no-data", detail)
RevocationChecker = Callable[[x509.Certificate, x509.Certificate, dt.datetime], tuple[str, str]]


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    result = Verdict.TOTAL_PASSED
    for v in verdicts:
        if _SEVERITY[v] > _SEVERITY[result]:
            result = v
    return result


@dataclass
class Outcome:
    verdict: Verdict = Verdict.TOTAL_PASSED
    reasons: list[str] = field(default_factory=list)
    crypto_valid: bool = False
    signer_subject: str | None = None
    signing_time: str | None = None
    signed_root: etree._Element | None = None
    details: dict[str, object] = field(default_factory=dict)
    subindication: SubIndication | None = None

    def add(self, verdict: Verdict, reason: str) -> None:
        """Record a finding; a standard subindication fixes the indication (EN 319 102-1 Table 5),
        and the first finding at the worst level names the result's subindication."""
        sub = subindication_of(reason)
        if sub is not None:
            verdict = INDICATION_OF.get(sub, verdict)
        if _SEVERITY[verdict] > _SEVERITY[self.verdict] or (
            verdict is self.verdict and verdict is not Verdict.TOTAL_PASSED and self.subindication is None
        ):
            self.subindication = sub
        self.verdict = worst([self.verdict, verdict])
        self.reasons.append(reason)
