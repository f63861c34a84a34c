"""A signed corpus under a private test CA whose CRL is served on loopback, for comparing ezd's
verdicts with DSS's (tests/signatures/test_sig_dss_agreement.py).

Root CA "ezd Test CA" (the only trust anchor) issues every leaf directly, each with a CRL
distribution point on a local HTTP server: a valid signer, an expired one, two that are revoked
(at different times), a TSA; a second root issues the untrusted signer.  DSS and ezd each sign
valid B and T signatures in every packaging; the variants are made from ezd's signatures.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.server
import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from lxml import etree

from ezd.signatures.keysigner import _EzdXAdESSigner
from ezd.signatures.pkcs12 import Pkcs12Signer
from ezd.signatures.pki import PrivateKey, ca_name, eseal_name, export_pkcs12, generate_key, issue_certificate
from ezd.signatures.tsp import TsaClient
from tests.signatures import dss
from tests.signatures.services import Tsa

UTC = dt.UTC
PASSWORD = "corpus-haslo"
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
NS = {"ds": DS, "xades": XADES}
LETTER = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<pismo xmlns="urn:ezd:test:pismo"><nadawca>Jan Kowalski</nadawca>'
    b"<tresc>Wniosek o wydanie zaswiadczenia.</tresc><kwota>100.00</kwota></pismo>"
)


@contextmanager
def crl_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """GET /<name>.crl from a dict the caller fills in (so certificates can name the URL first)."""
    crls: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = crls.get(self.path.lstrip("/"))
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/pkix-crl")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", crls
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Identity:
    cert: x509.Certificate
    key: PrivateKey
    p12: Path

    def signer(
        self, *, clock: Callable[[], dt.datetime] | None = None, tsa: Tsa | None = None
    ) -> Pkcs12Signer:
        client = TsaClient("loopback", post=lambda _url, body: tsa.respond(body)) if tsa else None
        return Pkcs12Signer(self.p12, PASSWORD, clock=clock, tsa=client)


@dataclass
class Case:
    name: str
    file: Path
    detached: list[Path] = field(default_factory=list)


@dataclass
class Corpus:
    dir: Path
    ca_pem: Path
    now: dt.datetime
    cases: list[Case] = field(default_factory=list)

    def add(
        self, name: str, data: bytes, *, detached: dict[str, bytes] | None = None, name_as: str = "signed.xml"
    ) -> Case:
        case_dir = self.dir / name
        case_dir.mkdir()
        paths = []
        for fname, content in (detached or {}).items():
            (case_dir / fname).write_bytes(content)
            paths.append(case_dir / fname)
        f = case_dir / name_as
        f.write_bytes(data)
        case = Case(name, f, paths)
        self.cases.append(case)
        return case


def _identity(
    d: Path,
    label: str,
    issuer: tuple[x509.Certificate, PrivateKey],
    *,
    not_before: dt.datetime,
    not_after: dt.datetime,
    crl_url: str,
    eku: list[x509.ObjectIdentifier] | None = None,
) -> Identity:
    key = generate_key("ec")
    subject = eseal_name(f"Urząd Testowy {label}", "VATPL-0000000000") if not eku else ca_name(label)
    cert = issue_certificate(
        subject=subject,
        public_key=key.public_key(),
        issuer_cert=issuer[0],
        issuer_key=issuer[1],
        not_before=not_before,
        not_after=not_after,
        extended_key_usages=eku or (),
        crl_url=crl_url,
    )
    p12 = d / f"{label}.p12"
    p12.write_bytes(export_pkcs12(cert, key, [], PASSWORD.encode()))
    return Identity(cert, key, p12)


def _root(cn: str) -> tuple[x509.Certificate, PrivateKey]:
    key = generate_key("ec")
    cert = issue_certificate(
        subject=ca_name(cn),
        public_key=key.public_key(),
        issuer_cert=None,
        issuer_key=key,
        not_before=dt.datetime(2015, 1, 1, tzinfo=UTC),
        not_after=dt.datetime(2045, 1, 1, tzinfo=UTC),
        ca=True,
        path_length=0,
    )
    return cert, key


def _crl(
    issuer: tuple[x509.Certificate, PrivateKey], revoked: dict[int, dt.datetime], now: dt.datetime
) -> bytes:
    b = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer[0].subject)
        .last_update(now - dt.timedelta(minutes=1))
        .next_update(now + dt.timedelta(days=1))
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for serial, when in revoked.items():
        b = b.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    return b.sign(issuer[1], hashes.SHA256()).public_bytes(serialization.Encoding.DER)


class _WrongCertSigningSettings(_EzdXAdESSigner):
    """Names another certificate in SigningCertificateV2 (the signature itself stays intact)."""

    other: x509.Certificate

    def add_signing_certificate(
        self, signed_signature_properties: Any, sig_root: Any, signing_settings: Any
    ) -> None:
        settings = signing_settings
        wrong = type(settings)(**{**vars(settings), "cert_chain": [self.other]})
        super().add_signing_certificate(signed_signature_properties, sig_root, wrong)


class _WrongDigestSigner(Pkcs12Signer):
    def __init__(self, ident: Identity, other: x509.Certificate) -> None:
        super().__init__(ident.p12, PASSWORD)
        self._other = other

    def _signer(self, method: Any) -> _EzdXAdESSigner:
        s = super()._signer(method)
        wrong = _WrongCertSigningSettings(
            method=method,
            signature_algorithm=s.sign_alg,
            digest_algorithm=s.digest_alg,
            data_object_format=s.data_object_format,
        )
        wrong.other = self._other
        return wrong


def _tamper_text(data: bytes) -> bytes:
    return data.replace(b"100.00", b"900.00", 1)


def _drop_signed_properties(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for sp in root.iter(f"{{{XADES}}}SignedProperties"):
        sp.getparent().remove(sp)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _corrupt_timestamp(data: bytes) -> bytes:
    root = etree.fromstring(data)
    el = next(root.iter(f"{{{XADES}}}EncapsulatedTimeStamp"))
    raw = bytearray(base64.b64decode("".join((el.text or "").split())))
    raw[-5] ^= 0x55  # inside the TSA's signature value: still DER, no longer valid
    el.text = base64.b64encode(bytes(raw)).decode()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _swap_timestamp(data: bytes, donor: bytes) -> bytes:
    root = etree.fromstring(data)
    theirs = next(etree.fromstring(donor).iter(f"{{{XADES}}}EncapsulatedTimeStamp"))
    mine = next(root.iter(f"{{{XADES}}}EncapsulatedTimeStamp"))
    mine.text = theirs.text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build(d: Path, base_url: str, crls: dict[str, bytes]) -> Corpus:
    now = dt.datetime.now(UTC).replace(microsecond=0)
    root = _root("ezd Test CA")
    other = _root("Obce CA")
    url = f"{base_url}/ca.crl"
    other_url = f"{base_url}/other.crl"
    d.mkdir(parents=True, exist_ok=True)
    valid_from, valid_to = now - dt.timedelta(days=30), now + dt.timedelta(days=365)
    ok = _identity(d, "ok", root, not_before=valid_from, not_after=valid_to, crl_url=url)
    expired = _identity(
        d,
        "expired",
        root,
        not_before=now - dt.timedelta(days=400),
        not_after=now - dt.timedelta(days=35),
        crl_url=url,
    )
    rev_early = _identity(d, "rev-early", root, not_before=valid_from, not_after=valid_to, crl_url=url)
    rev_late = _identity(d, "rev-late", root, not_before=valid_from, not_after=valid_to, crl_url=url)
    tsa_id = _identity(
        d,
        "ezd Test TSA",
        root,
        not_before=valid_from,
        not_after=valid_to,
        crl_url=url,
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
    )
    stranger = _identity(d, "stranger", other, not_before=valid_from, not_after=valid_to, crl_url=other_url)
    # rev-early is revoked 3 h ago, before its time-stamp (2 h ago); rev-late 1 h ago, after it
    crls["ca.crl"] = _crl(
        root,
        {
            rev_early.cert.serial_number: now - dt.timedelta(hours=3),
            rev_late.cert.serial_number: now - dt.timedelta(hours=1),
        },
        now,
    )
    crls["other.crl"] = _crl(other, {}, now)
    ca_pem = d / "ca.pem"
    ca_pem.write_bytes(root[0].public_bytes(serialization.Encoding.PEM))
    corpus = Corpus(d, ca_pem, now)

    tsa = Tsa(tsa_id.cert, tsa_id.key)
    two_hours_ago = now - dt.timedelta(hours=2)
    tsa_past = Tsa(tsa_id.cert, tsa_id.key, clock=lambda: two_hours_ago)
    src = d / "letter.xml"
    src.write_bytes(LETTER)
    # a real PDF: a detached .xml/.xades beside a PDF is the usual output of Polish signing tools
    content = _blank_pdf()
    det_src = d / "zalacznik.pdf"
    det_src.write_bytes(content)

    # --- DSS signs (one JVM): XAdES B and T in every packaging, PAdES B and T ----------------------
    pdf = d / "pismo.pdf"
    pdf.write_bytes(_blank_pdf())
    jobs: list[tuple[str, dss.SignJob, dict[str, bytes] | None]] = []
    for level, tsa_p12 in (("B", None), ("T", tsa_id.p12)):
        for name, packaging, transform, inp in (
            ("enveloped-default", "ENVELOPED", "default", src),
            ("enveloped-classic", "ENVELOPED", "enveloped", src),
            ("enveloped-xpath", "ENVELOPED", "xpath", src),
            ("enveloping", "ENVELOPING", "default", src),
            ("detached", "DETACHED", "default", det_src),
            # a PDF inside the signature as a base64 ds:Object, as podpis zaufany makes them
            ("enveloping-pdf", "ENVELOPING", "default", det_src),
        ):
            job = dss.SignJob(
                inp, d / f"dss-{name}-{level}.xml", ok.p12, "XADES", packaging, transform, tsa_p12
            )
            jobs.append(
                (f"dss-{name}-{level}", job, {"zalacznik.pdf": content} if packaging == "DETACHED" else None)
            )
        jobs.append(
            (
                f"dss-pades-{level}",
                dss.SignJob(pdf, d / f"dss-pades-{level}.pdf", ok.p12, "PADES", tsa_p12=tsa_p12),
                None,
            )
        )
    dss.sign_all([j for _, j, _ in jobs], PASSWORD)
    for name, job, det in jobs:
        corpus.add(
            name,
            job.dst.read_bytes(),
            detached=det,
            name_as="signed.pdf" if job.fmt == "PADES" else "signed.xml",
        )

    # --- ezd signs: B and T, enveloped and detached -----------------------------------------------
    b_env = ok.signer().sign_enveloped(LETTER)
    t_env = ok.signer(tsa=tsa).sign_enveloped(LETTER)
    corpus.add("ezd-enveloped-B", b_env)
    corpus.add("ezd-enveloped-T", t_env)
    corpus.add(
        "ezd-detached-B",
        ok.signer().sign_detached(content, uri="zalacznik.pdf", mime_type="application/pdf"),
        detached={"zalacznik.pdf": content},
    )
    corpus.add(
        "ezd-detached-T",
        ok.signer(tsa=tsa).sign_detached(content, uri="zalacznik.pdf", mime_type="application/pdf"),
        detached={"zalacznik.pdf": content},
    )

    # --- variants ---------------------------------------------------------------------------------
    dss_env = (d / "dss-enveloped-default-B.xml").read_bytes()
    corpus.add("tampered-content-ezd", _tamper_text(b_env))
    corpus.add("tampered-content-dss", _tamper_text(dss_env))
    # the PDF beside a detached .xml signature changed after signing (one byte of its body)
    changed_pdf = content.replace(b"/MediaBox", b"/MediaBoX", 1)
    corpus.add(
        "tampered-detached-pdf",
        (d / "dss-detached-B.xml").read_bytes(),
        detached={"zalacznik.pdf": changed_pdf},
    )
    corpus.add("signed-properties-removed", _drop_signed_properties(b_env))
    corpus.add(
        "wrong-signing-certificate-digest", _WrongDigestSigner(ok, stranger.cert).sign_enveloped(LETTER)
    )
    corpus.add(
        "signing-time-before-validity",
        ok.signer(clock=lambda: valid_from - dt.timedelta(days=10)).sign_enveloped(LETTER),
    )
    corpus.add(
        "signing-time-after-validity",
        ok.signer(clock=lambda: valid_to + dt.timedelta(days=10)).sign_enveloped(LETTER),
    )
    corpus.add(
        "expired",
        expired.signer(clock=lambda: now - dt.timedelta(days=200)).sign_enveloped(LETTER),
    )
    corpus.add("untrusted", stranger.signer().sign_enveloped(LETTER))
    corpus.add("revoked-B", rev_late.signer().sign_enveloped(LETTER))
    ts_clock = lambda: two_hours_ago - dt.timedelta(minutes=1)  # noqa: E731
    corpus.add(
        "revoked-before-timestamp", rev_early.signer(clock=ts_clock, tsa=tsa_past).sign_enveloped(LETTER)
    )
    corpus.add(
        "revoked-after-timestamp", rev_late.signer(clock=ts_clock, tsa=tsa_past).sign_enveloped(LETTER)
    )
    corpus.add("timestamp-corrupted", _corrupt_timestamp(t_env))
    other_t = ok.signer(tsa=tsa).sign_enveloped(LETTER.replace(b"100.00", b"250.00"))
    corpus.add("timestamp-from-other-signature", _swap_timestamp(t_env, other_t))

    # --- PAdES variants: a byte changed inside the signed range, and an incremental update after
    # signing that replaces the page's content ------------------------------------------------------
    signed_pdf = (d / "dss-pades-B.pdf").read_bytes()
    corpus.add("pades-byte-changed", _flip_in_signed_range(signed_pdf), name_as="signed.pdf")
    corpus.add("pades-changed-after-signing", _replace_page_content(signed_pdf), name_as="signed.pdf")
    return corpus


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _flip_in_signed_range(pdf: bytes) -> bytes:
    at = pdf.index(b"/MediaBox")  # in the first byte range, outside the signature's /Contents
    return pdf[:at] + b"/MediaBoy" + pdf[at + len(b"/MediaBox") :]


def _replace_page_content(pdf: bytes) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref = w.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (Kwota: 900.00) Tj ET")
    page["/Contents"] = w.add_object(stream)
    w.update_container(page)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()
