"""Archivist search on both stacks: inflection-aware full text, filters, ranking, pagination."""

from __future__ import annotations

import pytest

from ezd.archive_ops.search import SearchQuery, search
from ezd.bootstrap import App
from ezd.records.errors import InvalidInput
from tests.archive.helpers import add_entry


@pytest.fixture
def corpus(stack: App) -> App:
    add_entry(
        stack,
        tenant="sp-swidnik",
        sign="GK.6740.1.2015",
        title="Decyzja o pozwoleniu na budowę",
        category="B10",
        unit="GK",
        jrwa="6740",
        year=2015,
        sender="Jan Kowalski",
    )
    add_entry(
        stack,
        tenant="sp-swidnik",
        sign="GK.6740.2.2016",
        title="Odmowa wydania decyzji",
        category="B10",
        unit="GK",
        jrwa="6740",
        year=2016,
        sender="Anna Nowak",
        text="Wnioskodawca nie uzupełnił braków wniosku o pozwolenie na budowę.",
    )
    add_entry(
        stack,
        tenant="sp-swidnik",
        sign="OR.1431.3.2016",
        title="Wniosek o udostępnienie informacji publicznej",
        category="A",
        unit="OR",
        jrwa="1431",
        year=2016,
        sender="Stowarzyszenie Watchdog",
    )
    add_entry(
        stack,
        tenant="ug-melgiew",
        sign="FN.3120.4.2017",
        title="Decyzję w sprawie podatku rolnego",
        category="BE5",
        unit="FN",
        jrwa="3120",
        year=2017,
        sender="Piotr Kowalski",
    )
    add_entry(
        stack,
        tenant="ug-melgiew",
        sign="FN.3120.5.2018",
        title="Deklaracja na podatek od nieruchomości",
        category="BE5",
        unit="FN",
        jrwa="3120",
        year=2018,
        sender="Maria Wiśniewska",
    )
    return stack


def _signs(app: App, q: SearchQuery) -> list[str]:
    with app.uow() as uow:
        return [h.case_sign for h in search(uow.session, q).hits]


def test_decyzja_finds_decyzji_and_decyzje(corpus: App) -> None:
    got = _signs(corpus, SearchQuery("decyzja"))
    assert set(got) == {"GK.6740.1.2015", "GK.6740.2.2016", "FN.3120.4.2017"}
    assert "FN.3120.5.2018" not in got  # "deklaracja" is another word


def test_wniosek_finds_wniosku_in_extracted_text(corpus: App) -> None:
    got = _signs(corpus, SearchQuery("wniosek"))
    assert set(got) == {"GK.6740.2.2016", "OR.1431.3.2016"}


def test_two_words_must_both_match(corpus: App) -> None:
    assert _signs(corpus, SearchQuery("decyzji podatek")) == ["FN.3120.4.2017"]
    assert _signs(corpus, SearchQuery("pozwolenie budowy")) in (
        ["GK.6740.1.2015", "GK.6740.2.2016"],
        ["GK.6740.2.2016", "GK.6740.1.2015"],
    )


def test_queries_without_polish_letters_match(corpus: App) -> None:
    assert _signs(corpus, SearchQuery("decyzje podatku rolnego")) == ["FN.3120.4.2017"]
    assert set(_signs(corpus, SearchQuery("budowe"))) == {"GK.6740.1.2015", "GK.6740.2.2016"}


def test_title_hit_outranks_body_hit(corpus: App) -> None:
    got = _signs(corpus, SearchQuery("pozwolenie", tenant="sp-swidnik"))
    assert got[0] == "GK.6740.1.2015"  # in the title, vs only in the text of GK.6740.2.2016


def test_filters_narrow_and_combine(corpus: App) -> None:
    assert _signs(corpus, SearchQuery("decyzja", tenant="ug-melgiew")) == ["FN.3120.4.2017"]
    assert _signs(corpus, SearchQuery("decyzja", category="B10", year_from=2016, year_to=2016)) == [
        "GK.6740.2.2016"
    ]
    assert _signs(corpus, SearchQuery("", jrwa="3120", unit="FN")) == ["FN.3120.5.2018", "FN.3120.4.2017"]
    assert _signs(corpus, SearchQuery("", case_sign="OR.1431.3.2016")) == ["OR.1431.3.2016"]
    assert _signs(corpus, SearchQuery("", sender="Kowalskiego")) in (
        ["GK.6740.1.2015", "FN.3120.4.2017"],
        ["FN.3120.4.2017", "GK.6740.1.2015"],
    )
    assert _signs(corpus, SearchQuery("decyzja", tenant="nie-ma-takiego")) == []


def test_pagination(corpus: App) -> None:
    with corpus.uow() as uow:
        p1 = search(uow.session, SearchQuery("", per_page=2))
        p2 = search(uow.session, SearchQuery("", per_page=2, page=2))
        p3 = search(uow.session, SearchQuery("", per_page=2, page=3))
    assert p1.has_more and p2.has_more and not p3.has_more
    seen = [h.case_sign for h in p1.hits + p2.hits + p3.hits]
    assert len(seen) == len(set(seen)) == 5


def test_bad_queries_are_refused(corpus: App) -> None:
    with corpus.uow() as uow, pytest.raises(InvalidInput):
        search(uow.session, SearchQuery("x", page=0))
    with corpus.uow() as uow, pytest.raises(InvalidInput):
        search(uow.session, SearchQuery("x", year_from=2020, year_to=2010))


def test_fts_operators_in_the_query_are_just_words(corpus: App) -> None:
    assert _signs(corpus, SearchQuery('decyzja" OR "x AND NOT (*)')) == []


def test_dictionary_forms_that_suffix_rules_miss(stack: App) -> None:
    """The issue's case: "działce" did not find "działki"; place names alternate their stems."""
    add_entry(
        stack,
        tenant="ug-melgiew",
        sign="GK.6831.1.2019",
        title="Podział działki nr 12 w Mełgwi",
        category="B5",
        unit="GK",
        jrwa="6831",
        year=2019,
        text="Wniosek o podział działek położonych w Rybczewicach.",
    )
    add_entry(
        stack,
        tenant="ug-melgiew",
        sign="OR.1510.2.2019",
        title="Skarga na wójta w sprawie drogi w Kamionce",
        category="A",
        unit="OR",
        jrwa="1510",
        year=2019,
    )
    assert _signs(stack, SearchQuery("działce")) == ["GK.6831.1.2019"]
    assert _signs(stack, SearchQuery("Mełgiew Rybczewice")) == ["GK.6831.1.2019"]
    assert _signs(stack, SearchQuery("skardze na drodze")) == ["OR.1510.2.2019"]
    assert _signs(stack, SearchQuery("Kamionka")) == ["OR.1510.2.2019"]
    assert _signs(stack, SearchQuery("Kamień")) == []  # another place
    assert _signs(stack, SearchQuery("dzialki")) == ["GK.6831.1.2019"]  # typed without Polish letters
