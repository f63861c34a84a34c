"""ezd's RFC 3161 token check (signatures/tsp.py) against pyHanko's (``validate_tst_signed_data``)
on the same tokens: intact, another imprint, a changed TSTInfo, a flipped signature."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging

import pytest
from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import ValidationContext

from ezd.signatures.tsp import TokenInvalid, verify_token
from tests.signatures.services import Tsa

DATA = b"SignatureValue bytes"


@pytest.fixture(scope="module")
def token() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Testowy TSA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(5)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=9))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    imprint = {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": hashlib.sha256(DATA).digest()}
    req = tsp.TimeStampReq({"version": "v1", "message_imprint": imprint, "nonce": 7, "cert_req": True})
    resp = tsp.TimeStampResp.load(Tsa(cert, key).respond(req.dump()))
    return bytes(resp["time_stamp_token"].dump())


def _pyhanko_ok(token: bytes, data: bytes) -> bool:
    # no trust context: the TSA's path is judged apart (ezd: its own path building), so only the
    # token's integrity (intact: imprint and message-digest; valid: the CMS signature) compares
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    try:
        sd = cms.ContentInfo.load(token)["content"]
        context = ValidationContext(trust_roots=[])  # not the operating system's list either
        st = asyncio.run(validate_tst_signed_data(sd, context, lambda alg: hashlib.new(alg, data).digest()))
    except Exception:  # any refusal by the library counts as "not ok"
        return False
    return bool(st["intact"] and st["valid"])


def _ezd_ok(token: bytes, data: bytes) -> bool:
    try:
        verify_token(token, data)
    except TokenInvalid:
        return False
    return True


def _changed_tst_info(token: bytes) -> bytes:
    ci = cms.ContentInfo.load(token)
    tst = ci["content"]["encap_content_info"]["content"].parsed
    out = bytearray(token)
    serial = tst["serial_number"].dump()
    at = bytes(out).find(serial)
    out[at + len(serial) - 1] ^= 0x01  # serial number 1 -> 0 inside the signed TSTInfo
    return bytes(out)


def _flipped_signature(token: bytes) -> bytes:
    sig = cms.ContentInfo.load(token)["content"]["signer_infos"][0]["signature"].native
    out = bytearray(token)
    at = bytes(out).find(sig)
    out[at + len(sig) // 2] ^= 0x01
    return bytes(out)


@pytest.mark.parametrize("case", ["intact", "other-data", "changed-tstinfo", "flipped-signature"])
def test_token_check_agrees_with_pyhanko(token: bytes, case: str) -> None:
    tok, data = {
        "intact": (token, DATA),
        "other-data": (token, DATA + b"!"),
        "changed-tstinfo": (_changed_tst_info(token), DATA),
        "flipped-signature": (_flipped_signature(token), DATA),
    }[case]
    ezd, ph = _ezd_ok(tok, data), _pyhanko_ok(tok, data)
    assert ezd == ph
    assert ezd is (case == "intact")
