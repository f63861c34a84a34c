"""XMLDSig core verification (SignatureValue + Reference digests) on the already-parsed tree.

Why not signxml's verify loop: it serializes and re-parses the whole document for every
reference and again for every transform (about four parses of a 100 kB document per signature).
Here the document is parsed once (by :func:`ezd.xmlsafe.parse`, by the caller), every referenced
node is canonicalized once, in place, and only the digested bytes that business logic will read
are parsed again (lazily, :meth:`VerifiedReference.signed_xml`).

Supported profile (the "fast path"); anything else raises :class:`Unsupported` *before* any
cryptography, and the caller falls back to signxml:

* ``SignatureMethod``: RSA PKCS#1 v1.5 and ECDSA with SHA-1/224/256/384/512, RSA-PSS (MGF1) with
  SHA-224/256/384/512;
* ``KeyInfo``: ``X509Data/X509Certificate`` (the caller supplies the candidates in preference
  order), optionally beside one ``RSAKeyValue``/``ECKeyValue``, which must name the same key;
* ``CanonicalizationMethod`` and c14n transforms: c14n 1.0, c14n 1.1 (rendered as 1.0, as signxml
  does: they differ only in xml:id/xml:base inheritance into a subset) and exclusive c14n, each
  with or without comments, ``InclusiveNamespaces/@PrefixList``;
* ``Reference/@URI``: ``""`` (the document), ``#id`` (one ID index per document: local attribute
  name ``Id``, ``ID`` or ``id`` in any namespace; a value carried by two elements is refused) or
  an external URI (detached content from the caller);
* transforms: enveloped-signature, the XPath filter ``not(ancestor-or-self::ds:Signature)``
  (checked by the caller's policy), c14n.  Same-document references exclude comments whatever the
  c14n transform says (XMLDSig §4.4.3.3: ``URI=""`` and ``#id`` yield node-sets without comments);
* digests: SHA-1/224/256/384/512, SHA3-224/256/384/512.

Left to signxml (documented fallback): no certificate (bare ``KeyValue``),
``DEREncodedKeyValue`` or other ``KeyValue`` kinds, DSA/HMAC/other signature methods, base64 and
any other transform, ``#xpointer(...)`` URIs, external references with enveloped/XPath transforms.

Enveloped-signature and XPath transforms do not copy the document (signxml serializes and
re-parses it): the excluded ``ds:Signature`` subtrees are marked, the node is canonicalized once
and the marked spans are cut out of the canonical bytes (see :func:`_c14n_excluding`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography import x509
from lxml import etree

from ezd import xmlsafe
from ezd.signatures.dsig_algorithms import (
    _FAST_TRANSFORMS,
    _ID_XPATH,
    C14N,
    DIGESTS,
    DS,
    EC_KEY_VALUE,
    ENVELOPED,
    FILTER2,
    FILTER2_ALL_SIGNATURES,
    FILTER2_THIS_SIGNATURE,
    NS,
    RSA_KEY_VALUE,
    SIGNATURE_METHODS,
    SIGNATURE_TAG,
    XPATH_TRANSFORM,
    Refusal,
    Unsupported,
    key_value_matches,
    verify_signature_value,
)
from ezd.signatures.dsig_algorithms import failed as _failed
from ezd.signatures.dsig_filter2 import evaluate as filter2_evaluate
from ezd.signatures.dsig_nodes import (
    c14n,
    c14n_excluding,
    c14n_pieces,
    filter2_known,
    filter2_steps,
    filter2_subtracted,
    has_top_level_pis,
    in_document_order,
    outermost,
)
from ezd.signatures.port import Verdict

_local = threading.local()


def parse_canonical(data: bytes) -> etree._Element:
    """Parse canonical bytes produced here from a tree ezd.xmlsafe already accepted: canonical XML
    has no DOCTYPE and is no deeper than its source, so only the parser flags matter.  One parser
    per thread (lxml parsers must not be shared between threads; creating one per call is slow)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
    return etree.fromstring(data, parser=parser)


class IdIndex:
    """ID attribute value -> elements carrying it, for one document, built on first use by one
    XPath pass (in C) instead of one document scan per reference."""

    def __init__(self, root: etree._Element) -> None:
        self._root = root
        self._index: dict[str, list[etree._Element]] | None = None

    def resolve(self, value: str) -> etree._Element:
        if self._index is None:
            index: dict[str, list[etree._Element]] = {}
            for attr in _ID_XPATH(self._root):
                owner = attr.getparent()
                holders = index.setdefault(str(attr), [])
                if owner not in holders:
                    holders.append(owner)
            self._index = index
        found = self._index.get(value, [])
        if len(found) > 1:
            raise _failed(
                f"SIGNED_DATA_NOT_FOUND: Ambiguous reference URI #{value} resolved to {len(found)} nodes"
            )
        if not found:
            raise _failed(f"SIGNED_DATA_NOT_FOUND: Unable to resolve reference URI: #{value}")
        return found[0]


@dataclass
class VerifiedReference:
    """One ds:Reference whose digest matched: ``data`` is exactly what was digested."""

    reference: etree._Element  # from the verified (re-parsed) SignedInfo
    uri: str
    type: str | None
    data: bytes
    node_tag: str | None  # tag of the digested element (None: detached octets)
    detached: bool = False
    _xml: etree._Element | None = field(default=None, repr=False)
    _parsed: bool = field(default=False, repr=False)

    @property
    def signed_xml(self) -> etree._Element | None:
        """The digested bytes parsed (never the input tree); None when they are not XML."""
        if not self._parsed:
            self._parsed = True
            try:
                # detached content came from the caller: untrusted, so the hardened parser
                self._xml = xmlsafe.parse(self.data) if self.detached else parse_canonical(self.data)
            except (etree.XMLSyntaxError, xmlsafe.XMLRejected):
                self._xml = None
        return self._xml


@dataclass
class CoreResult:
    signing_cert: x509.Certificate
    signature_method: str
    references: list[VerifiedReference]


# The XMLDSig schema's content models, as regular expressions over child local names (what
# signxml's schema validation enforced): a signature with misplaced or extra elements is refused
# rather than read in some order of our choosing.
_SIGNATURE_SHAPE = re.compile(r"SignedInfo SignatureValue( KeyInfo)?( Object)*")
_SIGNED_INFO_SHAPE = re.compile(r"CanonicalizationMethod SignatureMethod( Reference)+")
_REFERENCE_SHAPE = re.compile(r"(Transforms )?DigestMethod DigestValue")
_TRANSFORMS_SHAPE = re.compile(r"Transform( Transform)*")


_DS_PREFIX = "{" + DS + "}"


def _children(el: etree._Element, shape: re.Pattern[str], what: str) -> list[etree._Element]:
    """``el``'s element children, checked against ``shape`` (comments and PIs are skipped)."""
    kids = [c for c in el if isinstance(c.tag, str)]
    names = []
    for child in kids:
        tag = child.tag
        if not tag.startswith(_DS_PREFIX):
            raise _failed(f"FORMAT_FAILURE: unexpected element {tag} in {what}")
        names.append(tag[len(_DS_PREFIX) :])
    if not shape.fullmatch(" ".join(names)):
        raise _failed(f"FORMAT_FAILURE: {what} does not follow the XMLDSig schema ({' '.join(names)})")
    return kids


def _prefix_list(method: etree._Element) -> list[str] | None:
    inc = method.find("ec:InclusiveNamespaces", NS)
    if inc is None or inc.get("PrefixList") is None:
        return None
    return (inc.get("PrefixList") or "").split()


def check_supported(sig: etree._Element, certs: list[x509.Certificate]) -> None:
    """Raise :class:`Unsupported` unless the (untrusted) signature fits the fast path."""
    if not certs:
        raise Unsupported("no X509Certificate")
    key_info = sig.find("ds:KeyInfo", NS)
    if key_info is not None:
        if key_info.find("dsig11:DEREncodedKeyValue", NS) is not None:
            raise Unsupported("DEREncodedKeyValue")
        key_values = key_info.findall("ds:KeyValue", NS)
        if len(key_values) > 1 or (
            key_values
            and not (len(key_values[0]) == 1 and key_values[0][0].tag in (RSA_KEY_VALUE, EC_KEY_VALUE))
        ):
            raise Unsupported("KeyValue other than one RSAKeyValue/ECKeyValue")
    sm = sig.find("ds:SignedInfo/ds:SignatureMethod", NS)
    if sm is None or sm.get("Algorithm") not in SIGNATURE_METHODS:
        raise Unsupported("signature method")
    for ref in sig.iterfind("ds:SignedInfo/ds:Reference", NS):
        uri = ref.get("URI")
        algs = {t.get("Algorithm") for t in ref.iterfind("ds:Transforms/ds:Transform", NS)}
        if not algs <= _FAST_TRANSFORMS:
            raise Unsupported("transform")
        if uri is not None and uri.startswith("#xpointer("):
            raise Unsupported("XPointer URI")
        if uri and not uri.startswith("#") and algs & {ENVELOPED, XPATH_TRANSFORM}:
            raise Unsupported("tree transform on detached content")


class CoreVerifier:
    """Verify one ds:Signature; build one per signature (it holds per-signature state only)."""

    def __init__(
        self,
        root: etree._Element,
        ids: IdIndex,
        content: Callable[[str], bytes | None] | None,
        transform_policy: Callable[[etree._Element], None],
        xpath_form: Callable[[etree._Element], str],
    ) -> None:
        self._root = root
        self._ids = ids
        self._content = content
        self._policy = transform_policy  # raises Refusal for a transform outside our policy
        self._xpath_form = xpath_form  # which accepted XPath transform: "all" or "this" signature

    def verify(self, sig: etree._Element, candidates: list[x509.Certificate]) -> CoreResult:
        signed_info, sv = _children(sig, _SIGNATURE_SHAPE, "ds:Signature")[:2]
        cm, sm = _children(signed_info, _SIGNED_INFO_SHAPE, "ds:SignedInfo")[:2]
        c14n_alg = cm.get("Algorithm") or ""
        if c14n_alg not in C14N:
            raise Refusal(
                Verdict.INDETERMINATE,
                f"CRYPTO_CONSTRAINTS_FAILURE: Unrecognized CanonicalizationMethod: {c14n_alg}",
            )
        method = sm.get("Algorithm") or ""
        if method not in SIGNATURE_METHODS:
            raise Unsupported("signature method")
        exclusive, comments = C14N[c14n_alg]
        si_bytes = c14n(signed_info, exclusive, comments, _prefix_list(cm))
        try:
            value = base64.b64decode("".join((sv.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            raise _failed("SIG_CRYPTO_FAILURE: ds:SignatureValue is not base64") from None
        signing_cert = next(
            (c for c in candidates if verify_signature_value(c, method, value, si_bytes)), None
        )
        if signing_cert is None:
            raise _failed("SIG_CRYPTO_FAILURE: ds:SignatureValue does not match ds:SignedInfo")
        key_value = sig.find("ds:KeyInfo/ds:KeyValue", NS)
        if key_value is not None and not key_value_matches(key_value[0], signing_cert):
            # as signxml: a KeyValue beside X509Data must name the same key
            raise _failed("FORMAT_FAILURE: X509Data and KeyValue represent different public keys")
        # from here on, read only what the signature covers: SignedInfo re-parsed from its c14n
        verified = parse_canonical(si_bytes)
        refs = _children(verified, _SIGNED_INFO_SHAPE, "ds:SignedInfo")[2:]
        out = [self._reference(sig, ref, i) for i, ref in enumerate(refs)]
        return CoreResult(signing_cert, method, out)

    def _reference(self, sig: etree._Element, ref: etree._Element, index: int) -> VerifiedReference:
        uri = ref.get("URI")
        if uri is None:
            raise _failed("SIGNED_DATA_NOT_FOUND: References without URIs are not supported")
        kids = _children(ref, _REFERENCE_SHAPE, "ds:Reference")
        transforms = _children(kids[0], _TRANSFORMS_SHAPE, "ds:Transforms") if len(kids) == 3 else []
        dm, dv = kids[-2:]
        for t in transforms:
            self._policy(t)
            if t.get("Algorithm") not in _FAST_TRANSFORMS:
                raise Refusal(
                    Verdict.INDETERMINATE, f"FORMAT_FAILURE: unsupported transform {t.get('Algorithm')}"
                )
        hname = DIGESTS.get(dm.get("Algorithm") or "")
        if hname is None:
            raise Refusal(
                Verdict.INDETERMINATE,
                f"CRYPTO_CONSTRAINTS_FAILURE: unrecognized digest algorithm {dm.get('Algorithm')}",
            )
        try:
            want = base64.b64decode("".join((dv.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            raise _failed(f"FORMAT_FAILURE: DigestValue of reference {index} is not base64") from None
        c14ns = [C14N[a] + (_prefix_list(t),) for t in transforms if (a := t.get("Algorithm") or "") in C14N]
        # the last canonicalization decides the octets (earlier ones are idempotent node-set steps)
        exclusive, comments, prefixes = c14ns[-1] if c14ns else (False, False, None)
        algs = {t.get("Algorithm") for t in transforms}
        rtype = ref.get("Type")

        if uri and not uri.startswith("#"):
            data = self._content(uri) if self._content else None
            if data is None:
                raise _failed(
                    f"SIGNED_DATA_NOT_FOUND: Unable to resolve reference URI: {uri} "
                    "(detached content not supplied)"
                )
            if c14ns:
                data = c14n(xmlsafe.parse(data).getroottree(), exclusive, comments, prefixes)
            if hashlib.new(hname, data).digest() != want:
                raise _failed(f"HASH_FAILURE: Digest mismatch for reference {index} ({uri})")
            return VerifiedReference(ref, uri, rtype, data, None, detached=True)

        node = self._root if uri == "" else self._ids.resolve(uri[1:])
        excluded: list[etree._Element] = []
        if node is sig and ENVELOPED in algs:
            raise _failed("FORMAT_FAILURE: enveloped-signature transform on the signature itself")
        if ENVELOPED in algs and any(a is node for a in sig.iterancestors()):
            excluded.append(sig)
        for t in transforms:
            if t.get("Algorithm") != XPATH_TRANSFORM:
                continue
            if self._xpath_form(t) == "this":  # XMLDSig §6.6.3: like enveloped-signature
                if node is sig:
                    raise _failed("FORMAT_FAILURE: XPath transform would remove the whole payload")
                if any(a is node for a in sig.iterancestors()):
                    excluded.append(sig)
                continue
            if node.tag == SIGNATURE_TAG:
                raise _failed("FORMAT_FAILURE: XPath transform would remove the whole payload")
            excluded.extend(node.iter(SIGNATURE_TAG))
        general = [t for t in transforms if t.get("Algorithm") == FILTER2 and not filter2_known(t)]
        if general:
            data = self._filter2_general(sig, node, index, transforms, general, exclusive, prefixes)
        else:
            for t in transforms:
                if t.get("Algorithm") == FILTER2:
                    excluded.extend(filter2_subtracted(t, node, sig))
            # same-document references are node-sets without comments (XMLDSig 4.4.3.3)
            excluded = in_document_order(outermost(excluded))
            data = c14n_excluding(node, excluded, exclusive, prefixes)
        ok = hashlib.new(hname, data).digest() == want
        if not ok and uri == "" and has_top_level_pis(node):
            # URI="" is the whole document: processing instructions beside the root belong to
            # it (xmlsec, Santuario); signxml-made signatures digest the root element only
            doc_data = c14n_excluding(node.getroottree(), excluded, exclusive, prefixes)
            if hashlib.new(hname, doc_data).digest() == want:
                data, ok = doc_data, True
        if not ok:
            raise _failed(f"HASH_FAILURE: Digest mismatch for reference {index} ({uri})")
        return VerifiedReference(ref, uri, rtype, data, node.tag if isinstance(node.tag, str) else None)

    def _filter2_general(
        self,
        sig: etree._Element,
        node: etree._Element,
        index: int,
        transforms: list[etree._Element],
        general: list[etree._Element],
        exclusive: bool,
        prefixes: list[str] | None,
    ) -> bytes:
        """Digest input of a reference whose XPath Filter 2.0 intersects or unites
        (:mod:`ezd.signatures.dsig_filter2`); one such transform and no other tree transform."""
        others = {t.get("Algorithm") for t in transforms} - set(C14N) - {FILTER2}
        if len(general) != 1 or others or sum(t.get("Algorithm") == FILTER2 for t in transforms) != 1:
            raise Refusal(
                Verdict.INDETERMINATE,
                "FORMAT_FAILURE: unsupported combination of XPath Filter 2.0 transforms",
            )
        position = transforms.index(general[0])
        orig = sig.findall("ds:SignedInfo/ds:Reference", NS)[index].findall("ds:Transforms/ds:Transform", NS)
        here = [x for x in orig[position] if isinstance(x.tag, str)] if position < len(orig) else []
        pieces = filter2_evaluate(general[0], node, here)
        if not pieces:
            raise Refusal(
                Verdict.INDETERMINATE,
                f"SIGNED_DATA_NOT_FOUND: the XPath Filter 2.0 transform of reference {index} selects no node",
            )
        return c14n_pieces(pieces, exclusive, prefixes)


__all__ = [
    "C14N",
    "DIGESTS",
    "FILTER2",
    "FILTER2_ALL_SIGNATURES",
    "FILTER2_THIS_SIGNATURE",
    "SIGNATURE_METHODS",
    "CoreResult",
    "CoreVerifier",
    "IdIndex",
    "Refusal",
    "Unsupported",
    "VerifiedReference",
    "check_supported",
    "filter2_steps",
    "parse_canonical",
]
