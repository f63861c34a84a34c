"""XAdES-BES/-EPES/-T signing around any private key object: the part of a :class:`Signer` that does
not care where the key lives (:class:`~ezd.signatures.pkcs12.Pkcs12Signer`: a PKCS#12 file,
:class:`~ezd.signatures.pkcs11.Pkcs11Signer`: an HSM or smart card).

The key only has to offer cryptography's ``sign()`` call shape (``RSAPrivateKey.sign(data, padding,
algorithm)`` / ``EllipticCurvePrivateKey.sign(data, ECDSA(algorithm))`` returning DER) plus
``key_size``, ``curve`` (EC) and ``public_key()``: that is all signxml uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree
from signxml import DigestAlgorithm, SignatureMethod, methods
from signxml.xades import XAdESDataObjectFormat, XAdESSignaturePolicy, XAdESSigner

from ezd import xmlsafe
from ezd.signatures.errors import SignerKeyError, SigningError

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"


class _EzdXAdESSigner(XAdESSigner):
    """signxml's XAdES signer with a caller-controlled SigningTime and a signing-certificate-only
    SigningCertificateV2 (signxml lists the whole chain there; XAdES baseline only needs the signer)."""

    signing_time: Callable[[], dt.datetime] = staticmethod(lambda: dt.datetime.now(dt.UTC))

    def add_signing_time(
        self, signed_signature_properties: Any, sig_root: Any, signing_settings: Any
    ) -> None:
        el = etree.SubElement(
            signed_signature_properties, f"{{{XADES_NS}}}SigningTime", nsmap=self.namespaces
        )
        el.text = self.signing_time().astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

    def add_signing_certificate(
        self, signed_signature_properties: Any, sig_root: Any, signing_settings: Any
    ) -> None:
        if not signing_settings.cert_chain:
            raise ValueError("an XAdES signature needs the signer's certificate chain")
        leaf_only = type(signing_settings)(
            **{**vars(signing_settings), "cert_chain": signing_settings.cert_chain[:1]}
        )
        super().add_signing_certificate(signed_signature_properties, sig_root, leaf_only)


class _Raw:
    """Detached content digested byte-for-byte (no canonicalization: it may not be XML)."""

    def __init__(self, data: bytes) -> None:
        self.data = data


class _EzdDetachedSigner(_EzdXAdESSigner):
    def _unpack(self, data: Any, references: Any) -> Any:
        if isinstance(data, _Raw):
            sig_root = etree.Element(f"{{{DS_NS}}}Signature", nsmap=self.namespaces)
            return sig_root, sig_root, [data], references
        return super()._unpack(data, references)

    def _c14n(self, nodes: Any, algorithm: Any, inclusive_ns_prefixes: Any = None) -> Any:
        if isinstance(nodes, _Raw):
            return nodes.data
        return super()._c14n(nodes, algorithm=algorithm, inclusive_ns_prefixes=inclusive_ns_prefixes)

    def _build_sig(self, sig_root: Any, references: Any, c14n_inputs: Any, *args: Any, **kwargs: Any) -> Any:
        signed_info, value = super()._build_sig(sig_root, references, c14n_inputs, *args, **kwargs)
        # byte-exact reference: an empty ds:Transforms is not schema-valid, so drop it
        for tr in signed_info.iterfind(f"{{{DS_NS}}}Reference/{{{DS_NS}}}Transforms"):
            if len(tr) == 0:
                tr.getparent().remove(tr)
        return signed_info, value


class XadesKeySigner:
    """XAdES-BES (optionally -EPES via ``signature_policy``, -T via ``tsa``) signer around ``key``.

    ``key``: a cryptography RSA/EC private key or an object with the same ``sign()`` shape (see the
    module docstring); ``cert``: its certificate; ``extra_certs``: intermediates for KeyInfo.
    """

    def __init__(
        self,
        key: Any,
        cert: x509.Certificate,
        extra_certs: list[x509.Certificate] | tuple[x509.Certificate, ...] = (),
        *,
        digest: str = "sha256",
        signature_policy: XAdESSignaturePolicy | None = None,
        data_object_format: XAdESDataObjectFormat | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        tsa: Callable[[bytes], bytes] | None = None,
    ) -> None:
        if digest not in ("sha256", "sha512"):
            raise SignerKeyError(f"unsupported digest {digest!r}; sha256 or sha512 expected")
        public = cert.public_key()
        if not isinstance(public, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
            raise SignerKeyError(f"unsupported key type {type(public).__name__}; RSA or EC expected")
        self._key = key
        self._cert = cert
        # signing cert first, then intermediates (not self-signed roots: verifiers bring their own anchors)
        self._chain = [cert] + [c for c in extra_certs if c.subject != c.issuer and c != cert]
        self._cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        if isinstance(public, rsa.RSAPublicKey):
            sig_alg = SignatureMethod.RSA_SHA256 if digest == "sha256" else SignatureMethod.RSA_SHA512
        else:
            sig_alg = SignatureMethod.ECDSA_SHA256 if digest == "sha256" else SignatureMethod.ECDSA_SHA512
        self._signature_method = sig_alg
        self._digest = DigestAlgorithm.SHA256 if digest == "sha256" else DigestAlgorithm.SHA512
        self._digest_name = digest
        self._policy = signature_policy
        self._dof = data_object_format or XAdESDataObjectFormat(
            Description="ezd document", MimeType="text/xml"
        )
        self._clock = clock
        # RFC 3161 TSA (e.g. signatures.tsp.TsaClient): when set, every signature becomes XAdES-T
        self._tsa = tsa

    # --- Signer protocol ---------------------------------------------------------------------

    @property
    def certificate(self) -> x509.Certificate:
        return self._cert

    @property
    def chain(self) -> list[x509.Certificate]:
        return list(self._chain)

    @property
    def certificate_pem(self) -> bytes:
        return self._cert_pem

    @property
    def subject(self) -> str:
        return self._cert.subject.rfc4514_string()

    def _signer(self, method: methods) -> _EzdXAdESSigner:
        # A signxml signer object is cheap, but it keeps per-instance token state, so one per call
        # keeps this class thread-safe.
        cls = _EzdDetachedSigner if method is methods.detached else _EzdXAdESSigner
        s = cls(
            method=method,
            signature_algorithm=self._signature_method,
            digest_algorithm=self._digest,
            signature_policy=self._policy,
            data_object_format=self._dof,
        )
        if self._clock is not None:
            s.signing_time = self._clock
        return s

    def sign_enveloped(self, xml: bytes) -> bytes:
        """Return ``xml`` with an enveloped XAdES-BES ``ds:Signature`` as the root's last child.

        The input is parsed with the hardened parser (callers may hand us third-party XML).
        Raises :class:`ezd.xmlsafe.XMLRejected` for unacceptable XML, :class:`SigningError` otherwise.
        """
        root = xmlsafe.parse(xml)
        if root.tag == f"{{{DS_NS}}}Signature":
            raise SigningError("refusing to envelop a bare ds:Signature")
        try:
            signed = self._signer(methods.enveloped).sign(root, key=self._key, cert=self._chain)
        except Exception as exc:  # signxml raises a variety of types; callers get one
            raise SigningError(f"signing failed: {exc}") from exc
        return self._maybe_timestamp(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))

    def sign_pdf(self, pdf: bytes) -> bytes:
        """Return ``pdf`` sealed with PAdES B-B (an incremental update with one signature field).

        Raises :class:`SigningError` for a file that cannot be sealed (not a PDF, encrypted, broken).
        """
        from ezd.signatures.pades_sign import seal_pdf

        return seal_pdf(
            pdf,
            key=self._key,
            cert=self._cert,
            chain=self._chain,
            digest=self._digest_name,
            name=self.subject,
        )

    def _maybe_timestamp(self, signed: bytes) -> bytes:
        if self._tsa is None:
            return signed
        from ezd.signatures.xades_t import add_signature_timestamp

        return add_signature_timestamp(signed, self._tsa)

    def sign_detached(self, data: bytes, *, uri: str, mime_type: str = "application/octet-stream") -> bytes:
        """Detached XAdES-BES over ``data`` (any bytes) referenced as ``uri``; returns ds:Signature XML."""
        if not uri or uri.startswith("#"):
            raise SigningError("detached signatures need an external URI (file name)")
        s = self._signer(methods.detached)
        s.data_object_format = XAdESDataObjectFormat(Description="ezd detached content", MimeType=mime_type)
        try:
            sig = s.sign(
                _Raw(data),
                key=self._key,
                cert=self._chain,
                reference_uri=uri,
                exclude_c14n_transform_element=True,
            )
        except Exception as exc:
            raise SigningError(f"signing failed: {exc}") from exc
        return self._maybe_timestamp(etree.tostring(sig, xml_declaration=True, encoding="UTF-8"))
