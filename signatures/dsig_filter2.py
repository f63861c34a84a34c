"""XPath Filter 2.0 (https://www.w3.org/TR/xmldsig-filter2/) with ``intersect``, ``subtract`` and
``union`` for :mod:`ezd.signatures.dsig`.

The filter's node-set starts as the whole document; each ``dsig-filter2:XPath`` selects nodes,
their subtrees are intersected with, subtracted from or united with it, and the reference's
input node-set is finally intersected with the result (spec §3.2).  Here that is computed per
element (and per text node) of the referenced subtree and rendered as the canonical form of the
maximal included subtrees ("apexes") minus their excluded sub-subtrees, in document order.

Untrusted input: only location paths of a small grammar are evaluated (:data:`SAFE_PATH` — no
predicates but a position, no functions but ``id('…')`` and ``here()``, no attribute axis), so an
expression cannot run long, and a node-set ezd cannot render exactly (an element re-included
inside an excluded one, a text node dropped from an included element) is refused, never
approximated.

``id()``: XPath 1.0 knows IDs from a DTD only, and ezd never loads a DTD, so ``id('x')`` selects
nothing — as in DSS (Santuario), which reports such a reference's data object as not found
(``Signature-X-AT-1.xml`` of the Austrian plugtest).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from ezd.signatures.dsig_algorithms import FILTER2, Refusal
from ezd.signatures.dsig_algorithms import failed as _failed
from ezd.signatures.port import Verdict

_NAME = r"[A-Za-z_][\w.-]*"
_TEST = rf"(?:{_NAME}:)?(?:{_NAME}|\*)|{_NAME}:\*|node\(\)|text\(\)"
_AXIS = r"(?:child|descendant|descendant-or-self|self|parent|ancestor|ancestor-or-self)::"
_STEP = rf"(?:{_AXIS})?(?:{_TEST})(?:\[[1-9][0-9]{{0,3}}\])?"
_START = r"id\('[^'<>]{1,200}'\)|here\(\)"
# one location path: absolute ("/", "/a/b", "//a"), or from id('…') / here()
SAFE_PATH = re.compile(rf"(?:/|(?:{_START})?(?://?{_STEP})+|{_START})")
FILTERS = ("intersect", "subtract", "union")


def steps(t: etree._Element) -> list[tuple[str, str, dict[str, str]]]:
    """(Filter, expression without whitespace, prefix bindings) of each dsig-filter2:XPath."""
    out = []
    for xp in t:
        if not isinstance(xp.tag, str):
            continue
        if xp.tag != f"{{{FILTER2}}}XPath":
            raise _failed(f"FORMAT_FAILURE: unexpected {xp.tag} in an XPath Filter 2.0 transform")
        bindings = {k: v for k, v in xp.nsmap.items() if k is not None}
        out.append((xp.get("Filter") or "", "".join((xp.text or "").split()), bindings))
    return out


def is_safe(flt: str, expr: str) -> bool:
    return flt in FILTERS and len(expr) <= 500 and SAFE_PATH.fullmatch(expr) is not None


def _unsupported(what: str) -> Refusal:
    return Refusal(Verdict.INDETERMINATE, f"FORMAT_FAILURE: unsupported XPath Filter 2.0 node-set ({what})")


Key = tuple[etree._Element, str]  # (element, "el" | "text" | "tail"): an element or a text node


def _select(expr: str, bindings: dict[str, str], root: etree._Element, here: etree._Element) -> set[Key]:
    """The elements and text nodes one expression selects (keys hold the lxml proxies, so they
    stay the same objects for the whole evaluation)."""
    prefixes = set(re.findall(rf"({_NAME}):(?!:)", expr.replace("::", "\0")))
    missing = prefixes - bindings.keys()
    if missing:
        raise _unsupported(f"unbound prefix {sorted(missing)[0]}")
    try:
        found = etree.XPath(expr, namespaces=bindings, extensions={(None, "here"): lambda _ctx: [here]})(root)
    except etree.XPathError as exc:
        raise _unsupported(f"XPath error {exc}") from None
    out: set[Key] = set()
    for n in found if isinstance(found, list) else []:
        if isinstance(n, etree._Element):
            out.add((n, "el"))
        elif isinstance(n, etree._ElementUnicodeResult) and n.getparent() is not None:
            owner = n.getparent()
            out.add((owner, "text" if n.is_text else "tail"))
        else:
            raise _unsupported("selects an attribute or a value")
    return out


class NodeSet:
    """Membership of the referenced subtree's elements and text nodes in the filtered node-set."""

    def __init__(self, node: etree._Element, ops: list[tuple[str, set[Key]]]) -> None:
        self._ops = ops
        self.inside: dict[Key, bool] = {}
        # coverage by each selection of the node's ancestors (the subtree of a selected ancestor)
        start = [any((a, "el") in sel for a in node.iterancestors()) for _f, sel in ops]
        stack: list[tuple[etree._Element, list[bool]]] = [(node, start)]
        while stack:
            e, pcov = stack.pop()
            cov = self._mark((e, "el"), pcov)
            self._mark((e, "text"), cov)
            for child in e:
                if isinstance(child.tag, str):
                    stack.append((child, cov))
                self._mark((child, "tail"), cov)  # a child's tail is a text node of e

    def _mark(self, key: Key, parent_cov: list[bool]) -> list[bool]:
        cov = [p or key in sel for p, (_f, sel) in zip(parent_cov, self._ops, strict=True)]
        inside = True  # the filter node-set starts as the whole document
        for (flt, _sel), c in zip(self._ops, cov, strict=True):
            if flt == "intersect":
                inside = inside and c
            elif flt == "subtract":
                inside = inside and not c
            else:
                inside = inside or c
        self.inside[key] = inside
        return cov

    def __call__(self, e: etree._Element, kind: str = "el") -> bool:
        return self.inside.get((e, kind), False)


Piece = tuple[etree._Element, list[etree._Element]] | str


def evaluate(t: etree._Element, node: etree._Element, here: list[etree._Element]) -> list[Piece]:
    """The filtered node-set of ``node``'s subtree, in document order: (apex, excluded
    sub-subtrees) pairs, and text nodes (str) included without their parent element.

    ``t`` is the transform from the verified SignedInfo (its expressions and prefix bindings are
    signed); ``here`` the matching dsig-filter2:XPath elements in the document, each step's
    ``here()`` (the context only: what it selects is still checked against the signed data)."""
    root = node.getroottree().getroot()
    parsed = steps(t)
    if len(here) != len(parsed):
        raise _unsupported("transform does not match the document")
    ops = []
    for (flt, expr, signed_ns), h in zip(parsed, here, strict=True):
        # an exclusive c14n of SignedInfo drops prefix declarations the XPath text uses (they are
        # not "visibly utilized"), so the document's XPath element fills them in, as Santuario
        # and libxmlsec1 read them; safe, because whatever is selected must still match the
        # signed DigestValue, and only those digested bytes are read afterwards
        bindings = {**{k: v for k, v in h.nsmap.items() if k is not None}, **signed_ns}
        ops.append((flt, _select(expr, bindings, root, h)))
    return list(_render(node, NodeSet(node, ops)))


def _render(e: etree._Element, inside: NodeSet) -> Iterator[Piece]:
    if inside(e):
        if e.text and not inside(e, "text"):
            raise _unsupported("text dropped from an included element")
        excluded: list[etree._Element] = []
        for d in e.iterdescendants():
            parent = d.getparent()
            if parent is None or not isinstance(d.tag, str):
                continue
            if inside(parent) and d.tail and not inside(d, "tail"):
                raise _unsupported("text dropped from an included element")
            if not inside(parent) and d.tail and inside(d, "tail"):
                raise _unsupported("text included inside an excluded element")
            if inside(d) is not inside(parent):
                if inside(d):
                    raise _unsupported("element re-included inside an excluded one")
                excluded.append(d)
            elif inside(d) and d.text and not inside(d, "text"):
                raise _unsupported("text dropped from an included element")
        chosen = set(excluded)
        yield e, [x for x in excluded if not any(a in chosen for a in x.iterancestors())]
        return
    if e.text and inside(e, "text"):
        yield e.text
    for child in e:
        if isinstance(child.tag, str):
            yield from _render(child, inside)
        if child.tail and inside(child, "tail"):
            yield child.tail


__all__ = ["FILTERS", "SAFE_PATH", "Piece", "evaluate", "is_safe", "steps"]
