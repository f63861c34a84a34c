"""A small Polish light stemmer for archive search, applied at index and at query time.

Why our own: ``pystempel`` (PyPI, offline) was evaluated -- it needs ~4 s and an 11 MB table at
every process start and its statistical stems are not stable across one lemma's forms
("umowa" -> "umowy" but "umowie" -> "umowa"), which breaks recall.  Search only needs the forms
of one word to meet, not a dictionary lemma, so a deterministic suffix stripper is enough:

1. lowercase, split into letter/digit tokens;
2. strip the longest inflectional ending that leaves a stem of at least 3 letters;
3. undo the stem alternations that are safe (fleeting -e- in -ek/-ec: "wniosek"/"wniosku" ->
   "wniosk"; the -dzie locative);
4. fold diacritics so that queries typed without Polish letters still match.

The stem is not a word ("decyzj", "wniosk"); it is only ever compared with other stems.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
MIN_STEM = 3

# Endings of nouns, adjectives and the common verbal nouns, longest first so "ach" wins over "h".
_ENDINGS = sorted(
    {
        # nouns
        "ami",
        "ach",
        "om",
        "owi",
        "iem",
        "em",
        "ów",
        "ie",
        "iu",
        "ia",
        "io",
        "ią",
        "ię",
        "ii",
        "ij",
        "a",
        "ą",
        "ę",
        "e",
        "i",
        "o",
        "u",
        "y",
        # adjectives / participles
        # (no "-owa/-owy" endings: they would cut nouns such as "budowa" to "bud")
        "iego",
        "iemu",
        "ich",
        "imi",
        "im",
        "iej",
        "ego",
        "emu",
        "ych",
        "ymi",
        "ym",
        "ej",
        # verbal nouns (-anie, -enie): "pozwolenie", "pozwolenia", "pozwoleniu", "pozwoleń"
        "aniem",
        "aniu",
        "ania",
        "anie",
        "ań",
        "eniem",
        "eniu",
        "enia",
        "enie",
        "eń",
    },
    key=len,
    reverse=True,
)

# Locative -e with a softened stem consonant that is safe to undo ("urzędzie" -> "urzęd",
# "wodzie" -> "wod").  -cie/-rze/-dze are left alone: they collide with verbal nouns
# ("zajęcie"/"zajęcia"), plurals ("lekarze") and "władze".
_LOCATIVE = (("dzie", "d"),)
_FOLD = str.maketrans("ąćęłńóśźż", "acelnoszz")


def _strip(word: str) -> str:
    for ending, repl in _LOCATIVE:
        if word.endswith(ending) and len(word) - len(ending) + len(repl) >= MIN_STEM + 1:
            return word[: -len(ending)] + repl
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            word = word[: -len(ending)]
            break
    # fleeting e: wniosek/wniosku, podatek/podatku, budynek/budynku, wychowawca/wychowawcy are fine
    if len(word) > 4 and word[-2:] in ("ek", "ec"):
        word = word[:-2] + word[-1]
    return word


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The search stem of one word (lowercase, diacritics folded)."""
    w = unicodedata.normalize("NFC", word.lower())
    if w.isdigit() or len(w) <= MIN_STEM:
        return w.translate(_FOLD)
    return _strip(w).translate(_FOLD)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def stems(text: str) -> list[str]:
    """Stems of every word of ``text``, in order (duplicates kept: they weigh in ranking)."""
    return [s for s in (stem(t) for t in tokens(text)) if s]


def query_stems(text: str) -> list[str]:
    """Distinct stems of a query, in order; every one must match (AND semantics)."""
    seen: dict[str, None] = {}
    for s in stems(text):
        seen.setdefault(s, None)
    return list(seen)
