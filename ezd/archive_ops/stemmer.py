"""Polish search keys for archive search, applied at index and at query time.

Every word gets one or more keys (:func:`stem_keys`):

* its lemmas from ``morfeusz2``, the SGJP morphological analyser (``działce``, ``działki`` ->
  ``dzialka``; ``Mełgwi`` -> ``melgiew``; ``Świdnikiem`` -> ``swidnik``), lowercased with the
  diacritics folded -- a dictionary knows the alternations no suffix rule can ("skardze",
  "piśmie", "dróg", "Mełgwi");
* and its light stem (:func:`suffix_stem`, below): the key for words the dictionary does not
  know (rare surnames, typos, queries typed without Polish letters: ``dzialce``) and the key
  that entries indexed before the dictionary was used still carry, so they keep matching.

A query word matches an entry when any of its keys is among the entry's keys.  Why this one:
``bench/bench_stemmers.py`` compares the suffix stripper alone, morfeusz2, pystempel (Stempel),
simplemma and hunspell-pl (spylls) on 398 forms of office words, place names and surnames (see
docs/architecture.md for the table): morfeusz2 has the best recall at full precision and loads in
about a second; pystempel and simplemma need 20 s or more at every process start, and pystempel's
statistical stems split one lemma's forms ("umowa" -> "umowy", "umowie" -> "umowa").

The light stem:

1. lowercase, split into letter/digit tokens;
2. strip the longest inflectional ending that leaves a stem of at least 3 letters;
3. undo the stem alternations that are safe (fleeting -e- in -ek/-ec: "wniosek"/"wniosku" ->
   "wniosk"; the -dzie locative);
4. fold diacritics so that queries typed without Polish letters still match.

Keys are not words ("decyzj", "wniosk"); they are only ever compared with other keys.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

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
def suffix_stem(word: str) -> str:
    """The light stem of one word (lowercase, diacritics folded)."""
    w = unicodedata.normalize("NFC", word.lower())
    if w.isdigit() or len(w) <= MIN_STEM:
        return w.translate(_FOLD)
    return _strip(w).translate(_FOLD)


stem = suffix_stem  # the name the index used before the dictionary keys were added

# Morfeusz tags whose lemma is no help for search: unknown words, abbreviations ("r." -> "rok"),
# punctuation and digits (the word itself is the key).
_NO_LEMMA = {"ign", "brev", "interp", "dig", "romandig"}
MAX_LEMMAS = 3  # a rare form with many readings must not spread over many unrelated keys
_analyser: Any = None
_analyser_lock = threading.Lock()


def _morfeusz() -> Any:
    """The analyser, loaded on first use (about a second: the SGJP dictionary)."""
    global _analyser
    if _analyser is None:
        import morfeusz2

        _analyser = morfeusz2.Morfeusz(generate=False, expand_tags=False)
    return _analyser


def lemmas(word: str) -> list[str]:
    """The dictionary lemmas of a word as keys (lowercase, folded); [] for unknown words."""
    with _analyser_lock:  # one analyser per process; its C++ state is not shared safely
        analyses = _morfeusz().analyse(word)
    found: dict[str, None] = {}
    for _start, _end, (_form, lemma, tag, *_rest) in analyses:
        if tag.split(":", 1)[0] in _NO_LEMMA:
            continue
        key = unicodedata.normalize("NFC", lemma.split(":", 1)[0].lower()).translate(_FOLD)
        if key:
            found.setdefault(key, None)
    return list(found)[:MAX_LEMMAS]


@lru_cache(maxsize=200_000)
def stem_keys(word: str) -> tuple[str, ...]:
    """The search keys of one word: its lemmas and its light stem (see the module doc)."""
    light = suffix_stem(word)
    if word.isdigit() or len(word) <= MIN_STEM:  # "nr", "r", "12": the word is the key
        return (light,)
    keys = dict.fromkeys(lemmas(word))
    keys.setdefault(light, None)
    return tuple(keys)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def stems(text: str) -> list[str]:
    """The keys of every word of ``text``, in order (duplicates kept: they weigh in ranking)."""
    return [k for t in tokens(text) for k in stem_keys(t) if k]


def query_stems(text: str) -> list[tuple[str, ...]]:
    """The key groups of a query's distinct words, in order: every group must match (AND), by
    any of its keys (OR)."""
    seen: dict[tuple[str, ...], None] = {}
    for t in tokens(text):
        keys = stem_keys(t)
        if keys and keys[0]:
            seen.setdefault(keys, None)
    return list(seen)
