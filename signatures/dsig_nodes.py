"""Node-set work for :mod:`ezd.signatures.dsig`: canonicalization of a node without excluded
subtrees (enveloped-signature, the XPath filter, XPath Filter 2.0 "subtract"), done on the parsed
tree without copying it."""

from __future__ import annotations

import copy
import secrets

from lxml import etree

from ezd.signatures import dsig_filter2
from ezd.signatures.dsig_algorithms import (
    FILTER2,
    FILTER2_ALL_SIGNATURES,
    FILTER2_THIS_SIGNATURE,
    SIGNATURE_TAG,
)
from ezd.signatures.dsig_algorithms import failed as _failed


def c14n(
    node: etree._Element | etree._ElementTree,
    exclusive: bool,
    with_comments: bool,
    prefixes: list[str] | None,
) -> bytes:
    if not exclusive and isinstance(node, etree._Element) and node.getparent() is not None:
        node = _standalone(node) if _affected(node) else node
    return etree.tostring(
        node, method="c14n", exclusive=exclusive, with_comments=with_comments, inclusive_ns_prefixes=prefixes
    )


_XML = "{http://www.w3.org/XML/1998/namespace}"
_INHERITED = (f"{_XML}lang", f"{_XML}space")
# When the direct rendering is wrong (both checks in C): an unprefixed element two or more levels
# below ``node`` (where the spurious xmlns="" lands), or an inherited xml:lang/xml:space.  ezd's
# own signatures (ds:/xades: prefixes throughout) take neither, and keep the ~80 µs of a copy.
_UNPREFIXED_BELOW = etree.XPath("boolean(*/descendant::*[not(contains(name(), ':'))])")
_XML_ATTRS_ABOVE = etree.XPath("boolean(ancestor::*[@xml:lang or @xml:space])")


def _affected(node: etree._Element) -> bool:
    return bool(_UNPREFIXED_BELOW(node)) or bool(_XML_ATTRS_ABOVE(node))


def _standalone(node: etree._Element) -> etree._Element:
    """A copy of a non-root ``node`` as the root of its own document, carrying every namespace in
    scope and the xml:lang/xml:space it inherits: the inclusive canonical form of its subtree.

    Why not ``etree.tostring(node, method="c14n")`` directly: with lxml 6.2 / libxml2 2.14 the
    inclusive c14n of a non-root element with a default namespace in scope renders a spurious
    ``xmlns=""`` on its grandchildren (``<h xmlns="u"><b><c xmlns="">``), a wrong digest for a
    signature every other validator accepts (the html payload of Signature-X-AT-1.xml).  A root
    element is canonicalized correctly, so the subtree is copied under a root that declares the
    in-scope namespaces itself (C14N 1.0 §2.4: namespace nodes and xml: attributes of the
    apex's ancestors belong to a document subset's apex)."""
    attrib = dict(node.attrib)
    for name in _INHERITED:
        if name not in attrib:
            for anc in node.iterancestors():
                value = anc.get(name)
                if value is not None:
                    attrib[name] = value
                    break
    top = etree.Element(node.tag, attrib, nsmap=node.nsmap)
    top.text = node.text
    for child in node:
        copied = copy.deepcopy(child)
        top.append(copied)
    return top


def _escape_text(text: str) -> bytes:
    """C14N of a text node (§2.3)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;").encode()
    )


def c14n_pieces(pieces: list[dsig_filter2.Piece], exclusive: bool, prefixes: list[str] | None) -> bytes:
    """Canonical form of an XPath Filter 2.0 node-set: its apexes and loose text nodes in order."""
    return b"".join(
        _escape_text(p) if isinstance(p, str) else c14n_excluding(p[0], p[1], exclusive, prefixes)
        for p in pieces
    )


def c14n_excluding(
    node: etree._Element | etree._ElementTree,
    excluded: list[etree._Element],
    exclusive: bool,
    prefixes: list[str] | None,
) -> bytes:
    """Canonical form of ``node`` (comments excluded) without the ``excluded`` subtrees.

    Moving elements in lxml re-points their namespace references (prefixes can change), so
    nothing is moved: each excluded element gets a random start marker (an unqualified attribute,
    which no c14n renders a namespace for) and a random end marker (a processing instruction as
    last child), the node is canonicalized once, and the marked spans are cut out of the bytes.
    A subtree's rendering does not influence anything outside it, and the text around it stays —
    exactly the enveloped-signature node-set.  The markers are removed again afterwards.
    """
    if not excluded:
        return c14n(node, exclusive, False, prefixes)
    token = secrets.token_hex(16)
    attr = f"ezdcut{token}"
    pis: list[etree._Element] = []
    try:
        for i, el in enumerate(excluded):
            el.set(attr, str(i))
            pi = etree.ProcessingInstruction(f"{attr}e{i}")
            el.append(pi)
            pis.append(pi)
        data = c14n(node, exclusive, False, prefixes)
    finally:
        for el, pi in zip(excluded, pis, strict=False):
            el.remove(pi)
        for el in excluded:
            el.attrib.pop(attr, None)
    pieces: list[bytes] = []
    pos = 0
    for i in range(len(excluded)):
        mark = data.find(f' {attr}="{i}"'.encode(), pos)
        start = data.rfind(b"<", pos, mark)
        end_pi = f"<?{attr}e{i}?>".encode()
        pi_at = data.find(end_pi, mark)
        close = data.find(b">", pi_at + len(end_pi))
        if min(mark, start, pi_at, close) < 0:
            raise _failed("FORMAT_FAILURE: excluded signature not found in its canonical form")
        pieces.append(data[pos:start])
        pos = close + 1
    pieces.append(data[pos:])
    return b"".join(pieces)


def outermost(elements: list[etree._Element]) -> list[etree._Element]:
    unique = list(dict.fromkeys(elements))
    chosen = set(unique)
    return [e for e in unique if not any(a in chosen for a in e.iterancestors())]


def filter2_steps(t: etree._Element) -> list[tuple[str, str, str | None]]:
    """(Filter, normalised expression, namespace of its prefix) of each dsig-filter2:XPath step."""
    steps = []
    for xp in t:
        if not isinstance(xp.tag, str):
            continue
        if xp.tag != f"{{{FILTER2}}}XPath":
            raise _failed(f"FORMAT_FAILURE: unexpected {xp.tag} in an XPath Filter 2.0 transform")
        expr = "".join((xp.text or "").split())
        step = expr.partition("::")[2] if "::" in expr else expr.lstrip("/")
        prefix = step.partition(":")[0]
        steps.append((xp.get("Filter") or "", expr.replace(f"{prefix}:", "{p}:", 1), xp.nsmap.get(prefix)))
    return steps


def filter2_known(t: etree._Element) -> bool:
    """Every step subtracts one of the signature-removing expressions (DSS's default enveloped
    transform): evaluated here without XPath, on the subtree-exclusion fast path."""
    known = FILTER2_ALL_SIGNATURES | FILTER2_THIS_SIGNATURE
    return all(flt == "subtract" and expr in known for flt, expr, _ns in filter2_steps(t))


def filter2_subtracted(t: etree._Element, node: etree._Element, sig: etree._Element) -> list[etree._Element]:
    """The subtrees an (already policy-checked) XPath Filter 2.0 transform removes from ``node``."""
    out: list[etree._Element] = []
    for _filter, expr, _ns in filter2_steps(t):
        if expr in FILTER2_ALL_SIGNATURES:
            if node.tag == SIGNATURE_TAG:
                raise _failed("FORMAT_FAILURE: XPath Filter 2.0 would remove the whole payload")
            out.extend(node.iter(SIGNATURE_TAG))
        elif expr in FILTER2_THIS_SIGNATURE and any(a is node for a in sig.iterancestors()):
            out.append(sig)
    return out


def in_document_order(elements: list[etree._Element]) -> list[etree._Element]:
    if len(elements) < 2:
        return elements
    chosen = set(elements)
    root = elements[0].getroottree().getroot()
    return [e for e in root.iter(SIGNATURE_TAG) if e in chosen]


def has_top_level_pis(root: etree._Element) -> bool:
    return any(
        isinstance(s, etree._ProcessingInstruction)
        for s in (*root.itersiblings(preceding=True), *root.itersiblings())
    )
