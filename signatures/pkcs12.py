"""A :class:`~ezd.signatures.port.Signer` backed by a PKCS#12 file (the office e-seal).

The key is decrypted once, in the constructor: PKCS#12 decryption (PBKDF2) costs tens of
milliseconds, which would dominate a batch of a thousand signatures if repeated per document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from signxml.xades import XAdESDataObjectFormat, XAdESSignaturePolicy

from ezd.signatures.errors import SignerKeyError
from ezd.signatures.keysigner import XadesKeySigner


class Pkcs12Signer(XadesKeySigner):
    """XAdES-BES (optionally -EPES via ``signature_policy``, -T via ``tsa``) signer with a PKCS#12 e-seal.

    ``source`` is a path or the PKCS#12 bytes.  Raises :class:`SignerKeyError` when the file
    cannot be opened (wrong password, no key, no certificate, unsupported key type).
    """

    def __init__(
        self,
        source: str | Path | bytes,
        password: bytes | str | None,
        *,
        digest: str = "sha256",
        signature_policy: XAdESSignaturePolicy | None = None,
        data_object_format: XAdESDataObjectFormat | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        tsa: Callable[[bytes], bytes] | None = None,
    ) -> None:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        pw = password.encode() if isinstance(password, str) else password
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, pw)
        except (ValueError, TypeError) as exc:
            raise SignerKeyError(f"cannot open PKCS#12: {exc}") from None
        if key is None or cert is None:
            raise SignerKeyError("PKCS#12 holds no private key or no certificate")
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise SignerKeyError(f"unsupported key type {type(key).__name__}; RSA or EC expected")
        super().__init__(
            key,
            cert,
            extra,
            digest=digest,
            signature_policy=signature_policy,
            data_object_format=data_object_format,
            clock=clock,
            tsa=tsa,
        )
