"""The JUEL subset both engines evaluate identically.

Operaton evaluates ``${...}`` with JUEL; the embedded engine evaluates the same text with this
module.  To keep them in step, process definitions may use only:

=================  ==========================================================
literals           ``'text'`` ``"text"`` ``42`` ``3.5`` ``true`` ``false`` ``null``
variables          ``approved``, ``doc_kind`` (process variables; unknown → error)
comparison         ``==`` ``!=`` ``<`` ``>`` ``<=`` ``>=`` and ``eq ne lt gt le ge``
logic              ``&&`` ``||`` ``!`` and ``and or not``
emptiness          ``empty x`` (null, '' or an empty list/map)
grouping           ``( ... )``
=================  ==========================================================

No method calls, property access, arithmetic or string concatenation: those differ between
engines or invite business logic into the diagram.  :func:`compile_expression` raises
:class:`JuelError` at deploy time for anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from ezd.records.errors import EzdError

Evaluator = Callable[[Mapping[str, Any]], Any]


class JuelError(EzdError, ValueError):
    pass


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>\d+(?:\.\d+)?)
    | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<op>==|!=|<=|>=|&&|\|\||[<>!()])
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)

_WORD_OPS = {
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "and": "&&",
    "or": "||",
    "not": "!",
}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def is_expression(text: str) -> bool:
    t = text.strip()
    return t.startswith("${") and t.endswith("}")


def _tokens(src: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    while pos < len(src):
        if src[pos:].strip() == "":
            break
        m = _TOKEN.match(src, pos)
        if not m or m.end() == pos:
            raise JuelError(f"unsupported syntax at {src[pos:]!r} in expression ${{{src}}}")
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "name" and value in _WORD_OPS:
            kind, value = "op", _WORD_OPS[value]
        elif kind == "name" and value in ("true", "false", "null", "empty"):
            kind = value
        out.append((kind, value))
        pos = m.end()
    return out


# A diagram's condition is a handful of tokens; these caps keep parsing and evaluation (both
# recursive) far from Python's recursion limit whatever the input (bench/fuzz.py juel found a
# RecursionError at 250 nested parentheses)
MAX_TOKENS = 256
MAX_DEPTH = 32


class _Parser:
    def __init__(self, src: str) -> None:
        self.src = src
        self.toks = _tokens(src)
        if len(self.toks) > MAX_TOKENS:
            raise JuelError(f"expression longer than {MAX_TOKENS} tokens: ${{{src[:80]}…}}")
        self.i = 0
        self.depth = 0

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise JuelError(f"expression nested deeper than {MAX_DEPTH} levels: ${{{self.src[:80]}…}}")

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise JuelError(f"unexpected end of expression ${{{self.src}}}")
        self.i += 1
        return tok

    def parse(self) -> Evaluator:
        ev = self.or_()
        if self.peek() is not None:
            raise JuelError(f"unexpected {self.peek()[1]!r} in expression ${{{self.src}}}")  # type: ignore[index]
        return ev

    def or_(self) -> Evaluator:
        left = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            left = (lambda a, b: lambda v: bool(a(v)) or bool(b(v)))(left, right)
        return left

    def and_(self) -> Evaluator:
        left = self.cmp()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.cmp()
            left = (lambda a, b: lambda v: bool(a(v)) and bool(b(v)))(left, right)
        return left

    def cmp(self) -> Evaluator:
        left = self.unary()
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in _COMPARE:
            self.take()
            right = self.unary()
            fn, op, src = _COMPARE[tok[1]], tok[1], self.src
            return lambda v: _compare(fn, op, left(v), right(v), src)
        return left

    def unary(self) -> Evaluator:
        tok = self.peek()
        if tok == ("op", "!"):
            self.take()
            self.nested()
            inner = self.unary()
            self.depth -= 1
            return lambda v: not inner(v)
        if tok and tok[0] == "empty":
            self.take()
            self.nested()
            inner = self.unary()
            self.depth -= 1
            return lambda v: _is_empty(inner(v))  # evaluated once: "empty empty …" stays linear
        return self.atom()

    def atom(self) -> Evaluator:
        kind, value = self.take()
        if kind == "num":
            num: int | float = float(value) if "." in value else int(value)
            return lambda v: num
        if kind == "str":
            text = value[1:-1].replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")
            return lambda v: text
        if kind in ("true", "false"):
            b = kind == "true"
            return lambda v: b
        if kind == "null":
            return lambda v: None
        if kind == "name":
            if self.peek() is not None and self.peek() in (("op", "("),):
                raise JuelError(f"method calls are not allowed: {value}(...) in ${{{self.src}}}")
            return lambda v: _lookup(v, value)
        if (kind, value) == ("op", "("):
            self.nested()
            inner = self.or_()
            self.depth -= 1
            if self.take() != ("op", ")"):
                raise JuelError(f"missing ')' in expression ${{{self.src}}}")
            return inner
        raise JuelError(f"unexpected {value!r} in expression ${{{self.src}}}")


def _is_empty(value: Any) -> bool:
    return value in (None, "") or (isinstance(value, list | dict) and not value)


def _compare(fn: Callable[[Any, Any], bool], op: str, a: Any, b: Any, src: str) -> bool:
    # values of unlike types (a number and a text, null and a number) have no order here: one
    # clear error for the task, not a TypeError out of the engine (found by bench/fuzz.py juel)
    try:
        return fn(a, b)
    except TypeError:
        raise JuelError(
            f"cannot compare {type(a).__name__} with {type(b).__name__} ({op}) in ${{{src}}}"
        ) from None


def _lookup(variables: Mapping[str, Any], name: str) -> Any:
    try:
        return variables[name]
    except KeyError:
        raise JuelError(f"unknown process variable {name!r}") from None


@lru_cache(maxsize=1024)
def compile_expression(text: str) -> Evaluator:
    """Compile ``${...}`` text into an evaluator; raises JuelError outside the subset."""
    t = text.strip()
    if not is_expression(t):
        raise JuelError(f"not an expression: {text!r} (expected ${{...}})")
    body = t[2:-1]
    if "${" in body or "#{" in body:
        raise JuelError(f"nested expressions are not allowed: {text!r}")
    return _Parser(body).parse()


def evaluate(text: str, variables: Mapping[str, Any]) -> Any:
    return compile_expression(text)(variables)
