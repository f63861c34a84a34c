"""The Polish light stemmer: forms of one word meet, different words stay apart."""

from __future__ import annotations

import pytest

from ezd.archive_ops.stemmer import query_stems, stem, stems

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
    assert query_stems("Decyzja decyzji wniosek") == [stem("decyzja"), stem("wniosek")]
    assert query_stems("  ...  ") == []
