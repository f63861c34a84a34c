"""The signxml fallback: verifies signatures outside :mod:`ezd.signatures.dsig`'s fast path
(bare KeyValue, DSA/HMAC, base64 transform, XPointer... listed there), pinned to one signature
element and with ezd's transform policy."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidDigest, InvalidInput
from signxml.verifier import VerifyResult
from signxml.xades import XAdESVerifier

from ezd import xmlsafe
from ezd.signatures import dsig
from ezd.signatures.checks import C14N_TRANSFORMS, ENVELOPED, XPATH_TRANSFORM, xpath_form
from ezd.signatures.dsig import Refusal as _Refusal
from ezd.signatures.outcome import NS, Verdict

DS = "http://www.w3.org/2000/09/xmldsig#"


def element_path(el: etree._Element) -> str:
    """Positional XPath (``/*/*[3]/*[1]``) — survives signxml's serialize/re-parse copies."""
    steps = []
    while el.getparent() is not None:
        idx = 1 + sum(1 for s in el.itersiblings(preceding=True) if isinstance(s.tag, str))
        steps.append(f"*[{idx}]")
        el = el.getparent()
    return "/" + "/".join(["*", *reversed(steps)])


class _Detached(bytes):
    """Detached content as supplied by the caller: untrusted, so parsed only by ezd.xmlsafe."""


class _PinnedVerifier(XAdESVerifier):
    """signxml verifier bound to one signature element (by position) with our transform policy."""

    def __init__(self, sig_path: str, content: Callable[[str], bytes | None] | None) -> None:
        super().__init__()
        self._sig_path = sig_path
        self._content = content

    def _verify_reference(
        self,
        reference: Any,
        index: Any,
        root: Any,
        uri_resolver: Any,
        c14n_algorithm: Any,
        signature: Any,
        signature_key_used: Any,
    ) -> Any:
        # signxml copies the whole document (serialize + re-parse) for every reference so that
        # transforms may mutate it.  Only enveloped/XPath transforms mutate; a plain "#id"
        # reference (SignedProperties, KeyInfo) is resolved in place — _apply_transforms still
        # works on its own serialized copy of the referenced subtree.
        transforms = reference.find("ds:Transforms", NS)
        algs = (
            {t.get("Algorithm") for t in transforms.findall("ds:Transform", NS)}
            if transforms is not None
            else set()
        )
        uri = reference.get("URI") or ""
        if not uri.startswith("#") or algs & {ENVELOPED, XPATH_TRANSFORM}:
            return super()._verify_reference(
                reference, index, root, uri_resolver, c14n_algorithm, signature, signature_key_used
            )
        dm = self._find(reference, "DigestMethod").get("Algorithm")
        digest_value = self._find(reference, "DigestValue")
        payload = self._resolve_reference(root, reference, uri_resolver=uri_resolver)
        payload_c14n = self._apply_transforms(payload, transforms_node=transforms, signature=signature)
        digest_alg = DigestAlgorithm(dm)
        self.check_digest_alg_expected(digest_alg)
        if base64.b64decode(digest_value.text) != self._get_digest(payload_c14n, digest_alg):
            raise InvalidDigest(f"Digest mismatch for reference {index} ({uri})")
        try:
            payload_c14n_xml = self._fromstring(payload_c14n)
        except etree.XMLSyntaxError:
            payload_c14n_xml = None
        key = (
            signature_key_used
            if isinstance(signature_key_used, bytes)
            else signature_key_used.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        return VerifyResult(payload_c14n, payload_c14n_xml, signature, signature_key=key)

    def _get_signature(self, root: Any) -> Any:
        found = root.xpath(self._sig_path)
        if len(found) != 1 or found[0].tag != f"{{{DS}}}Signature":
            raise InvalidInput("signature element not found at its position")
        return found[0]

    def _resolve_reference(self, doc_root: Any, reference: Any, uri_resolver: Any = None) -> Any:
        uri = reference.get("URI")
        if uri is not None and uri != "" and not uri.startswith("#"):
            data = self._content(uri) if self._content else None
            if data is None:
                raise InvalidInput(f"Unable to resolve reference URI: {uri} (detached content not supplied)")
            return _Detached(data)
        return super()._resolve_reference(doc_root, reference, uri_resolver=uri_resolver)

    def _fromstring(self, xml_string: Any, **kwargs: Any) -> Any:
        if isinstance(xml_string, _Detached):
            # signxml tries to parse the digested bytes to offer signed_xml; for caller-supplied
            # detached content that must be our parser (and non-XML content is simply not XML)
            try:
                return xmlsafe.parse(bytes(xml_string))
            except xmlsafe.XMLRejected as exc:
                raise etree.XMLSyntaxError(str(exc), 0, 0, 0) from None
        return super()._fromstring(xml_string, **kwargs)

    def _apply_transforms(self, payload: Any, *, transforms_node: Any, signature: Any) -> Any:
        algs = (
            [t.get("Algorithm") for t in transforms_node.findall("ds:Transform", NS)]
            if transforms_node is not None
            else []
        )
        if isinstance(payload, bytes) and any(a in C14N_TRANSFORMS for a in algs):
            # detached XML content that is canonicalized: it is untrusted XML, so our parser
            payload = xmlsafe.parse(payload)
        listed = transforms_node.findall("ds:Transform", NS) if transforms_node is not None else []
        if any(t.get("Algorithm") == XPATH_TRANSFORM and xpath_form(t) == "this" for t in listed):
            # the emulation below removes every signature; the here() form keeps the others
            raise _Refusal(
                Verdict.INDETERMINATE, "FORMAT_FAILURE: here() XPath transform on the signxml path"
            )
        if XPATH_TRANSFORM in algs and not isinstance(payload, bytes):
            # emulate not(ancestor-or-self::ds:Signature): drop every signature from a copy
            payload = self._fromstring(self._tostring(payload))
            for sig in payload.xpath("descendant-or-self::ds:Signature", namespaces=NS):
                parent = sig.getparent()
                if parent is None:
                    raise InvalidInput("XPath transform would remove the whole payload")
                _remove_keep_tail(sig)
        return super()._apply_transforms(payload, transforms_node=transforms_node, signature=signature)


def _remove_keep_tail(el: etree._Element) -> None:
    # as signxml's _remove_sig: the tail text belongs to the parent, not to the removed element
    parent = el.getparent()
    assert parent is not None
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def signxml_core(
    root: etree._Element,
    sig: etree._Element,
    refs: list[etree._Element],
    certs: list[x509.Certificate],
    content: Callable[[str], bytes | None] | None,
    candidates: list[x509.Certificate],
    now: dt.datetime,
) -> tuple[x509.Certificate | None, list[dsig.VerifiedReference]]:
    """Fallback for profiles outside :mod:`ezd.signatures.dsig`'s fast path (see its docstring)."""
    config = SignatureConfiguration(
        require_x509=bool(certs),
        expect_references=True,
        location="./",
        signature_methods=frozenset(SignatureMethod),
        digest_algorithms=frozenset(DigestAlgorithm),
    )
    results: list[Any] | None = None
    signing_cert: x509.Certificate | None = None
    first_exc: Exception | None = None
    verifier = _PinnedVerifier(element_path(sig), content)
    for cand in candidates if certs else [None]:
        if cand is not None:
            # judge the signature at a time the certificate was valid; validity is our check (step 5)
            t = min(max(now, cand.not_valid_before_utc), cand.not_valid_after_utc)
            cfg = SignatureConfiguration(**{**config.__dict__, "verification_time": t})
        else:
            cfg = config
        try:
            res = XMLVerifier.verify(verifier, root, x509_cert=cand, expect_config=cfg)
        except (InvalidDigest, InvalidInput, xmlsafe.XMLRejected):
            raise  # SignatureValue was fine with this certificate: a reference digest is wrong
        except (CryptoInvalidSignature, TypeError, ValueError, AttributeError) as exc:
            # SignatureValue did not verify with this certificate (or its key type does not fit
            # the algorithm); another KeyInfo certificate may be the signer's
            first_exc = first_exc or exc
            continue
        results = res if isinstance(res, list) else [res]
        signing_cert = cand
        break
    if results is None:
        assert first_exc is not None
        raise first_exc
    if len(results) != len(refs):
        raise _Refusal(Verdict.TOTAL_FAILED, "FORMAT_FAILURE: reference count changed during verification")
    out: list[dsig.VerifiedReference] = []
    for ref, res in zip(refs, results, strict=True):
        xml = res.signed_xml
        out.append(
            dsig.VerifiedReference(
                ref,
                ref.get("URI") or "",
                ref.get("Type"),
                res.signed_data if isinstance(res.signed_data, bytes) else b"",
                xml.tag if xml is not None else None,
                _xml=xml,
                _parsed=True,
            )
        )
    return signing_cert, out
