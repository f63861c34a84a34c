"""A :class:`~ezd.signatures.port.Signer` whose key stays in a PKCS#11 token (HSM, smart card, SoftHSM).

Only the SignatureValue is computed on the token; everything else (XAdES structure, references,
XAdES-T) is :class:`~ezd.signatures.keysigner.XadesKeySigner`, shared with the PKCS#12 signer.  Uses
python-pkcs11 (``pip install python-pkcs11``).

The token holds the private key (``CKO_PRIVATE_KEY`` with ``CKA_LABEL`` = ``key_label``) and its
certificate (``CKO_CERTIFICATE`` with the key's ``CKA_ID``, or else the same label); other
certificates on the token that issue it are sent as intermediates.  The constructor logs in,
finds both and signs a probe, so a wrong PIN, a missing key or a certificate that does not belong
to the key fail at start-up (:class:`SignerKeyError`), not at the first document.

One logged-in session is shared by all threads; calls into it are serialized (PKCS#11 sessions
must not be used concurrently).  After a fork the child re-initializes the library (PKCS#11 state
does not survive ``fork()``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pkcs11
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from pkcs11 import Attribute, Mechanism, ObjectClass
from signxml.xades import XAdESDataObjectFormat, XAdESSignaturePolicy

from ezd.signatures.errors import SignerKeyError, SigningError
from ezd.signatures.keysigner import XadesKeySigner

_RSA_MECHANISMS = {
    "sha224": Mechanism.SHA224_RSA_PKCS,
    "sha256": Mechanism.SHA256_RSA_PKCS,
    "sha384": Mechanism.SHA384_RSA_PKCS,
    "sha512": Mechanism.SHA512_RSA_PKCS,
}


# PKCS#11 login state belongs to the process and token, not to a session: a second session's
# C_Login fails with CKR_USER_ALREADY_LOGGED_IN.  The PIN that logged in is remembered (as a
# digest) so that a second signer with a wrong PIN is still refused.
_logins: dict[tuple[str, str], bytes] = {}
_logins_lock = threading.Lock()


# the process that initialized each module: a forked child must C_Initialize again (once)
_initialized_in: dict[str, int] = {}


def _library(path: str) -> Any:
    lib = pkcs11.lib(path)
    with _logins_lock:
        if _initialized_in.setdefault(path, os.getpid()) != os.getpid():
            lib.reinitialize()  # forked child: the parent's PKCS#11 state is not ours
            _initialized_in[path] = os.getpid()
            for login in [k for k in _logins if k[0] == path]:
                del _logins[login]
    return lib


def _pin_digest(pin: str) -> bytes:
    return hashlib.sha256(pin.encode()).digest()


class _TokenSession:
    """The logged-in session, reopened after a fork or a lost session."""

    def __init__(self, lib_path: str, token_label: str, pin: str, key_label: str) -> None:
        self._lib_path = lib_path
        self._token_label = token_label
        self._pin = pin
        self._key_label = key_label
        self._lock = threading.Lock()
        self._pid = -1
        self._session: Any = None
        self._key: Any = None

    def _open(self) -> None:
        token = _library(self._lib_path).get_token(token_label=self._token_label)
        login = (self._lib_path, self._token_label)
        with _logins_lock:
            try:
                self._session = token.open(user_pin=self._pin)
            except pkcs11.UserAlreadyLoggedIn:
                if not hmac.compare_digest(_logins.get(login, b""), _pin_digest(self._pin)):
                    raise pkcs11.PinIncorrect() from None
                self._session = token.open()  # shares the process's login
            _logins[login] = _pin_digest(self._pin)
        self._key = self._session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=self._key_label)
        self._pid = os.getpid()

    def _ensure(self) -> None:
        if self._session is None or self._pid != os.getpid():
            self._open()

    def certificates(self) -> tuple[bytes | None, list[tuple[bytes | None, str | None, bytes]]]:
        """(key CKA_ID, [(CKA_ID, CKA_LABEL, DER) of every certificate on the token])."""
        with self._lock:
            self._ensure()
            key_id = _attr(self._key, Attribute.ID)
            certs = [
                (_attr(o, Attribute.ID), _attr(o, Attribute.LABEL), bytes(o[Attribute.VALUE]))
                for o in self._session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})
            ]
        return key_id, certs

    def sign(self, data: bytes, mechanism: Mechanism) -> bytes:
        with self._lock:
            self._ensure()
            try:
                return bytes(self._key.sign(data, mechanism=mechanism))
            except (pkcs11.SessionClosed, pkcs11.SessionHandleInvalid, pkcs11.DeviceRemoved):
                self._open()  # token reset or session dropped: one fresh attempt
                return bytes(self._key.sign(data, mechanism=mechanism))


def _attr(obj: Any, attribute: Attribute) -> Any:
    try:
        return obj[attribute]
    except (pkcs11.AttributeTypeInvalid, pkcs11.AttributeSensitive):
        return None


class _TokenKey:
    """A private-key stand-in with cryptography's ``sign()`` shape; the signature is made on the token."""

    def __init__(self, session: _TokenSession, public: rsa.RSAPublicKey | ec.EllipticCurvePublicKey) -> None:
        self._session = session
        self._public = public
        self.key_size = public.key_size
        if isinstance(public, ec.EllipticCurvePublicKey):
            self.curve = public.curve

    def public_key(self) -> rsa.RSAPublicKey | ec.EllipticCurvePublicKey:
        return self._public

    def sign(self, data: bytes, *args: Any, **kwargs: Any) -> bytes:
        try:
            if isinstance(self._public, rsa.RSAPublicKey):
                pad = kwargs.get("padding", args[0] if args else None)
                algorithm = kwargs.get("algorithm", args[1] if len(args) > 1 else None)
                if not isinstance(pad, padding.PKCS1v15) or algorithm is None:
                    raise SigningError("the PKCS#11 signer supports RSA PKCS#1 v1.5 only")
                mech = _RSA_MECHANISMS.get(algorithm.name)
                if mech is None:
                    raise SigningError(f"unsupported digest {algorithm.name}")
                return self._session.sign(data, mech)
            sig_alg = kwargs.get("signature_algorithm", args[0] if args else None)
            if not isinstance(sig_alg, ec.ECDSA) or isinstance(sig_alg.algorithm, utils.Prehashed):
                raise SigningError("the PKCS#11 signer expects ECDSA with a hash algorithm")
            # plain CKM_ECDSA over a digest made here: every token has it, hash-and-sign variants vary
            digest = hashlib.new(sig_alg.algorithm.name, data).digest()
            raw = self._session.sign(digest, Mechanism.ECDSA)
        except pkcs11.PKCS11Error as exc:
            raise SigningError(f"PKCS#11 signing failed: {type(exc).__name__} {exc}") from exc
        n = len(raw) // 2  # PKCS#11 returns r || s; cryptography (and signxml) expect DER
        return utils.encode_dss_signature(int.from_bytes(raw[:n], "big"), int.from_bytes(raw[n:], "big"))


def _issuers(leaf: x509.Certificate, pool: list[x509.Certificate]) -> list[x509.Certificate]:
    """Intermediates from ``pool`` that issued ``leaf`` (by signature, not just by name)."""
    chain: list[x509.Certificate] = []
    cur = leaf
    for _ in range(8):
        nxt = next((c for c in pool if c not in chain and c != cur and _issued_by(cur, c)), None)
        if nxt is None or nxt.subject == nxt.issuer:
            break
        chain.append(nxt)
        cur = nxt
    return chain


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


class Pkcs11Signer(XadesKeySigner):
    """XAdES-BES (-EPES, -T) signer with the e-seal key in a PKCS#11 token.

    ``lib``: the PKCS#11 module (e.g. ``/usr/lib/softhsm/libsofthsm2.so``); ``token_label``,
    ``pin`` and ``key_label`` select the key.  Other options as for :class:`Pkcs12Signer`.
    Raises :class:`SignerKeyError` when the token, the key or its certificate cannot be used.
    """

    def __init__(
        self,
        lib: str | Path,
        token_label: str,
        pin: str,
        key_label: str,
        *,
        digest: str = "sha256",
        signature_policy: XAdESSignaturePolicy | None = None,
        data_object_format: XAdESDataObjectFormat | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        tsa: Callable[[bytes], bytes] | None = None,
    ) -> None:
        if not Path(lib).is_file():
            raise SignerKeyError(f"PKCS#11 module {lib} not found")
        session = _TokenSession(str(lib), token_label, pin, key_label)
        try:
            key_id, found = session.certificates()
        except pkcs11.NoSuchToken:
            raise SignerKeyError(f"PKCS#11 token {token_label!r} not found") from None
        except pkcs11.NoSuchKey:
            raise SignerKeyError(f"no private key labelled {key_label!r} on token {token_label!r}") from None
        except pkcs11.MultipleObjectsReturned:
            raise SignerKeyError(f"several private keys labelled {key_label!r}") from None
        except (pkcs11.PinIncorrect, pkcs11.PinLenRange, pkcs11.PinLocked) as exc:
            raise SignerKeyError(f"PKCS#11 login failed: {type(exc).__name__}") from None
        except pkcs11.PKCS11Error as exc:
            raise SignerKeyError(f"PKCS#11 error: {type(exc).__name__} {exc}") from None
        certs = [(cid, label, x509.load_der_x509_certificate(der)) for cid, label, der in found]
        mine = [c for cid, _, c in certs if key_id and cid == key_id] or [
            c for _, label, c in certs if label == key_label
        ]
        if len(mine) != 1:
            raise SignerKeyError(
                f"expected one certificate for key {key_label!r} (same CKA_ID or label), found {len(mine)}"
            )
        cert = mine[0]
        public = cert.public_key()
        if not isinstance(public, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
            raise SignerKeyError(f"unsupported key type {type(public).__name__}; RSA or EC expected")
        key = _TokenKey(session, public)
        _probe(key, public)
        super().__init__(
            key,
            cert,
            _issuers(cert, [c for _, _, c in certs]),
            digest=digest,
            signature_policy=signature_policy,
            data_object_format=data_object_format,
            clock=clock,
            tsa=tsa,
        )


def _probe(key: _TokenKey, public: rsa.RSAPublicKey | ec.EllipticCurvePublicKey) -> None:
    """Sign a probe on the token and verify it with the certificate: proves the pair belongs together."""
    probe = b"ezd PKCS#11 key/certificate probe"
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(
                key.sign(probe, padding.PKCS1v15(), hashes.SHA256()),
                probe,
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        else:
            public.verify(key.sign(probe, ec.ECDSA(hashes.SHA256())), probe, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise SignerKeyError("the certificate on the token does not belong to the private key") from None
    except SigningError as exc:
        raise SignerKeyError(str(exc)) from None
