from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from lxml import etree

from ezd import xmlsafe, xsd
from ezd.nes import (
    JEST_DEKRETACJA,
    MA_ZALACZNIK,
    Address,
    Creator,
    Employee,
    Identifier,
    Institution,
    NesCase,
    NesDocument,
    NesError,
    Person,
    Recipient,
    Relation,
    case_metadata_xml,
    document_metadata_xml,
    validate_metadata,
)
from ezd.records.jrwa import ArchivalCategory

NS = {"n": "http://www.mswia.gov.pl/standardy/ndap"}
URZAD = Institution(
    "Urząd Gminy Świdnik",
    regon="123456785",
    adres=Address("Świdnik", kod="21-040", ulica="Kolejowa", budynek="7"),
    jednostka="Referat Organizacyjny",
    pracownik=Employee("Żółkiewska", "Łucja", funkcja="referentka"),
)
MIESZKANIEC = Person(
    "Grzegorczyk",
    "Jędrzej",
    pesel="44051401359",
    adres=Address("Świdnik", kod="21-040", ulica="Ślężna", budynek="3", lokal="2"),
    email="jedrzej@example.pl",
    telefon="+48 600 000 000",
)


def minimal_doc() -> NesDocument:
    return NesDocument(
        system_id="d-1",
        title="Pismo",
        institution=Institution("Gmina"),
        received=date(2026, 1, 5),
        case_sign="OR.0122.7.2026",
        case_title="Wniosek",
    )


def full_doc() -> NesDocument:
    return NesDocument(
        system_id="d-2",
        title="Wniosek o udostępnienie informacji publicznej — źdźbło „łąki”",
        institution=URZAD,
        media_type="application/pdf",
        size_bytes=48213,
        format_spec="PDF/A-2b",
        rpw_number="RPW/12/2026",
        sender_reference="GJ/1/2026",
        other_identifiers=[Identifier("ePUAP CID", "abc-123")],
        created=date(2026, 1, 4),
        received=datetime(2026, 1, 5, 10, 0, 7, 123456),
        registered=datetime(2026, 1, 5, 10, 5),
        sender=MIESZKANIEC,
        addressees=[URZAD, Recipient(Institution("Rada Gminy Świdnik"), "do wiadomosci")],
        creators=[Creator(URZAD, "zatwierdził")],
        access="metadane",
        access_note="dane osobowe",
        case_sign="OR.0122.7.2026",
        case_title="Udostępnienie informacji o drogach gminnych",
        category=ArchivalCategory.parse("BE10"),
        qualified_on=date(2026, 1, 6),
        description="Wniosek złożony przez ePUAP",
        relations=[
            Relation(MA_ZALACZNIK, Identifier("SystemID", "d-3")),
            Relation(JEST_DEKRETACJA, Identifier("SystemID", "d-4")),
        ],
        subjects=["informacja publiczna", "drogi gminne"],
    )


def case() -> NesCase:
    return NesCase(
        case_sign="OR.0122.7.2026",
        title="Udostępnienie informacji o drogach gminnych",
        institution=URZAD,
        date_from=date(2026, 1, 5),
        date_to=datetime(2026, 1, 20, 15, 30),
        jrwa_symbol="0122",
        jrwa_title="Udostępnianie informacji publicznej",
        category="be 10",
    )


@pytest.mark.parametrize("make", [minimal_doc, full_doc])
@pytest.mark.parametrize("profile", ["root", "validator"])
def test_document_metadata_valid(make, profile) -> None:
    data = document_metadata_xml(make(), profile=profile)
    assert xsd.validate(data, "Metadane-1.7.xsd") == []
    assert validate_metadata(data, "validator") == []
    assert validate_metadata(data, profile) == []


def test_document_full_content() -> None:
    root = xmlsafe.parse(document_metadata_xml(full_doc()))
    assert root.findtext("n:tytul/n:oryginalny", namespaces=NS).endswith("źdźbło „łąki”")
    assert root.findtext("n:grupowanie/n:kod", namespaces=NS) == "OR.0122.7.2026"
    assert root.findtext("n:kwalifikacja/n:kategoria", namespaces=NS) == "BE10"
    assert root.findtext("n:tworca/n:podmiot/n:osoba/n:nazwisko", namespaces=NS) == "Grzegorczyk"
    assert root.findtext("n:tworca/n:podmiot/n:osoba/n:id", namespaces=NS) == "44051401359"
    assert [e.text for e in root.findall("n:relacja/n:typ", NS)] == [MA_ZALACZNIK, JEST_DEKRETACJA]
    assert [e.text for e in root.findall("n:identyfikator/n:typ", NS)] == [
        "SystemID",
        "numer RPW",
        "znak pisma",
        "ePUAP CID",
    ]
    assert root.find("n:format/n:wielkosc", NS).get("jednostka") == "bajt"
    assert root.findtext("n:data[n:typ='otrzymany']/n:czas", namespaces=NS) == "2026-01-05T10:00:07"
    assert root.findtext("n:tematyka/n:inne/n:klucz", namespaces=NS) == "data rejestracji"
    assert root.find("n:jezyk", NS).get("kod") == "pol"


def test_sent_date_spelling_per_profile() -> None:
    doc = replace(minimal_doc(), received=None, sent=date(2026, 2, 1))
    assert "wysłany".encode() in document_metadata_xml(doc)
    assert b"<typ>wyslany</typ>" in document_metadata_xml(doc, profile="validator")


@pytest.mark.parametrize("profile", ["root", "validator"])
def test_case_metadata_valid(profile) -> None:
    data = case_metadata_xml(case(), profile=profile)
    assert validate_metadata(data, "root") == [] and validate_metadata(data, "validator") == []
    root = etree.fromstring(data)
    assert root.findtext("n:typ/n:kategoria", namespaces=NS) == "Collection"
    assert root.findtext("n:typ/n:rodzaj", namespaces=NS) == "Sprawa"
    assert root.findtext("n:identyfikator/n:wartosc", namespaces=NS) == "OR.0122.7.2026"
    assert root.findtext("n:data/n:od", namespaces=NS) == "2026-01-05"
    assert root.findtext("n:kwalifikacja/n:kategoria", namespaces=NS) == "BE10"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "  "}, "title must not be empty"),
        ({"received": None}, "at least one date"),
        ({"case_sign": None}, "grupowanie"),
        ({"case_title": None}, "case title"),
        ({"media_type": "pdf"}, "type/subtype"),
        ({"size_bytes": -1}, "non-negative"),
        ({"category": "Z9", "qualified_on": date(2026, 1, 6)}, "invalid archival category 'Z9'"),
        ({"category": "A"}, "qualification date"),
        ({"access": "public"}, "wszystko, metadane or niedostepne"),
        ({"language": "polski"}, "ISO 639-2"),
        ({"title": "a\x00b"}, "control characters"),
        ({"sender": Person("")}, "surname"),
        ({"sender": Person("X", pesel="123")}, "PESEL"),
        ({"sender": Person("X", adres=Address("Y", kraj="Polska"))}, "ISO 3166"),
        ({"addressees": [Recipient(URZAD, "cc")]}, "glowny"),  # type: ignore[arg-type]
        ({"institution": Institution("G", pracownik=Employee("K"))}, "unit"),
    ],
)
def test_document_invalid_input(change, message) -> None:
    doc = replace(minimal_doc(), **change)
    if "institution" in change:
        doc = replace(doc, category="A", qualified_on=date(2026, 1, 1))
    with pytest.raises(NesError, match=message):
        document_metadata_xml(doc)


def test_case_invalid_input() -> None:
    with pytest.raises(NesError, match="before its start"):
        case_metadata_xml(replace(case(), date_to=date(2025, 12, 31)))
    with pytest.raises(NesError, match="1 to 4 digits"):
        case_metadata_xml(replace(case(), jrwa_symbol="01222"))
    with pytest.raises(NesError, match="unknown NES profile"):
        case_metadata_xml(case(), profile="x")  # type: ignore[arg-type]


def test_real_samples_against_vendored_schemas() -> None:
    # sanity check of the vendored schemas with a real eKancelaria sample (valid in both)
    from pathlib import Path

    sample = Path(
        "/work/shared/reference/ndap/elektronizacja-prawa/nes/v2.0/sample/"
        "paczka_archiwalna_48.tar.extracted/metadane/Dok_58164_5870.docx.xml"
    )
    if not sample.exists():
        pytest.skip("shared reference samples not available")
    data = sample.read_bytes()
    assert validate_metadata(data, "root") == [] and validate_metadata(data, "validator") == []
