"""XAdES signatures for ezd: sign office documents with the e-seal, verify incoming ones.

Public surface (everything else is internal and may change):

* ports (:mod:`ezd.signatures.port`): :class:`Signer`, :class:`Verifier`, :class:`Verdict`,
  :class:`VerificationResult` (``signed_root`` = the only tree business logic may read),
  :class:`SignatureReport`;
* :class:`Pkcs12Signer` — XAdES-BES enveloped/detached signing with a PKCS#12 e-seal;
* :class:`ezd.signatures.hsm.Pkcs11Signer` — the same with the key in a PKCS#11 token (imported from
  its module: it needs the optional python-pkcs11);
* :class:`XadesVerifier` — verification with EN 319 102-1 verdicts (indication + subindication,
  DSS spelling in reports); :class:`ezd.signatures.pades.PadesVerifier` — signed PDFs (pyHanko);
  :func:`ezd.signatures.attachments.verify_attachments` — a letter's signed attachments;
* :func:`create_demo_pki` / :class:`DemoPki` — root → intermediate → e-seal test PKI;
* :func:`read_qc_statements` / :class:`QcInfo` — qualified-certificate statements;
* :class:`FakeSigner` / :class:`FakeVerifier` — test doubles for other packages;
* :class:`CrlChecker` — CRL revocation checking (pass as ``XadesVerifier(revocation=...)``);
* :func:`to_json` / :func:`to_text` / :func:`result_to_dict` — verification reports;
* :mod:`ezd.signatures.cli` ``app`` — Typer sub-app (``verify``, ``sign``).

Error tree (all raised on purpose; verification problems are *results*, not exceptions)::

    Exception
    ├── ezd.records.errors.EzdError
    │   └── signatures.errors.SignatureError
    │       ├── SignerKeyError  PKCS#12/PKCS#11 key unusable: wrong password or PIN, no key...
    │       ├── SigningError    signing failed (e.g. input is a bare ds:Signature)
    │       ├── TimestampError  TSA unreachable or bad time-stamp response
    │       └── TrustConfigError unusable trust anchors / trusted list
    └── ValueError
        └── ezd.xmlsafe.XMLRejected
            ├── MalformedXML    not XML: raised by sign_* and by XadesVerifier.verify*
            ├── HostileXML      DOCTYPE/entities/too deep: raised by sign_*; verify* returns
            └── OversizeXML     over the size cap:         TOTAL-FAILED ("REJECTED_XML: ...")

``XadesVerifier.verify`` never raises for hostile input other than MalformedXML.
"""

from __future__ import annotations

from ezd.signatures.errors import (
    SignatureError,
    SignerKeyError,
    SigningError,
    TimestampError,
    TrustConfigError,
)
from ezd.signatures.fake import FakeSigner, FakeVerifier
from ezd.signatures.pkcs12 import Pkcs12Signer
from ezd.signatures.pki import DemoPki, create_demo_pki
from ezd.signatures.port import SignatureReport, Signer, Verdict, VerificationResult, Verifier
from ezd.signatures.qc import QcInfo, read_qc_statements
from ezd.signatures.report import result_to_dict, to_json, to_text
from ezd.signatures.revocation import CrlChecker
from ezd.signatures.verify import XadesVerifier, load_certificates

__all__ = [
    "CrlChecker",
    "DemoPki",
    "FakeSigner",
    "FakeVerifier",
    "Pkcs12Signer",
    "QcInfo",
    "SignatureError",
    "SignatureReport",
    "Signer",
    "SignerKeyError",
    "SigningError",
    "TimestampError",
    "TrustConfigError",
    "Verdict",
    "VerificationResult",
    "Verifier",
    "XadesVerifier",
    "create_demo_pki",
    "load_certificates",
    "read_qc_statements",
    "result_to_dict",
    "to_json",
    "to_text",
]
