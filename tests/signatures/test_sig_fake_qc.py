from __future__ import annotations

import pytest

from ezd.signatures import FakeSigner, FakeVerifier, Signer, Verdict, Verifier
from ezd.signatures.pki import DemoPki
from ezd.signatures.qc import DERError, QcInfo, encode_qc_statements, parse_qc_statements, read_qc_statements


def test_fake_roundtrip_and_tamper() -> None:
    s, v = FakeSigner(), FakeVerifier()
    assert isinstance(s, Signer) and isinstance(v, Verifier)
    signed = s.sign_enveloped(b"<p><k>1</k></p>")
    ok = v.verify(signed)
    assert ok.passed and ok.signed_root is not None and ok.signed_root.findtext("k") == "1"
    assert v.verify(signed.replace(b"<k>1</k>", b"<k>2</k>")).verdict is Verdict.TOTAL_FAILED
    assert v.verify(b"<p/>").reasons == ("no signature",)
    assert FakeVerifier(forced=Verdict.INDETERMINATE).verify(signed).verdict is Verdict.INDETERMINATE


def test_qc_statements_of_demo_eseal(pki: DemoPki) -> None:
    qc = read_qc_statements(pki.eseal_cert)
    assert qc == QcInfo(present=True, compliance=True, sscd=True, types=("eseal",))
    assert read_qc_statements(pki.ca_cert).present is False


def test_qc_roundtrip_and_garbage() -> None:
    der = encode_qc_statements(compliance=True, sscd=False, qc_types=("esign", "1.2.3.4"))
    assert parse_qc_statements(der) == QcInfo(True, True, False, ("esign", "1.2.3.4"))
    with pytest.raises(DERError):
        parse_qc_statements(der[:-3])
