"""Pkcs11Signer against a real SoftHSM2 token initialized in a temporary directory.

Needs the Debian packages ``softhsm2`` (softhsm2-util + libsofthsm2.so) and python-pkcs11;
skipped locally without them, a failure in CI (EZD_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ezd.signatures import Signer, SignerKeyError, Verdict, XadesVerifier, create_demo_pki
from ezd.signatures.pki import DemoPki
from tests.conftest import need_service

LIBS = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
TOKEN = "ezd-test"
PIN = "123456"
DOC = "<Pismo xmlns='urn:ezd:test'><Znak>OR.6220.1.2025</Znak><Tresc>Zażółć</Tresc></Pismo>".encode()


@dataclass
class Token:
    lib: str
    pkis: dict[str, DemoPki]


def _import_certificate(lib: str, cert: x509.Certificate, label: str, cka_id: bytes) -> None:
    import pkcs11
    from pkcs11.util.x509 import decode_x509_certificate

    attrs = decode_x509_certificate(cert.public_bytes(serialization.Encoding.DER))
    attrs.update({pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.LABEL: label, pkcs11.Attribute.ID: cka_id})
    with pkcs11.lib(lib).get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        session.create_object(attrs)


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    util = shutil.which("softhsm2-util")
    lib = next((p for p in LIBS if Path(p).is_file()), None)
    if util is None or lib is None:
        need_service("SoftHSM2 not installed (Debian package softhsm2)")
    try:
        import pkcs11
    except ImportError:
        need_service("python-pkcs11 not installed")
    assert util is not None and lib is not None
    tmp = tmp_path_factory.mktemp("softhsm")
    (tmp / "tokens").mkdir()
    conf = tmp / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tmp / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    try:
        pkcs11.lib(lib).reinitialize()  # SoftHSM reads its configuration in C_Initialize
        env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
        subprocess.run(
            [util, "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "654321"],
            check=True,
            capture_output=True,
            env=env,
        )
        pkcs11.lib(lib).reinitialize()  # see the new token
        pkis: dict[str, DemoPki] = {}
        for n, key_type in enumerate(("rsa", "ec"), start=1):
            pki = create_demo_pki(tmp / key_type, "Starostwo Powiatowe w Świdniku", b"pw", key_type=key_type)
            pkis[key_type] = pki
            pem = tmp / f"{key_type}.pem"
            pem.write_bytes(
                pki.eseal_key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            label, cka_id = f"eseal-{key_type}", bytes([n])
            subprocess.run(
                [
                    util,
                    "--import",
                    str(pem),
                    "--token",
                    TOKEN,
                    "--label",
                    label,
                    "--id",
                    cka_id.hex(),
                    "--pin",
                    PIN,
                ],
                check=True,
                capture_output=True,
                env=env,
            )
            pem.unlink()  # the key now lives only in the token
            _import_certificate(lib, pki.eseal_cert, label, cka_id)
            _import_certificate(lib, pki.intermediate_cert, f"intermediate-{key_type}", bytes([0x10 + n]))
        yield Token(lib, pkis)
    finally:
        if old is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = old


@pytest.mark.parametrize("key_type", ["rsa", "ec"])
def test_pkcs11_sign_enveloped_and_detached(token: Token, key_type: str) -> None:
    from ezd.signatures.hsm import Pkcs11Signer

    pki = token.pkis[key_type]
    signer = Pkcs11Signer(token.lib, TOKEN, PIN, f"eseal-{key_type}")
    assert isinstance(signer, Signer)
    assert signer.certificate == pki.eseal_cert
    assert signer.chain == [pki.eseal_cert, pki.intermediate_cert]  # intermediate found on the token
    verifier = XadesVerifier([pki.ca_pem])

    signed = signer.sign_enveloped(DOC)
    result = verifier.verify(signed)
    assert result.verdict is Verdict.TOTAL_PASSED, result.reasons
    assert result.signatures[0].signer_subject == signer.subject
    assert len(result.signatures[0].details["chain"]) == 3  # type: ignore[arg-type]
    assert (
        verifier.verify(signed.replace(b"OR.6220.1.2025", b"OR.6220.9.2025")).verdict is Verdict.TOTAL_FAILED
    )

    pdf = b"%PDF-1.7\n\x00binary"
    sig = signer.sign_detached(pdf, uri="pismo.pdf", mime_type="application/pdf")
    assert verifier.verify_detached(sig, pdf).passed
    assert verifier.verify_detached(sig, pdf + b"!").verdict is Verdict.TOTAL_FAILED


def test_pkcs11_signer_is_thread_safe(token: Token) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from ezd.signatures.hsm import Pkcs11Signer

    signer = Pkcs11Signer(token.lib, TOKEN, PIN, "eseal-ec")
    verifier = XadesVerifier([token.pkis["ec"].ca_pem])
    with ThreadPoolExecutor(4) as pool:
        signed = list(pool.map(lambda i: signer.sign_enveloped(f"<P><N>{i}</N></P>".encode()), range(12)))
    assert all(verifier.verify(s).passed for s in signed)


@pytest.mark.parametrize(
    ("token_label", "pin", "key_label", "message"),
    [
        (TOKEN, "000000", "eseal-rsa", "login failed"),
        (TOKEN, PIN, "no-such-key", "no private key"),
        ("no-such-token", PIN, "eseal-rsa", "not found"),
    ],
)
def test_pkcs11_configuration_errors(
    token: Token, token_label: str, pin: str, key_label: str, message: str
) -> None:
    from ezd.signatures.hsm import Pkcs11Signer

    with pytest.raises(SignerKeyError, match=message):
        Pkcs11Signer(token.lib, token_label, pin, key_label)


def test_pkcs11_missing_module() -> None:
    from ezd.signatures.hsm import Pkcs11Signer

    with pytest.raises(SignerKeyError, match="not found"):
        Pkcs11Signer("/nonexistent/libpkcs11.so", TOKEN, PIN, "eseal-rsa")


def test_bootstrap_picks_pkcs11(token: Token, tmp_path: Path) -> None:
    from ezd.bootstrap import bootstrap
    from ezd.signatures.hsm import Pkcs11Signer
    from tests.conftest import make_settings

    settings = make_settings(
        tmp_path,
        signing_pkcs11_lib=Path(token.lib),
        signing_pkcs11_token=TOKEN,
        signing_pkcs11_pin=PIN,
        signing_pkcs11_key_label="eseal-rsa",
    )
    signer = bootstrap(settings).signer
    assert isinstance(signer, Pkcs11Signer)
    assert XadesVerifier([token.pkis["rsa"].ca_pem]).verify(signer.sign_enveloped(DOC)).passed


def test_pkcs11_signer_survives_fork(token: Token) -> None:
    """Worker processes fork after bootstrap; PKCS#11 state must be re-initialized in the child."""
    import multiprocessing

    from ezd.signatures.hsm import Pkcs11Signer

    signer = Pkcs11Signer(token.lib, TOKEN, PIN, "eseal-rsa")
    signer.sign_enveloped(DOC)  # the parent has used its session
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:  # runs in the forked process (fork: nothing is pickled)
        send.send(signer.sign_enveloped(DOC))

    proc = ctx.Process(target=child)
    proc.start()
    assert receive.poll(60), "the forked child did not sign"
    signed = receive.recv()
    proc.join(10)
    assert proc.exitcode == 0
    verifier = XadesVerifier([token.pkis["rsa"].ca_pem])
    assert verifier.verify(signed).passed
    assert verifier.verify(signer.sign_enveloped(DOC)).passed  # and the parent still signs


@pytest.mark.parametrize("key_type", ["rsa", "ec"])
def test_pkcs11_seals_a_pdf_with_pades(token: Token, key_type: str) -> None:
    """The office seal on a token seals PDF replies too: the key signs inside the token."""
    import io

    from pypdf import PdfWriter

    from ezd.signatures.hsm import Pkcs11Signer
    from ezd.signatures.pades import PadesVerifier

    pki = token.pkis[key_type]
    signer = Pkcs11Signer(token.lib, TOKEN, PIN, f"eseal-{key_type}")
    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    sealed = signer.sign_pdf(buf.getvalue())
    result = PadesVerifier([pki.ca_pem], online=False).verify(sealed)
    assert result.verdict is Verdict.TOTAL_PASSED, result.reasons
    (report,) = result.signatures
    assert report.details["format"] == "PAdES" and report.details["coverage"] == "ENTIRE_FILE"
    assert len(report.details["chain"]) == 3  # type: ignore[arg-type]
    at = sealed.index(b"/MediaBox")  # a changed byte inside the signed range
    broken = sealed[:at] + b"/MediaBoy" + sealed[at + 9 :]
    assert PadesVerifier([pki.ca_pem], online=False).verify(broken).verdict is Verdict.TOTAL_FAILED
