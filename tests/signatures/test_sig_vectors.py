"""Real-world XAdES from esig/dss (see shared/reference/SOURCES.md §4).

No trust anchors are configured offline, so intact signatures must come out INDETERMINATE with
crypto verified — never PASSED — and altered ones TOTAL-FAILED.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ezd.signatures import Verdict, XadesVerifier

INTACT = [
    "dss-signed.xml",
    "dss1770.xml",
    "xades-valid-reference.xml",
    "doubleSignedTest.xml",
    "TEST_S1a_C1a_InTL_VALID.xml",
    "XAdESPublicKeyInKeyInfo.xml",
]
ALTERED = {
    "dss-signed-altered-refRemoved.xml": "SIG_CRYPTO_FAILURE",
    "dss-signed-altered-signedPropsRemoved.xml": "SIG_CRYPTO_FAILURE",
    "dss1770refUriRemoved.xml": "SIG_CRYPTO_FAILURE",
    "xades-invalid-reference.xml": "XML_NOT_ETSI",
}


@pytest.mark.parametrize("name", INTACT)
def test_intact_vectors_verify_cryptographically(reference_dir: Path, name: str) -> None:
    result = XadesVerifier([]).verify((reference_dir / name).read_bytes())
    assert result.verdict is Verdict.INDETERMINATE, result.reasons
    top = [s for s in result.signatures if s.details.get("role") != "counter-signature"]
    assert top and all(s.crypto_valid for s in top), [s.reasons for s in top]
    assert result.signed_root is not None


def test_chain_missing_reason(reference_dir: Path) -> None:
    result = XadesVerifier([]).verify((reference_dir / "dss-signed.xml").read_bytes())
    assert any(r.startswith("NO_CERTIFICATE_CHAIN_FOUND") for r in result.reasons)


def test_public_key_only_vector(reference_dir: Path) -> None:
    result = XadesVerifier([]).verify((reference_dir / "XAdESPublicKeyInKeyInfo.xml").read_bytes())
    assert any(r.startswith("NO_SIGNING_CERTIFICATE_FOUND") for r in result.reasons)


def test_parallel_signatures(reference_dir: Path) -> None:
    result = XadesVerifier([]).verify((reference_dir / "doubleSignedTest.xml").read_bytes())
    assert len(result.signatures) == 2
    assert all(s.crypto_valid for s in result.signatures)


def test_counter_signature_reported(reference_dir: Path) -> None:
    result = XadesVerifier([]).verify((reference_dir / "TEST_S1a_C1a_InTL_VALID.xml").read_bytes())
    roles = [s.details.get("role") for s in result.signatures]
    assert roles == [None, "counter-signature"]
    counter = result.signatures[1]
    assert counter.crypto_valid, counter.reasons
    assert counter.details["countersigned"] == result.signatures[0].signature_id


@pytest.mark.parametrize(("name", "reason"), sorted(ALTERED.items()))
def test_altered_vectors_fail(reference_dir: Path, name: str, reason: str) -> None:
    result = XadesVerifier([]).verify((reference_dir / name).read_bytes())
    assert result.verdict is Verdict.TOTAL_FAILED
    assert any(reason in r for r in result.reasons), result.reasons
    assert result.signed_root is None


def test_detached_vector(reference_dir: Path) -> None:
    sig = (reference_dir / "simple-test-signed-xades-baseline-b.xml").read_bytes()
    content = (reference_dir / "simple-test.xml").read_bytes()
    ok = XadesVerifier([]).verify_detached(sig, {"simple-test.xml": content})
    assert ok.verdict is Verdict.INDETERMINATE
    assert ok.signatures[0].crypto_valid
    assert any("SHA-1" in r for r in ok.reasons)  # rsa-sha1: verified, but never PASSED
    bad = XadesVerifier([]).verify_detached(sig, {"simple-test.xml": content.replace(b"\r\n", b"\n")})
    assert bad.verdict is Verdict.TOTAL_FAILED


@pytest.mark.parametrize("name", ["Signature-X-AT-1.xml", "Signature-X-CZ_ICZ-1.xml"])
def test_plugtest_vectors_never_pass(reference_dir: Path, name: str) -> None:
    result = XadesVerifier([]).verify((reference_dir / name).read_bytes())
    assert result.verdict is not Verdict.TOTAL_PASSED
    assert result.reasons
