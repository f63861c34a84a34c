"""Local trust services for tests: an RFC 3161 TSA and an OCSP responder, HTTP on 127.0.0.1.

Built with asn1crypto (TSA) and cryptography's OCSP builder; keys and certificates come from the
test PKI (signatures.pki), nothing is stored as an opaque blob.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import algos, cms, tsp
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp


@contextmanager
def http_service(handle: Callable[[str, bytes], tuple[int, str, bytes]]) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status, ctype, out = handle(self.path, body)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _sign(key: Any, data: bytes) -> tuple[bytes, str]:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256()), "sha256_rsa"
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key.sign(data, ec.ECDSA(hashes.SHA256())), "sha256_ecdsa"


@dataclass
class Tsa:
    cert: x509.Certificate
    key: Any
    chain: list[x509.Certificate] = field(default_factory=list)
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    serial: int = 0
    refuse: bool = False
    wrong_nonce: bool = False

    def respond(self, req_der: bytes) -> bytes:
        req = tsp.TimeStampReq.load(req_der)
        if self.refuse:
            return b"\x30\x05\x30\x03\x02\x01\x02"  # TimeStampResp{status: rejection}, no token
        self.serial += 1
        nonce = req["nonce"].native
        tst = tsp.TSTInfo(
            {
                "version": "v1",
                "policy": "1.3.6.1.4.1.99999.1",
                "message_imprint": req["message_imprint"],
                "serial_number": self.serial,
                "gen_time": self.clock(),
                "nonce": (nonce + 1) if self.wrong_nonce and nonce is not None else nonce,
            }
        )
        tst_der = tst.dump()
        cert_der = self.cert.public_bytes(serialization.Encoding.DER)
        attrs = cms.CMSAttributes(
            [
                cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
                cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(tst_der).digest()]}),
                # RFC 3161 §2.4.2 (via RFC 5816): the token names the TSA certificate (ESSCertIDv2)
                cms.CMSAttribute(
                    {
                        "type": "signing_certificate_v2",
                        "values": [
                            tsp.SigningCertificateV2(
                                {
                                    "certs": [
                                        {
                                            "hash_algorithm": {"algorithm": "sha256"},
                                            "cert_hash": hashlib.sha256(cert_der).digest(),
                                        }
                                    ]
                                }
                            )
                        ],
                    }
                ),
            ]
        )
        signature, sig_alg = _sign(self.key, attrs.dump())
        acert = ax509.Certificate.load(cert_der)
        si = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    {
                        "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                            {"issuer": acert.issuer, "serial_number": acert.serial_number}
                        )
                    }
                ),
                "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "signed_attrs": attrs,
                "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": sig_alg}),
                "signature": signature,
            }
        )
        certs = [acert] + [
            ax509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in self.chain
        ]
        sd = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
                "encap_content_info": {
                    "content_type": "tst_info",
                    "content": cms.ParsableOctetString(tst_der),
                },
                "certificates": certs,
                "signer_infos": [si],
            }
        )
        token = cms.ContentInfo({"content_type": "signed_data", "content": sd})
        return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()

    def handle(self, path: str, body: bytes) -> tuple[int, str, bytes]:
        return 200, "application/timestamp-reply", self.respond(body)


@dataclass
class OcspResponder:
    issuer: x509.Certificate
    issuer_key: Any
    responder: tuple[x509.Certificate, Any] | None = None  # delegated responder; None = the CA signs
    known: dict[int, x509.Certificate] = field(default_factory=dict)
    revoked: dict[int, dt.datetime] = field(default_factory=dict)
    requests: int = 0
    forge_with: Any = None  # sign with this (unauthorised) key instead

    def handle(self, path: str, body: bytes) -> tuple[int, str, bytes]:
        self.requests += 1
        req = ocsp.load_der_ocsp_request(body)
        cert = self.known.get(req.serial_number)
        if cert is None:
            resp = ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
            return 200, "application/ocsp-response", resp.public_bytes(serialization.Encoding.DER)
        now = dt.datetime.now(dt.UTC)
        revoked_at = self.revoked.get(req.serial_number)
        signer_cert, signer_key = self.responder or (self.issuer, self.issuer_key)
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response(
                cert=cert,
                issuer=self.issuer,
                algorithm=hashes.SHA1(),
                cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD,
                this_update=now - dt.timedelta(minutes=1),
                next_update=now + dt.timedelta(hours=1),
                revocation_time=revoked_at,
                revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, signer_cert)
        )
        if self.responder:
            builder = builder.certificates([signer_cert])
        resp = builder.sign(self.forge_with or signer_key, hashes.SHA256())
        return 200, "application/ocsp-response", resp.public_bytes(serialization.Encoding.DER)
