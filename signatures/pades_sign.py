"""PAdES sealing of a PDF with the office's key, wherever it lives (PKCS#12 file or PKCS#11 token).

pyHanko builds the signature: the CMS SignedData with its signed attributes (signing certificate
v2, message digest, content type), the signature dictionary with the ETSI.CAdES.detached
sub-filter (PAdES baseline B-B) and the incremental update with the byte range.  ezd only hands
it the raw signing operation of the key the XAdES signer already holds: cryptography's
``sign()`` call shape, which :class:`~ezd.signatures.hsm._TokenKey` also offers, so one path
serves both kinds of seal and the key never leaves the token.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asn1crypto import algos
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import Signer as CmsSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ezd.signatures.errors import SigningError

T = TypeVar("T")
FIELD_NAME = "PieczecUrzedu"
_HASHES: dict[str, hashes.HashAlgorithm] = {"sha256": hashes.SHA256(), "sha512": hashes.SHA512()}


def _asn1(cert: x509.Certificate) -> ax509.Certificate:
    return ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class _KeyCmsSigner(CmsSigner):
    """pyHanko's signer interface around a key object with cryptography's ``sign()`` shape."""

    def __init__(self, key: Any, cert: x509.Certificate, chain: list[x509.Certificate], digest: str) -> None:
        public = cert.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            mechanism = f"{digest}_rsa"
            self._placeholder = public.key_size // 8
        elif isinstance(public, ec.EllipticCurvePublicKey):
            mechanism = f"{digest}_ecdsa"
            # DER SEQUENCE of two INTEGERs, each at most one byte longer than the field size
            self._placeholder = 2 * ((public.key_size + 7) // 8 + 3) + 3
        else:
            raise SigningError(f"unsupported key type {type(public).__name__}; RSA or EC expected")
        self._key = key
        self._public = public
        super().__init__(
            signing_cert=_asn1(cert),
            cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in chain]),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": mechanism}),
            embed_roots=False,
        )

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:  # pyHanko sizes the /Contents placeholder with this; no token call needed
            return bytes(self._placeholder)
        algorithm = _HASHES.get(digest_algorithm)
        if algorithm is None:
            raise SigningError(f"unsupported digest {digest_algorithm}")
        if isinstance(self._public, rsa.RSAPublicKey):
            return bytes(self._key.sign(data, padding.PKCS1v15(), algorithm))
        return bytes(self._key.sign(data, ec.ECDSA(algorithm)))


def _run(coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run pyHanko's signing to completion from synchronous code.

    pyHanko's synchronous ``sign_pdf`` is ``asyncio.run``, which refuses to start inside a
    thread whose event loop is running (an async caller, a browser test's driver); then the
    signing gets a short-lived thread of its own, ended before this returns.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine())
    with ThreadPoolExecutor(1, thread_name_prefix="ezd-pades") as pool:
        return pool.submit(lambda: asyncio.run(coroutine())).result()


def seal_pdf(
    pdf: bytes,
    *,
    key: Any,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    digest: str = "sha256",
    name: str | None = None,
) -> bytes:
    """``pdf`` with one more signature field holding a PAdES B-B seal made with ``key``.

    Raises :class:`SigningError` for a file pyHanko cannot open or update (not a PDF, encrypted,
    broken cross-reference table) and for a key that refuses to sign.
    """
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm=digest,
            subfilter=fields.SigSeedSubFilter.PADES,
            name=name,
        )
        signer = _KeyCmsSigner(key, cert, chain, digest)
        out = _run(lambda: signers.async_sign_pdf(writer, meta, signer=signer))
    except SigningError:
        raise
    except Exception as exc:  # pyHanko and the PDF reader raise many types; callers get one
        raise SigningError(f"PAdES sealing failed: {type(exc).__name__}: {exc}") from exc
    return bytes(out.getvalue())


def sealing_problem(pdf: bytes) -> str | None:
    """Why ``pdf`` could not be sealed (it does not open, or it is encrypted), or None.

    Asked at upload, so that a reply is refused before approval, not in the sealing step after it.
    """
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        encrypted = writer.prev.encrypted
        writer.root  # noqa: B018 - reading the catalogue is the check that the file is usable
    except Exception as exc:  # the PDF reader raises many types on a broken file
        return f"{type(exc).__name__}: {exc}"
    return "the PDF is encrypted" if encrypted else None


__all__ = ["FIELD_NAME", "seal_pdf", "sealing_problem"]
