"""Verification throughput: ezd XadesVerifier vs python-xmlsec (crypto-only) on the same documents.

    python bench/bench_verify.py [--key rsa|ec] [--seconds 2]

xmlsec checks only SignatureValue and reference digests (what libxmlsec1 does); ezd's verifier also
parses through ezd.xmlsafe, checks XAdES signed properties, builds the certificate path, reads
QcStatements and rebuilds ``signed_root`` from the digested bytes, so the ratio is the price of a
full verification.  python-xmlsec is optional (``pip install xmlsec``); without it only ezd numbers
are printed.  Targets (issues 4, 16): ezd >= 0.5x python-xmlsec's rate at every size, full
verification of the 100 KB document p50 <= 10 ms.

PAdES: a 1 MB signed PDF verified by ezd's PadesVerifier (pyHanko's validation behind ezd's
report, offline) against pyHanko's own ``validate_pdf_signature`` with the same trust root: the
ratio is ezd's overhead around the library.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree

from ezd.signatures import Pkcs12Signer, XadesVerifier, create_demo_pki

SIZES = {"1KB": 1_000, "100KB": 100_000, "1MB": 1_000_000}


def make_doc(size: int) -> bytes:
    row = "<Pozycja><Symbol>OR.6220</Symbol><Opis>Zażółć gęślą jaźń – pismo w sprawie</Opis></Pozycja>"
    n = max(1, size // len(row.encode()))
    return f"<Spis xmlns='urn:ezd:bench'>{row * n}</Spis>".encode()


def rate(fn: Callable[[], object], seconds: float) -> tuple[float, list[float]]:
    fn()  # warm-up
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 5:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return len(times) / sum(times), times


def xmlsec_verifier(cert_pem: bytes) -> Callable[[bytes], None] | None:
    try:
        import xmlsec
    except ImportError:
        return None
    key = xmlsec.Key.from_memory(cert_pem, xmlsec.constants.KeyDataFormatCertPem, None)

    def check(doc: bytes) -> None:
        root = etree.fromstring(doc)
        sig = xmlsec.tree.find_node(root, xmlsec.constants.NodeSignature)
        for el in root.iter():  # register Id attributes so #refs resolve
            if el.get("Id"):
                xmlsec.tree.add_ids(el, ["Id"])
                break
        ctx = xmlsec.SignatureContext()
        ctx.key = key
        ctx.verify(sig)

    return check


def cached_ocsp(pki: object) -> object:
    """An OcspChecker whose 'network' is an in-process responder signed by the intermediate CA;
    after the first answer everything comes from the checker's cache (what production sees)."""
    import datetime as dt

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509 import ocsp

    from ezd.signatures.ocsp import OcspChecker

    def post(url: str, body: bytes) -> bytes:
        req = ocsp.load_der_ocsp_request(body)
        now = dt.datetime.now(dt.UTC)
        resp = (
            ocsp.OCSPResponseBuilder()
            .add_response(
                cert=pki.eseal_cert,
                issuer=pki.intermediate_cert,
                algorithm=hashes.SHA1(),  # type: ignore[attr-defined]
                cert_status=ocsp.OCSPCertStatus.GOOD,
                this_update=now,
                next_update=now + dt.timedelta(hours=1),
                revocation_time=None,
                revocation_reason=None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, pki.intermediate_cert)  # type: ignore[attr-defined]
            .sign(pki.intermediate_key, hashes.SHA256())  # type: ignore[attr-defined]
        )
        assert req.serial_number == pki.eseal_cert.serial_number  # type: ignore[attr-defined]
        return resp.public_bytes(serialization.Encoding.DER)

    return OcspChecker(post)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", choices=["rsa", "ec"], default="rsa")
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pki = create_demo_pki(
            Path(tmp),
            "Starostwo Powiatowe w Świdniku",
            b"pw",
            key_type=args.key,
            ocsp_url="http://ocsp.invalid/",
        )
        signer = Pkcs12Signer(pki.eseal_p12, b"pw")
        verifier = XadesVerifier([pki.ca_pem])
        full = XadesVerifier([pki.ca_pem], revocation=cached_ocsp(pki))  # type: ignore[arg-type]
        xs = xmlsec_verifier(signer.certificate_pem)
        print(f"key={args.key}  python {sys.version.split()[0]}")
        sign_rate, _ = rate(lambda: signer.sign_enveloped(make_doc(1_000)), args.seconds)
        print(f"sign 1KB: {1000 / sign_rate:.2f} ms/signature ({sign_rate:.0f}/s)")
        for label, size in SIZES.items():
            doc = signer.sign_enveloped(make_doc(size))
            first = verifier.verify(doc)
            assert first.passed
            # measured: ezd's own XMLDSig core (signatures/dsig.py), not the signxml fallback
            assert "engine" not in first.signatures[0].details, first.signatures[0].details
            ezd_rate, times = rate(lambda d=doc: verifier.verify(d), args.seconds)  # type: ignore[misc]
            p50 = statistics.median(times) * 1000
            line = f"{label:>6} ({len(doc) / 1000:.0f} kB): ezd {ezd_rate:8.1f}/s  p50 {p50:7.2f} ms"
            if xs is not None:
                xs(doc)
                xs_rate, _ = rate(lambda d=doc: xs(d), args.seconds)  # type: ignore[misc]
                line += f" | xmlsec {xs_rate:8.1f}/s | ezd/xmlsec {ezd_rate / xs_rate:5.2f}x"
            print(line)
            if label == "100KB":
                assert full.verify(doc).passed
                _, ftimes = rate(lambda d=doc: full.verify(d), args.seconds)  # type: ignore[misc]
                p50_full = statistics.median(ftimes) * 1000
                print(f"{'':>6} full verification (chain + cached OCSP): p50 {p50_full:7.2f} ms")
        bench_pades(pki, args.seconds)


def signed_pdf(pki: object, size: int) -> bytes:
    import io
    import random

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pypdf import PdfWriter

    w = PdfWriter()
    page = w.add_blank_page(width=595, height=842)
    # ~size bytes of (incompressible) page content, as a scanned letter would have
    blob = random.Random(1).randbytes(size).hex()[:size]
    from pypdf.generic import DecodedStreamObject, NameObject

    stream = DecodedStreamObject()
    stream.set_data(f"% {blob}\n".encode())
    page[NameObject("/Contents")] = w._add_object(stream)
    buf = io.BytesIO()
    w.write(buf)
    signer = signers.SimpleSigner.load_pkcs12(pki.eseal_p12, passphrase=b"pw")  # type: ignore[attr-defined]
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(buf.getvalue())),
        signers.PdfSignatureMetadata(field_name="Podpis"),
        signer=signer,
    )
    return out.getvalue()


def bench_pades(pki: object, seconds: float) -> None:
    import io

    from asn1crypto import pem
    from asn1crypto import x509 as ax509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from ezd.signatures.pades import PadesVerifier

    pdf = signed_pdf(pki, 1_000_000)
    ours = PadesVerifier([pki.ca_pem], online=False)  # type: ignore[attr-defined]
    assert ours.verify(pdf).passed
    _, _, root_der = pem.unarmor(pki.ca_pem.read_bytes())  # type: ignore[attr-defined]
    root = ax509.Certificate.load(root_der)

    def peer() -> None:
        sig = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
        status = validate_pdf_signature(sig, signer_validation_context=ValidationContext(trust_roots=[root]))
        assert status.bottom_line

    ezd_rate, times = rate(lambda: ours.verify(pdf), seconds)
    peer_rate, _ = rate(peer, seconds)
    p50 = statistics.median(times) * 1000
    print(
        f"PAdES 1MB ({len(pdf) / 1000:.0f} kB): ezd {ezd_rate:6.1f}/s p50 {p50:7.2f} ms"
        f" | pyHanko {peer_rate:6.1f}/s | ezd/pyHanko {ezd_rate / peer_rate:4.2f}x"
    )


if __name__ == "__main__":
    main()
