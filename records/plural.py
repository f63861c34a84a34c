"""Polish plural forms of counted nouns: 1 sprawa, 2 sprawy, 5 spraw, 22 sprawy, 112 spraw.

Polish has three forms after a number: the singular (only for 1), the "few" form (numbers
ending in 2, 3 or 4, except 12, 13 and 14) and the "many" form (everything else, 0 included).
"""

from __future__ import annotations

from typing import NamedTuple


class Forms(NamedTuple):
    one: str  # 1 sprawa
    few: str  # 2-4, 22-24 ... sprawy
    many: str  # 0, 5-21, 25-31 ... spraw


SPRAWA = Forms("sprawa", "sprawy", "spraw")
DOKUMENT = Forms("dokument", "dokumenty", "dokumentów")
PLIK = Forms("plik", "pliki", "plików")
OBIEKT = Forms("obiekt", "obiekty", "obiektów")
PROBLEM = Forms("problem", "problemy", "problemów")


def plural(n: int, forms: Forms) -> str:
    """The form of the noun that goes after the number ``n``."""
    n = abs(n)
    if n == 1:
        return forms.one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return forms.few
    return forms.many


def count(n: int, forms: Forms) -> str:
    """``n`` and the right form: ``count(4, SPRAWA) == "4 sprawy"``."""
    return f"{n} {plural(n, forms)}"
