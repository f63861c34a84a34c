"""The uniform file list (JRWA, jednolity rzeczowy wykaz akt) and archival categories.

Plain Python, no I/O.  Parsing of official XML/CSV files lives in :mod:`ezd.jrwa_io`.

JRWA symbols are digit strings of 1-4 characters; a class's symbol extends its parent's
symbol by exactly one digit (``0`` → ``01`` → ``012`` → ``0122``).  Cases may only be kept
in *leaf* classes (classes without subclasses); every leaf carries an archival category
(kategoria archiwalna), and a class with subclasses carries none.

Archival categories:

* ``A``     -- materiały archiwalne, kept permanently and transferred to a state archive;
* ``Bn``    -- dokumentacja niearchiwalna, may be destroyed after *n* years;
* ``BEn``   -- dokumentacja niearchiwalna, after *n* years an expert review (ekspertyza)
               by the state archive decides whether it is destroyed or becomes archival;
* ``Bc``    -- short-lived documentation, may be destroyed after practical use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ezd.records.errors import EzdError

__all__ = [
    "ArchivalCategory",
    "InvalidCategory",
    "InvalidJrwa",
    "JrwaEntry",
    "JrwaError",
    "JrwaTree",
    "NotALeafClass",
    "UnknownJrwaSymbol",
    "is_valid_symbol",
]

KINDS = ("A", "B", "BE", "Bc")
MAX_SYMBOL_LENGTH = 4
MAX_RETENTION_YEARS = 200


class JrwaError(EzdError, ValueError):
    """Base of all JRWA errors; the message is one clear line."""


class InvalidCategory(JrwaError):
    """A string that is not an archival category (A, Bn, BEn, Bc)."""


class InvalidJrwa(JrwaError):
    """A JRWA list that cannot form a valid classification tree."""


class UnknownJrwaSymbol(JrwaError, LookupError):
    """A symbol that is not in the JRWA."""


class NotALeafClass(JrwaError):
    """A symbol of a class with subclasses, where a leaf class is required."""


_CATEGORY_RE = re.compile(r"^(?P<kind>BE|BC|B|A)(?P<years>\d+)?$")
_SYMBOL_RE = re.compile(r"^\d{1,4}$")


def is_valid_symbol(symbol: str) -> bool:
    """True for a syntactically valid JRWA symbol: 1-4 ASCII digits."""
    return isinstance(symbol, str) and bool(_SYMBOL_RE.fullmatch(symbol)) and symbol.isascii()


@dataclass(frozen=True, slots=True)
class ArchivalCategory:
    """An archival category: ``A``, ``B<n>``, ``BE<n>`` or ``Bc``."""

    kind: str
    years: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidCategory(
                f"unknown archival category kind {self.kind!r}; expected one of A, B, BE, Bc"
            )
        if self.kind in ("A", "Bc"):
            if self.years is not None:
                raise InvalidCategory(f"archival category {self.kind} takes no retention period")
        else:
            if self.years is None or isinstance(self.years, bool) or not isinstance(self.years, int):
                raise InvalidCategory(
                    f"archival category {self.kind} needs a retention period in years, e.g. {self.kind}10"
                )
            if not 1 <= self.years <= MAX_RETENTION_YEARS:
                raise InvalidCategory(
                    f"retention period of {self.kind}{self.years} must be between 1 and "
                    f"{MAX_RETENTION_YEARS} years"
                )

    @classmethod
    def parse(cls, text: str) -> ArchivalCategory:
        """Parse ``"A"``, ``"B5"``, ``"BE10"``, ``"Bc"``; tolerant of spaces and letter case."""
        if not isinstance(text, str):
            raise InvalidCategory(f"archival category must be a string, not {type(text).__name__}")
        compact = re.sub(r"\s+", "", text).upper()
        if not compact:
            raise InvalidCategory("archival category is empty; expected A, B<years>, BE<years> or Bc")
        m = _CATEGORY_RE.fullmatch(compact)
        if m is None or not compact.isascii():
            raise InvalidCategory(
                f"invalid archival category {text.strip()!r}; expected A, B<years>, BE<years> or Bc "
                "(e.g. A, B5, BE10, Bc)"
            )
        kind = "Bc" if m["kind"] == "BC" else m["kind"]
        years_text = m["years"]
        if kind in ("A", "Bc") and years_text is not None:
            raise InvalidCategory(
                f"invalid archival category {text.strip()!r}: category {kind} takes no retention period"
            )
        if kind in ("B", "BE") and years_text is None:
            raise InvalidCategory(
                f"invalid archival category {text.strip()!r}: category {kind} needs a retention period "
                f"in years, e.g. {kind}10"
            )
        years = int(years_text) if years_text is not None else None
        if years is not None and not 1 <= years <= MAX_RETENTION_YEARS:
            raise InvalidCategory(
                f"invalid archival category {text.strip()!r}: retention period must be between 1 and "
                f"{MAX_RETENTION_YEARS} years"
            )
        return cls(kind, years)

    def __str__(self) -> str:
        return self.kind if self.years is None else f"{self.kind}{self.years}"

    @property
    def is_permanent(self) -> bool:
        """Category A: archival material, kept forever."""
        return self.kind == "A"

    @property
    def needs_review(self) -> bool:
        """Category BE: destruction only after an expert review by the state archive."""
        return self.kind == "BE"

    @property
    def may_be_destroyed(self) -> bool:
        """B n and Bc may be destroyed (after n years / after use, with the archive's consent);
        BE n only after review (see :attr:`needs_review`); A never."""
        return self.kind in ("B", "Bc")


@dataclass(frozen=True, slots=True)
class JrwaEntry:
    """One class of the JRWA.  ``other_category`` is the optional ``kategoriaInna`` of the
    official WykazAkt format (category for copies kept outside the owning unit)."""

    symbol: str
    title: str
    category: ArchivalCategory | None = None
    other_category: ArchivalCategory | None = None


class JrwaTree:
    """A validated JRWA classification tree.  Build with :meth:`build`."""

    __slots__ = ("_children", "_entries", "_order")

    def __init__(self, entries: dict[str, JrwaEntry], children: dict[str, list[str]], order: list[str]):
        self._entries = entries
        self._children = children
        self._order = order

    @classmethod
    def build(cls, entries: Iterable[JrwaEntry]) -> JrwaTree:
        """Validate the entries and build the tree; raises :class:`InvalidJrwa`."""
        by_symbol: dict[str, JrwaEntry] = {}
        for entry in entries:
            if not isinstance(entry, JrwaEntry):
                raise InvalidJrwa(f"JRWA entries must be JrwaEntry objects, not {type(entry).__name__}")
            if not is_valid_symbol(entry.symbol):
                raise InvalidJrwa(f"invalid JRWA symbol {entry.symbol!r}: expected 1 to 4 digits")
            if not entry.title or not entry.title.strip():
                raise InvalidJrwa(f"JRWA class {entry.symbol!r} has no title (hasło)")
            if entry.symbol in by_symbol:
                raise InvalidJrwa(f"duplicate JRWA symbol {entry.symbol!r}")
            by_symbol[entry.symbol] = entry
        if not by_symbol:
            raise InvalidJrwa("JRWA is empty")
        order = sorted(by_symbol)
        children: dict[str, list[str]] = {s: [] for s in order}
        for symbol in order:
            if len(symbol) > 1:
                parent = symbol[:-1]
                if parent not in by_symbol:
                    raise InvalidJrwa(f"JRWA class {symbol!r} has no parent class {parent!r}")
                children[parent].append(symbol)
        for symbol in order:
            entry = by_symbol[symbol]
            if children[symbol]:
                if entry.category is not None:
                    raise InvalidJrwa(
                        f"JRWA class {symbol!r} has subclasses, so it must not have an archival category "
                        f"(it has {entry.category})"
                    )
            elif entry.category is None:
                raise InvalidJrwa(f"JRWA leaf class {symbol!r} has no archival category")
        return cls(by_symbol, children, order)

    # -- look-ups -------------------------------------------------------------------------

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._entries

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[JrwaEntry]:
        """All classes in symbol order (depth-first: ``0``, ``00``, ``000``, ``001``, ``01`` ...)."""
        return (self._entries[s] for s in self._order)

    def get(self, symbol: str) -> JrwaEntry:
        """The class with this symbol (leaf or not); raises :class:`UnknownJrwaSymbol`."""
        try:
            return self._entries[symbol]
        except (KeyError, TypeError):
            raise UnknownJrwaSymbol(f"unknown JRWA symbol {symbol!r}") from None

    def is_leaf(self, symbol: str) -> bool:
        self.get(symbol)
        return not self._children[symbol]

    def leaf(self, symbol: str) -> JrwaEntry:
        """The leaf class with this symbol -- the only kind of class a case may be kept in."""
        entry = self.get(symbol)
        if self._children[symbol]:
            example = self._first_leaf_under(symbol)
            raise NotALeafClass(
                f"JRWA class {symbol!r} is not a leaf class; cases can only be kept in leaf classes "
                f"such as {example!r}"
            )
        return entry

    def _first_leaf_under(self, symbol: str) -> str:
        while self._children[symbol]:
            symbol = self._children[symbol][0]
        return symbol

    def leaves(self) -> list[JrwaEntry]:
        return [self._entries[s] for s in self._order if not self._children[s]]

    def roots(self) -> list[JrwaEntry]:
        return [self._entries[s] for s in self._order if len(s) == 1]

    def parent(self, symbol: str) -> JrwaEntry | None:
        self.get(symbol)
        return self._entries[symbol[:-1]] if len(symbol) > 1 else None

    def children(self, symbol: str) -> list[JrwaEntry]:
        self.get(symbol)
        return [self._entries[s] for s in self._children[symbol]]

    def path(self, symbol: str) -> list[JrwaEntry]:
        """The chain of classes from the top-level class down to ``symbol`` inclusive."""
        self.get(symbol)
        return [self._entries[symbol[:i]] for i in range(1, len(symbol) + 1)]

    def entries(self) -> list[JrwaEntry]:
        return list(self)
