"""ePUAP letters: 1410 (demo generator) and the real 4566 sample; descriptor schema; hostile input."""

from __future__ import annotations

import base64
import random
from datetime import date

import pytest
from lxml import etree

from ezd import epuap, xmlsafe
from ezd.demo import letters
from ezd.records.errors import InvalidInput
from tests.conftest import REFERENCE

SAMPLE = REFERENCE / "epuap" / "PomocnikEpuap" / "sample_package_1.zip.extracted"


def _sample(name: str) -> bytes:
    path = SAMPLE / name
    if not path.is_file():
        pytest.skip(f"reference sample missing: {path}")
    return path.read_bytes()


def _letter_1410(n: int = 3) -> etree._Element:
    xml, _ = letters.incoming_letter(random.Random(n), "Urząd Gminy Mełgiew", n, date(2025, 3, 14))
    return xmlsafe.parse(xml)


def test_1410_maps_to_rpw_metadata() -> None:
    root = _letter_1410()
    assert epuap.validate_letter(root) == []
    letter = epuap.parse_letter(root)
    assert letter.form == letters.NS_WNIO
    assert letter.addressee == "Urząd Gminy Mełgiew"
    assert letter.addressees[0].kind == "instytucja"
    assert letter.senders[0].kind == "osoba" and letter.senders[0].name == letter.sender
    assert letter.letter_date == date(2025, 3, 14)
    assert letter.sender_reference and letter.sender_reference.endswith("/3/2025")
    assert letter.document_name == "Pismo ogólne do podmiotu publicznego"
    assert "Uprzejmie proszę" in letter.body
    assert [a.filename for a in letter.attachments] == ["uzasadnienie-3.txt"]
    assert letter.attachments[0].data.startswith(b"Uzasadnienie nr 3")


def test_4566_sample_maps() -> None:
    root = xmlsafe.parse(_sample("Pismo ogolne (ePUAP).xml"))
    assert epuap.validate_letter(root) == []
    letter = epuap.parse_letter(root)
    assert letter.form == "http://crd.gov.pl/wzor/2017/10/24/4566/"
    assert letter.sender == "Nazwa Instytucji Nadawcy 1"
    assert letter.sender_address == "Kod Pocztowy, Miejscowość, Ulica, Budynek"
    assert letter.addressee == "-Nazwa Instytucji Adresata 1"
    assert letter.title == "Tytuł Dokumentu 1"
    assert letter.letter_date == date(2019, 5, 23)
    assert letter.letter_kind == "wniosek"
    assert "Znak: 1/2/3/4/5/2021" in letter.body
    # URI attachments are listed, never fetched
    assert letter.attachments == ()
    assert len(letter.linked_attachments) == 3
    assert all(a.uri.startswith("https://epuap.gov.pl/") for a in letter.linked_attachments)


def test_identifiers_of_persons_and_institutions() -> None:
    root = _letter_1410()
    nadawcy = next(el for el in root.iter() if epuap._local(el) == "Nadawcy")
    osoba = next(el for el in nadawcy.iter() if epuap._local(el) == "Osoba")
    ns = letters.NS_OSO
    ids = etree.SubElement(osoba, f"{{{ns}}}IdOsoby")
    etree.SubElement(ids, f"{{{ns}}}PESEL").text = "44051401359"
    inst_podmiot = etree.SubElement(nadawcy, f"{{{letters.NS_META}}}Podmiot")
    inst = etree.SubElement(inst_podmiot, f"{{{letters.NS_INST}}}Instytucja")
    etree.SubElement(inst, f"{{{letters.NS_INST}}}NazwaInstytucji").text = "Stowarzyszenie Sąsiedzi"
    etree.SubElement(inst, f"{{{letters.NS_INST}}}REGON").text = "123456785"
    letter = epuap.parse_letter(root)
    assert letter.sender_id == "PESEL:44051401359"
    assert [p.kind for p in letter.senders] == ["osoba", "instytucja"]
    assert letter.sender_ids == ("PESEL:44051401359", "REGON:123456785")


def test_structure_problems_reported() -> None:
    root = _letter_1410()
    for el in list(root.iter()):
        if epuap._local(el) == "Adresaci":
            el.getparent().remove(el)
    problems = epuap.validate_letter(root)
    assert any("Adresaci" in p for p in problems)


def test_signature_must_be_last_child() -> None:
    root = _letter_1410()
    sig = etree.Element(f"{{{epuap.DS}}}Signature")
    root.insert(0, sig)
    assert any("last child" in p for p in epuap.validate_letter(root))


def test_bad_base64_and_oversize_attachment_rejected() -> None:
    root = _letter_1410()
    payload = next(el for el in root.iter() if epuap._local(el) == "DaneZalacznika")
    payload.text = "!!!not base64!!!"
    with pytest.raises(InvalidInput, match="base64"):
        epuap.parse_letter(root)
    payload.text = base64.b64encode(b"x" * 5000).decode()
    with pytest.raises(InvalidInput, match="larger than the limit"):
        epuap.parse_letter(root, max_attachment_bytes=1000)


def test_descriptor_valid_against_schema() -> None:
    deliveries = epuap.read_descriptor(_sample("Deskryptor.xml"))
    assert len(deliveries) == 1
    d = deliveries[0]
    assert d.box_address == "Adres Skrytki 1" and d.reply_address == "Adres Odpowiedzi 1"
    assert d.nip == "Nip 1" and d.pesel is None


def test_descriptor_schema_violation() -> None:
    bad = _sample("Deskryptor.xml").replace(b"<Zgoda>true</Zgoda>", b"<Zgoda>maybe</Zgoda>")
    with pytest.raises(InvalidInput, match=r"EmergencyDownload\.xsd"):
        epuap.read_descriptor(bad)


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
        b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd"><d/>',
    ],
)
def test_descriptor_hostile(payload: bytes) -> None:
    with pytest.raises(InvalidInput):
        epuap.read_descriptor(payload)


def test_not_a_form() -> None:
    with pytest.raises(InvalidInput):
        epuap.parse_letter(xmlsafe.parse(b"<Dokument xmlns='urn:x'/>"))
    assert epuap.validate_letter(xmlsafe.parse(b"<a/>"))


def test_a_sender_with_empty_names_is_identified_by_nip_and_address() -> None:
    """A DT-1-like form: the sender institution has no name, only a NIP and the address."""
    raw = _sample("Pismo ogolne (ePUAP).xml").decode()
    raw = raw.replace(
        "<NazwaInstytucji>Nazwa Instytucji Nadawcy 1</NazwaInstytucji>",
        "<NazwaInstytucji></NazwaInstytucji><NIP>5260250274</NIP>",
    )
    letter = epuap.parse_letter(xmlsafe.parse(raw.encode()))
    assert letter.sender == "NIP 5260250274, Kod Pocztowy, Miejscowość, Ulica, Budynek"
    assert letter.sender_id == "NIP:5260250274"
    assert letter.senders and letter.senders[0].identifiers == (("NIP", "5260250274"),)
    # with neither a name nor an identifier the letter still names no sender
    nameless = _sample("Pismo ogolne (ePUAP).xml").replace(
        b"<NazwaInstytucji>Nazwa Instytucji Nadawcy 1</NazwaInstytucji>", b"<NazwaInstytucji/>"
    )
    with pytest.raises(InvalidInput, match="names no sender"):
        epuap.parse_letter(xmlsafe.parse(nameless))


def test_an_identifier_in_the_meta_schema_form_names_the_sender_too() -> None:
    raw = (
        _sample("Pismo ogolne (ePUAP).xml")
        .decode()
        .replace(
            "<NazwaInstytucji>Nazwa Instytucji Nadawcy 1</NazwaInstytucji>",
            '<NazwaInstytucji/><Identyfikator typIdentyfikatora="REGON">431019514</Identyfikator>',
        )
    )
    letter = epuap.parse_letter(xmlsafe.parse(raw.encode()))
    assert letter.sender.startswith("REGON 431019514, ") and letter.sender_id == "REGON:431019514"
