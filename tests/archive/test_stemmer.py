"""The Polish light stemmer: forms of one word meet, different words stay apart."""

from __future__ import annotations

import pytest

from ezd.archive_ops.stemmer import query_stems, stem, stem_keys, stems

SAME = [
    ["decyzja", "decyzji", "decyzję", "decyzje", "decyzjach", "decyzjami", "decyzjom", "DECYZJA"],
    ["wniosek", "wniosku", "wnioski", "wnioskiem", "wniosków", "wnioskami"],
    ["sprawa", "sprawy", "sprawie", "sprawę", "spraw", "sprawach"],
    ["pozwolenie", "pozwolenia", "pozwoleniu", "pozwoleń", "pozwoleniem"],
    ["podatek", "podatku", "podatki", "podatków"],
    ["umowa", "umowy", "umowie", "umów", "umową"],
    ["budowa", "budowy", "budowie", "budowę"],
    ["skarga", "skargi", "skargę", "skarg"],
    ["zaświadczenie", "zaświadczenia", "zaswiadczenie"],
    ["Kowalski", "Kowalskiego", "Kowalskim"],
    ["urzędu", "urzędzie"],
    ["zajęcie", "zajęcia", "zajęciu", "zajęciem"],
]
DIFFERENT = [("decyzja", "deklaracja"), ("wniosek", "wynik"), ("budowa", "budynek"), ("umowa", "uwaga")]


@pytest.mark.parametrize("forms", SAME, ids=lambda f: f[0])
def test_inflected_forms_share_a_stem(forms: list[str]) -> None:
    assert len({stem(w) for w in forms}) == 1, {w: stem(w) for w in forms}


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_words_keep_different_stems(a: str, b: str) -> None:
    assert stem(a) != stem(b)


def test_short_words_and_numbers_are_kept() -> None:
    assert stems("nr 12 z 2019 r.") == ["nr", "12", "z", "2019", "r"]


def test_query_stems_are_distinct_and_ordered() -> None:
    assert query_stems("Decyzja decyzji wniosek") == [stem_keys("decyzja"), stem_keys("wniosek")]
    assert query_stems("  ...  ") == []


def test_dictionary_keys_on_the_benchmark_set() -> None:
    """stem_keys on the 400+ forms of bench/data/polish_forms.txt: forms of one lemma meet, and
    no two lemmas meet (near neighbours such as dział/działka, Kamień/Kamionka/Kamiński)."""
    from bench.bench_stemmers import load_forms, score

    groups = load_forms()
    assert sum(len(f) for f in groups.values()) >= 300
    s = score("stem_keys", lambda w: frozenset(stem_keys(w)), groups, 0.0)
    assert s.collisions == () and s.precision == 1.0
    assert s.recall >= 0.99, s.misses
    suffix = score("suffix", lambda w: frozenset([stem(w)]), groups, 0.0)
    assert s.recall > suffix.recall  # the dictionary is why stem_keys exists


def test_unknown_words_fall_back_to_the_light_stem() -> None:
    assert stem_keys("Pszczółkowskiego")[-1] == stem("Pszczółkowskiego")
    assert stem_keys("dzialce") == (stem("dzialce"),)  # not in the dictionary without its letters
    assert "dzialka" in stem_keys("działce") and "dzialka" in stem_keys("działki")
