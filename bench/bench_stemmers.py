"""Which Polish stemmer should archive search use?  Recall and precision on inflected forms.

    python bench/bench_stemmers.py [--forms bench/data/polish_forms.txt]

The test set (``bench/data/polish_forms.txt``) holds one lemma a line with its inflected
forms: common office words, the partnership's place names (Świdnik, Biała Podlaska, Głusk,
Kamień, Kamionka, Mełgiew, Rybczewice) and surnames.  Search needs the forms of one word to
meet and the forms of different words not to, so each stemmer is scored on pairs of forms:

* recall: of the pairs of forms of one lemma, the share whose keys meet;
* precision: of the pairs whose keys meet, the share that are forms of one lemma.

Keys meet when they share a value (an analyser may give a form several lemmas; the index holds
all of them).  ``no-ął``: recall when the query is typed without Polish letters.  Also printed:
start-up time (loading the dictionary) and time per word.
Stemmers whose package is not installed are listed as such: ``pip install pystempel simplemma
spylls`` (+ Debian ``hunspell-pl``) to compare them all; ``morfeusz2`` is a dependency of ezd.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ezd.archive_ops import stemmer

FORMS = Path(__file__).parent / "data" / "polish_forms.txt"
Keys = Callable[[str], frozenset[str]]
FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def load_forms(path: Path = FORMS) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lemma, forms = line.split(":", 1)
            groups[lemma.strip()] = forms.split()
    return groups


@dataclass(frozen=True)
class Score:
    name: str
    recall: float
    precision: float
    recall_folded: float  # queries typed without Polish letters
    load_s: float
    us_per_word: float
    misses: tuple[str, ...]
    collisions: tuple[str, ...]


def score(name: str, keys: Keys, groups: dict[str, list[str]], load_s: float) -> Score:
    labelled = [(lemma, form) for lemma, forms in groups.items() for form in forms]
    started = time.perf_counter()
    key_of = {form: keys(form) for _, form in labelled}
    per_word = (time.perf_counter() - started) / len(labelled) * 1e6
    folded_keys = {form: keys(form.translate(FOLD)) for _, form in labelled}
    same = meet_same = meet = folded_same = 0
    misses: list[str] = []
    collisions: list[str] = []
    for (la, fa), (lb, fb) in itertools.combinations(labelled, 2):
        meets = bool(key_of[fa] & key_of[fb])
        if la == lb:
            same += 1
            folded_same += bool(folded_keys[fa] & key_of[fb])
            meet_same += meets
            if not meets and len(misses) < 6:
                misses.append(f"{fa}/{fb}")
        if meets:
            meet += 1
            if la != lb and len(collisions) < 6:
                collisions.append(f"{fa}/{fb}")
    return Score(
        name,
        meet_same / same if same else 0.0,
        meet_same / meet if meet else 0.0,
        folded_same / same if same else 0.0,
        load_s,
        per_word,
        tuple(misses),
        tuple(collisions),
    )


def _timed(make: Callable[[], Keys]) -> tuple[Keys, float]:
    started = time.perf_counter()
    keys = make()
    return keys, time.perf_counter() - started


def candidates() -> list[tuple[str, Callable[[], Keys] | None]]:
    def suffix() -> Keys:
        return lambda w: frozenset([stemmer.suffix_stem(w)])

    def chosen() -> Keys:
        return lambda w: frozenset(stemmer.stem_keys(w))

    def morfeusz() -> Keys:
        import morfeusz2

        m = morfeusz2.Morfeusz(generate=False, expand_tags=False)

        def keys(w: str) -> frozenset[str]:
            found = {a[2][1].split(":")[0].lower() for a in m.analyse(w) if a[2][2] != "ign"}
            return frozenset(found or {w.lower()})

        return keys

    def stempel() -> Keys:
        from pystempel import Stemmer

        s = Stemmer.polimorf()
        return lambda w: frozenset([(s(w.lower()) or w).lower()])

    def simple() -> Keys:
        import simplemma

        simplemma.lemmatize("decyzja", lang="pl")  # loads the dictionary now, not in the timing
        return lambda w: frozenset([simplemma.lemmatize(w, lang="pl").lower()])

    def hunspell() -> Keys:
        from spylls.hunspell import Dictionary

        d = Dictionary.from_files("/usr/share/hunspell/pl_PL")

        def keys(w: str) -> frozenset[str]:
            found = {f.stem.lower() for f in d.lookuper.good_forms(w)}
            return frozenset(found or {w.lower()})

        return keys

    out: list[tuple[str, Callable[[], Keys] | None]] = [("ezd suffix stripper (before)", suffix)]
    for name, module, make in (
        ("morfeusz2 (SGJP) lemmas", "morfeusz2", morfeusz),
        ("pystempel (Stempel, polimorf)", "pystempel", stempel),
        ("simplemma", "simplemma", simple),
        ("hunspell-pl (spylls)", "spylls", hunspell),
    ):
        try:
            __import__(module)
        except ImportError:
            out.append((f"{name}: not installed", None))
            continue
        if module == "spylls" and not Path("/usr/share/hunspell/pl_PL.dic").is_file():
            out.append((f"{name}: Debian hunspell-pl not installed", None))
            continue
        out.append((name, make))
    out.append(("ezd stem_keys (morfeusz2 + suffix fallback, chosen)", chosen))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--forms", type=Path, default=FORMS)
    parser.add_argument("--details", action="store_true", help="print misses and collisions")
    args = parser.parse_args()
    groups = load_forms(args.forms)
    n = sum(len(f) for f in groups.values())
    print(f"{n} forms of {len(groups)} lemmas ({args.forms.name})")
    head = f"{'recall':>7s} {'precision':>9s} {'F1':>6s} {'no-ął':>6s} {'load s':>7s} {'µs/word':>8s}"
    print(f"{'stemmer':52s} {head}")
    for name, make in candidates():
        if make is None:
            print(f"{name:52s}")
            continue
        keys, load_s = _timed(make)
        s = score(name, keys, groups, load_s)
        f1 = 2 * s.recall * s.precision / (s.recall + s.precision) if s.recall + s.precision else 0.0
        print(
            f"{name:52s} {s.recall:7.3f} {s.precision:9.3f} {f1:6.3f} {s.recall_folded:6.3f} {s.load_s:7.2f} "
            f"{s.us_per_word:8.1f}"
        )
        if args.details:
            print(f"    misses: {', '.join(s.misses)}\n    collisions: {', '.join(s.collisions)}")


if __name__ == "__main__":
    main()
