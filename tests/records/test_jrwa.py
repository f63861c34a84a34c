from __future__ import annotations

from pathlib import Path

import pytest

from ezd import jrwa_io, xmlsafe
from ezd.jrwa_io import (
    JrwaFormatError,
    load_jrwa_file,
    parse_jrwa_bytes,
    parse_jrwa_csv,
    parse_wykaz_xml,
    to_jrwa_csv,
    to_wykaz_xml,
)
from ezd.records.jrwa import (
    ArchivalCategory,
    InvalidCategory,
    InvalidJrwa,
    JrwaEntry,
    JrwaError,
    JrwaTree,
    NotALeafClass,
    UnknownJrwaSymbol,
)

DATA = Path(jrwa_io.__file__).resolve().parent / "data"
NS = "http://www.mswia.gov.pl/standardy/ndap"


def cat(text: str) -> ArchivalCategory:
    return ArchivalCategory.parse(text)


def small_entries() -> list[JrwaEntry]:
    return [
        JrwaEntry("0", "Zarządzanie", None),
        JrwaEntry("00", "Gremia kolegialne", None),
        JrwaEntry("000", "Narady kierownictwa", cat("A")),
        JrwaEntry("001", "Rada gminy", None),
        JrwaEntry("0010", "Sesje rady", cat("A")),
        JrwaEntry("0012", "Interpelacje i wnioski radnych", cat("BE10")),
        JrwaEntry("05", "Skargi i wnioski", None),
        JrwaEntry("051", "Załatwianie skarg i wniosków", cat("A")),
        JrwaEntry("1", "Kadry", None),
        JrwaEntry("14", "Urlopy", cat("B10")),
    ]


# -- categories --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "years", "canonical"),
    [
        ("A", "A", None, "A"),
        ("a", "A", None, "A"),
        ("B5", "B", 5, "B5"),
        ("b 50", "B", 50, "B50"),
        ("BE10", "BE", 10, "BE10"),
        ("BE 10", "BE", 10, "BE10"),
        (" be5 ", "BE", 5, "BE5"),
        ("Be\t25", "BE", 25, "BE25"),
        ("Bc", "Bc", None, "Bc"),
        ("BC", "Bc", None, "Bc"),
        ("bc", "Bc", None, "Bc"),
    ],
)
def test_category_parse(text: str, kind: str, years: int | None, canonical: str) -> None:
    c = ArchivalCategory.parse(text)
    assert (c.kind, c.years, str(c)) == (kind, years, canonical)
    assert ArchivalCategory.parse(str(c)) == c


@pytest.mark.parametrize(
    "text", ["", "  ", "C", "A5", "B", "BE", "Bc5", "B0", "BE0", "B-5", "B5x", "X10", "B*)", "B５", "B 5 0 0"]
)
def test_category_parse_rejects(text: str) -> None:
    with pytest.raises(InvalidCategory) as exc:
        ArchivalCategory.parse(text)
    assert isinstance(exc.value, JrwaError) and isinstance(exc.value, ValueError)
    assert "archival category" in str(exc.value)


def test_category_parse_rejects_non_string() -> None:
    with pytest.raises(InvalidCategory):
        ArchivalCategory.parse(5)  # type: ignore[arg-type]


def test_category_constructor_validates() -> None:
    assert ArchivalCategory("B", 5) == cat("B5")
    for kind, years in [("A", 5), ("B", None), ("Bc", 1), ("X", None), ("BE", 0)]:
        with pytest.raises(InvalidCategory):
            ArchivalCategory(kind, years)


def test_category_properties() -> None:
    a, b, be, bc = cat("A"), cat("B5"), cat("BE10"), cat("Bc")
    assert a.is_permanent and not a.may_be_destroyed and not a.needs_review
    assert b.may_be_destroyed and not b.is_permanent and not b.needs_review
    assert be.needs_review and not be.may_be_destroyed and not be.is_permanent
    assert bc.may_be_destroyed and not bc.is_permanent
    assert hash(cat("BE 10")) == hash(be)


# -- tree --------------------------------------------------------------------------------------


def test_tree_navigation() -> None:
    tree = JrwaTree.build(small_entries())
    assert len(tree) == 10
    assert [e.symbol for e in tree][:4] == ["0", "00", "000", "001"]
    assert tree.leaf("0012").category == cat("BE10")
    assert tree.parent("0012") == tree.get("001")
    assert tree.parent("0") is None
    assert [e.symbol for e in tree.children("00")] == ["000", "001"]
    assert [e.symbol for e in tree.path("0012")] == ["0", "00", "001", "0012"]
    assert {e.symbol for e in tree.leaves()} == {"000", "0010", "0012", "051", "14"}
    assert [e.symbol for e in tree.roots()] == ["0", "1"]
    assert "0012" in tree and "0999" not in tree
    assert tree.is_leaf("14") and not tree.is_leaf("1")


def test_tree_unknown_symbol() -> None:
    tree = JrwaTree.build(small_entries())
    with pytest.raises(UnknownJrwaSymbol, match=r"unknown JRWA symbol '0999'"):
        tree.leaf("0999")
    with pytest.raises(UnknownJrwaSymbol):
        tree.path("x")


def test_tree_not_a_leaf() -> None:
    tree = JrwaTree.build(small_entries())
    with pytest.raises(NotALeafClass) as exc:
        tree.leaf("00")
    assert str(exc.value) == (
        "JRWA class '00' is not a leaf class; cases can only be kept in leaf classes such as '000'"
    )


def test_tree_input_order_does_not_matter() -> None:
    entries = small_entries()
    forward = [e.symbol for e in JrwaTree.build(entries)]
    assert [e.symbol for e in JrwaTree.build(reversed(entries))] == forward


def test_tree_rejects_duplicate() -> None:
    with pytest.raises(InvalidJrwa, match=r"duplicate JRWA symbol '051'"):
        JrwaTree.build([*small_entries(), JrwaEntry("051", "Inne", cat("A"))])


def test_tree_rejects_orphan() -> None:
    with pytest.raises(InvalidJrwa, match=r"JRWA class '0612' has no parent class '061'"):
        JrwaTree.build([*small_entries(), JrwaEntry("0612", "Sierota", cat("A"))])


def test_tree_rejects_leaf_without_category() -> None:
    with pytest.raises(InvalidJrwa, match=r"leaf class '052' has no archival category"):
        JrwaTree.build([*small_entries(), JrwaEntry("052", "Bez kategorii", None)])


def test_tree_rejects_category_on_non_leaf() -> None:
    entries = [JrwaEntry("0", "Z", cat("A")), JrwaEntry("00", "G", cat("A"))]
    with pytest.raises(InvalidJrwa, match=r"'0' has subclasses"):
        JrwaTree.build(entries)


@pytest.mark.parametrize("symbol", ["", "00000", "0a", "١", " 0", "-1"])
def test_tree_rejects_bad_symbol(symbol: str) -> None:
    with pytest.raises(InvalidJrwa, match="invalid JRWA symbol"):
        JrwaTree.build([JrwaEntry(symbol, "X", cat("A"))])


def test_tree_rejects_empty_and_untitled() -> None:
    with pytest.raises(InvalidJrwa, match="empty"):
        JrwaTree.build([])
    with pytest.raises(InvalidJrwa, match="no title"):
        JrwaTree.build([JrwaEntry("0", "  ", cat("A"))])


# -- XML ---------------------------------------------------------------------------------------


def wykaz(*akta: str) -> bytes:
    body = "".join(f"<akta>{a}</akta>" for a in akta)
    return f'<?xml version="1.0" encoding="UTF-8"?><wykaz xmlns="{NS}">{body}</wykaz>'.encode()


def test_xml_import_valid() -> None:
    data = wykaz(
        "<symbol>0</symbol><haslo>Zarządzanie</haslo>",
        "<symbol>00</symbol><haslo>Gremia</haslo><kategoriaMerytoryczna>A</kategoriaMerytoryczna>"
        "<kategoriaInna>Bc</kategoriaInna>",
    )
    entries = parse_wykaz_xml(data)
    assert entries == [
        JrwaEntry("0", "Zarządzanie", None),
        JrwaEntry("00", "Gremia", cat("A"), cat("Bc")),
    ]
    JrwaTree.build(entries)


def test_xml_import_rejects_schema_violation() -> None:
    with pytest.raises(JrwaFormatError, match=r"WykazAkt\.xsd.*haslo"):
        parse_wykaz_xml(wykaz("<symbol>0</symbol>"))
    with pytest.raises(JrwaFormatError, match=r"WykazAkt\.xsd"):
        parse_wykaz_xml(f'<wykaz xmlns="{NS}"/>'.encode())


def test_xml_import_rejects_wrong_root_and_bad_category() -> None:
    with pytest.raises(JrwaFormatError, match="root element"):
        parse_wykaz_xml(b"<wykaz><akta/></wykaz>")
    bad = wykaz("<symbol>0</symbol><haslo>Z</haslo><kategoriaMerytoryczna>K9</kategoriaMerytoryczna>")
    with pytest.raises(JrwaFormatError, match=r"akta '0'.*invalid archival category 'K9'"):
        parse_wykaz_xml(bad)


@pytest.mark.parametrize(
    "data",
    [
        b'<!DOCTYPE wykaz [<!ENTITY x "y">]><wykaz xmlns="http://www.mswia.gov.pl/standardy/ndap"/>',
        b'<!DOCTYPE wykaz SYSTEM "file:///etc/passwd"><wykaz/>',
        b"<wykaz",
        b"",
    ],
)
def test_xml_import_rejects_hostile_or_malformed(data: bytes) -> None:
    with pytest.raises(xmlsafe.XMLRejected):
        parse_wykaz_xml(data)


def test_xml_roundtrip() -> None:
    entries = small_entries()
    data = to_wykaz_xml(entries, comment="test -- komentarz")
    assert parse_wykaz_xml(data) == entries
    assert parse_jrwa_bytes(data) == entries


# -- CSV ---------------------------------------------------------------------------------------


def test_csv_semicolon_with_bom_and_comments() -> None:
    text = "\ufeff# źródło\nsymbol;haslo;kategoria\n0;Zarządzanie;\n00;Gremia; be 10 \n\n"
    expected = [JrwaEntry("0", "Zarządzanie", None), JrwaEntry("00", "Gremia", cat("BE10"))]
    assert parse_jrwa_csv(text) == expected


def test_csv_comma_and_quoted() -> None:
    text = 'symbol,haslo,kategoria\r\n0,"Skargi, wnioski",\r\n00,"Rady; komisje",A\r\n'
    assert parse_jrwa_csv(text) == [
        JrwaEntry("0", "Skargi, wnioski", None),
        JrwaEntry("00", "Rady; komisje", cat("A")),
    ]


def test_csv_errors() -> None:
    with pytest.raises(JrwaFormatError, match="header"):
        parse_jrwa_csv("sym;title;cat\n0;X;A\n")
    with pytest.raises(JrwaFormatError, match="empty"):
        parse_jrwa_csv("\ufeff\n# only a comment\n")
    with pytest.raises(JrwaFormatError, match=r"line 3: invalid archival category 'Q'"):
        parse_jrwa_csv("symbol;haslo;kategoria\n0;X;A\n1;Y;Q\n")
    with pytest.raises(JrwaFormatError, match="columns"):
        parse_jrwa_csv("symbol;haslo;kategoria\n0;X;A;extra\n")
    with pytest.raises(JrwaFormatError, match="no classes"):
        parse_jrwa_csv("symbol;haslo;kategoria\n")
    with pytest.raises(JrwaFormatError, match="UTF-8"):
        parse_jrwa_bytes("symbol;haslo;kategoria\n0;Zarządzanie;A\n".encode("cp1250"))


def test_csv_roundtrip() -> None:
    entries = [JrwaEntry("0", 'Tytuł z ; oraz " i ,', None), JrwaEntry("00", "Ż", cat("B5"))]
    assert parse_jrwa_csv(to_jrwa_csv(entries, comments=["a", "b"])) == entries


def test_load_jrwa_file_dispatches(tmp_path: Path) -> None:
    entries = small_entries()
    (tmp_path / "w.xml").write_bytes(b"\xef\xbb\xbf" + to_wykaz_xml(entries))
    (tmp_path / "w.txt").write_text(to_jrwa_csv(entries), encoding="utf-8")
    assert load_jrwa_file(tmp_path / "w.xml") == entries
    assert load_jrwa_file(str(tmp_path / "w.txt")) == entries


# -- demo data ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_tree() -> JrwaTree:
    return JrwaTree.build(load_jrwa_file(DATA / "jrwa_demo.csv"))


def test_demo_data_builds(demo_tree: JrwaTree) -> None:
    assert len(demo_tree) >= 300
    assert [e.symbol for e in demo_tree.roots()] == ["0", "1", "2", "3"]
    assert all(e.category is not None for e in demo_tree.leaves())


def test_demo_csv_and_xml_agree(demo_tree: JrwaTree) -> None:
    from_xml = load_jrwa_file(DATA / "jrwa_demo.xml")
    assert from_xml == list(demo_tree)


@pytest.mark.parametrize(
    ("symbol", "category"),
    [("0122", "BE10"), ("0134", "BE5"), ("051", "A"), ("053", "A"), ("055", "BE5"), ("054", "B2")],
)
def test_demo_has_correspondence_leaves(demo_tree: JrwaTree, symbol: str, category: str) -> None:
    assert str(demo_tree.leaf(symbol).category) == category


def test_demo_non_leaf(demo_tree: JrwaTree) -> None:
    with pytest.raises(NotALeafClass, match="such as '0120'"):
        demo_tree.leaf("012")
