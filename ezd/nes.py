"""NDAP / NES 1.7 metadata export for documents and cases (``dokument`` in ns ndap).

Output is valid against the vendored root ``Metadane-1.7.xsd`` (abcpro-pl/elektronizacja-prawa,
``nes/v2.0/Metadane-1.7.xsd``) and, with ``profile="validator"``, also against the official validator
set's ``Metadane-1.7-validator.xsd`` (``nes/v2.0/pi/Validator/Metadane-1.7.xsd``).  The two differ in a
few spellings (``wysłany``/``wyslany``); everything else we emit is valid against both.

Mapping decisions (see the schema; the 1.7 ``dokument`` has no ``nadawca`` element):

* the sender of an incoming letter is a ``tworca`` with ``funkcja`` ``utworzył``;
* dates: created → ``stworzony``, received → ``otrzymany``, sent → ``wysłany``; the registration date
  has no NDAP date type and is exported as ``tematyka/inne`` (klucz ``data rejestracji``);
* the case sign is ``grupowanie`` (typ ``znak sprawy``); the root 1.7 schema requires at least one
  ``grupowanie``, so a document needs a case sign or an explicit grouping;
* ``kwalifikacja`` needs the qualifying party (``podmiot``) in the root schema; the owning institution
  is used when none is given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from lxml import etree

from ezd import xsd
from ezd.records.errors import EzdError
from ezd.records.jrwa import ArchivalCategory, InvalidCategory

NDAP_NS = "http://www.mswia.gov.pl/standardy/ndap"
SCHEMA = "Metadane-1.7.xsd"
VALIDATOR_SCHEMA = "Metadane-1.7-validator.xsd"

Profile = Literal["root", "validator"]
Access = Literal["wszystko", "metadane", "niedostepne"]
RecipientKind = Literal["glowny", "do wiadomosci"]

# relation types used by ezd (the schemas accept any non-empty string here)
MA_ZALACZNIK = "maZalacznik"
JEST_ZALACZNIKIEM = "jestZalacznikiem"
MA_DEKRETACJE = "maDekretacje"
JEST_DEKRETACJA = "jestDekretacją"

ID_SYSTEM = "SystemID"
ID_RPW = "numer RPW"
ID_ZNAK_PISMA = "znak pisma"
ID_ZNAK_SPRAWY = "znak sprawy"

__all__ = [
    "JEST_DEKRETACJA",
    "JEST_ZALACZNIKIEM",
    "MA_DEKRETACJE",
    "MA_ZALACZNIK",
    "Address",
    "Creator",
    "Employee",
    "Grouping",
    "Identifier",
    "Institution",
    "NesCase",
    "NesDocument",
    "NesError",
    "Person",
    "Recipient",
    "Relation",
    "case_metadata_xml",
    "document_metadata_xml",
    "validate_metadata",
]


class NesError(EzdError, ValueError):
    """Metadata that cannot be exported; the message is one clear line."""


@dataclass(frozen=True)
class Address:
    miejscowosc: str
    kod: str | None = None
    poczta: str | None = None
    ulica: str | None = None
    budynek: str | None = None
    lokal: str | None = None
    kraj: str = "PL"  # ISO 3166 alpha-2


@dataclass(frozen=True)
class Person:
    """A natural person (osoba), e.g. a resident writing to the office."""

    nazwisko: str
    imie: str | None = None
    pesel: str | None = None
    adres: Address | None = None
    email: str | None = None
    telefon: str | None = None


@dataclass(frozen=True)
class Employee:
    nazwisko: str
    imie: str | None = None
    funkcja: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Institution:
    """An institution (instytucja), optionally narrowed to a unit (jednostka) and an employee."""

    nazwa: str
    regon: str | None = None
    nip: str | None = None
    krs: str | None = None
    adres: Address | None = None
    email: str | None = None
    jednostka: str | None = None
    pracownik: Employee | None = None


Party = Person | Institution


@dataclass(frozen=True)
class Identifier:
    typ: str
    wartosc: str


@dataclass(frozen=True)
class Relation:
    typ: str  # e.g. MA_ZALACZNIK, JEST_ZALACZNIKIEM, JEST_DEKRETACJA
    target: Identifier


@dataclass(frozen=True)
class Creator:
    party: Party
    funkcja: str = "utworzył"  # utworzył, podpisał, zatwierdził, modyfikował, opublikował


@dataclass(frozen=True)
class Recipient:
    party: Party
    rodzaj: RecipientKind = "glowny"


@dataclass(frozen=True)
class Grouping:
    typ: str
    kod: str
    opis: str


When = date | datetime


@dataclass(frozen=True)
class NesDocument:
    """What ezd knows about one document (pismo, załącznik, dekretacja ...)."""

    system_id: str
    title: str
    institution: Institution  # the office holding the document (default qualifying party / creator)
    media_type: str = "application/pdf"
    size_bytes: int | None = None
    format_spec: str | None = None  # e.g. "PDF/A-2b"
    rpw_number: str | None = None
    sender_reference: str | None = None  # znak pisma nadawcy
    other_identifiers: Sequence[Identifier] = ()
    created: When | None = None
    received: When | None = None
    registered: When | None = None
    sent: When | None = None
    sender: Party | None = None
    addressees: Sequence[Recipient | Party] = ()
    creators: Sequence[Creator] = ()
    access: Access = "wszystko"
    access_note: str | None = None
    case_sign: str | None = None
    case_title: str | None = None
    groupings: Sequence[Grouping] = ()
    category: ArchivalCategory | str | None = None
    qualified_on: When | None = None
    qualified_by: Party | None = None
    language: str = "pol"
    kategoria: str = "Text"  # DCMI type
    rodzaj: str | None = "pismo"
    description: str | None = None
    relations: Sequence[Relation] = ()
    subjects: Sequence[str] = field(default=())


@dataclass(frozen=True)
class NesCase:
    """A case (sprawa) as an NDAP ``dokument`` of type Collection/Sprawa."""

    case_sign: str
    title: str
    institution: Institution
    date_from: When
    date_to: When
    jrwa_symbol: str
    jrwa_title: str
    category: ArchivalCategory | str
    qualified_on: When | None = None
    qualified_by: Party | None = None
    system_id: str | None = None
    creators: Sequence[Creator] = ()
    access: Access = "wszystko"
    description: str | None = None
    language: str = "pol"
    relations: Sequence[Relation] = ()


# -- XML building ----------------------------------------------------------------------------


def _q(name: str) -> str:
    return f"{{{NDAP_NS}}}{name}"


def _clean(value: str | None, what: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise NesError(f"{what} is required")
        return None
    if not isinstance(value, str):
        raise NesError(f"{what} must be text, not {type(value).__name__}")
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", value):
        raise NesError(f"{what} contains control characters that XML cannot carry")
    text = value.strip()
    if not text:
        if required:
            raise NesError(f"{what} must not be empty")
        return None
    return text


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _q(name), attrs)
    if text is not None:
        el.text = text
    return el


def _opt(parent: etree._Element, name: str, value: str | None, what: str) -> None:
    text = _clean(value, what)
    if text is not None:
        _sub(parent, name, text)


def _when(value: When, what: str) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.isoformat(timespec="seconds")
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise NesError(f"{what} must be a date or datetime, not {type(value).__name__}")


def _address(parent: etree._Element, adr: Address) -> None:
    el = _sub(parent, "adres")
    _opt(el, "kod", adr.kod, "address postal code")
    _opt(el, "poczta", adr.poczta, "address post office")
    _sub(el, "miejscowosc", _clean(adr.miejscowosc, "address locality (miejscowosc)", required=True))
    _opt(el, "ulica", adr.ulica, "address street")
    _opt(el, "budynek", adr.budynek, "address building number")
    _opt(el, "lokal", adr.lokal, "address flat number")
    kraj = (adr.kraj or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", kraj):
        raise NesError(f"address country must be an ISO 3166 two-letter code such as 'PL', not {adr.kraj!r}")
    _sub(el, "kraj", kraj)


def _contact(parent: etree._Element, email: str | None, telefon: str | None = None) -> None:
    if (e := _clean(email, "e-mail")) is not None:
        _sub(parent, "kontakt", e, typ="email")
    if (t := _clean(telefon, "phone")) is not None:
        _sub(parent, "kontakt", t, typ="telefon")


def _party(parent: etree._Element, party: Party, what: str) -> None:
    podmiot = _sub(parent, "podmiot")
    if isinstance(party, Person):
        osoba = _sub(podmiot, "osoba")
        if (pesel := _clean(party.pesel, f"{what} PESEL")) is not None:
            if not re.fullmatch(r"\d{11}", pesel):
                raise NesError(f"{what} PESEL must be 11 digits")
            _sub(osoba, "id", pesel, typ="PESEL")
        _sub(osoba, "nazwisko", _clean(party.nazwisko, f"{what} surname (nazwisko)", required=True))
        _opt(osoba, "imie", party.imie, f"{what} first name")
        if party.adres is not None:
            _address(osoba, party.adres)
        _contact(osoba, party.email, party.telefon)
    elif isinstance(party, Institution):
        inst = _sub(podmiot, "instytucja")
        for typ, value in (("REGON", party.regon), ("NIP", party.nip), ("KRS", party.krs)):
            if (v := _clean(value, f"{what} {typ}")) is not None:
                _sub(inst, "id", v, typ=typ)
        _sub(inst, "nazwa", _clean(party.nazwa, f"{what} institution name (nazwa)", required=True))
        if party.adres is not None:
            _address(inst, party.adres)
        _contact(inst, party.email)
        unit = _clean(party.jednostka, f"{what} unit (jednostka)")
        if party.pracownik is not None and unit is None:
            raise NesError(f"{what}: an employee (pracownik) needs a unit (jednostka)")
        if unit is not None:
            jed = _sub(inst, "jednostka")
            _sub(jed, "nazwa", unit)
            if (emp := party.pracownik) is not None:
                prac = _sub(jed, "pracownik")
                _sub(prac, "nazwisko", _clean(emp.nazwisko, f"{what} employee surname", required=True))
                _opt(prac, "imie", emp.imie, f"{what} employee first name")
                _contact(prac, emp.email)
                _opt(prac, "funkcja", emp.funkcja, f"{what} employee function")
    else:
        raise NesError(f"{what} must be a Person or an Institution, not {type(party).__name__}")


def _identifier(parent: etree._Element, ident: Identifier, what: str) -> None:
    el = _sub(parent, "identyfikator")
    _sub(el, "typ", _clean(ident.typ, f"{what} type", required=True))
    _sub(el, "wartosc", _clean(ident.wartosc, f"{what} value", required=True))


def _category(value: ArchivalCategory | str, what: str) -> str:
    if isinstance(value, ArchivalCategory):
        return str(value)
    try:
        return str(ArchivalCategory.parse(value))
    except InvalidCategory as exc:
        raise NesError(f"{what}: {exc}") from None


def _date_el(root: etree._Element, typ: str, value: When, what: str) -> None:
    el = _sub(root, "data")
    _sub(el, "typ", typ)
    _sub(el, "czas", _when(value, what))


def _common_tail(
    root: etree._Element,
    *,
    language: str,
    description: str | None,
    category: ArchivalCategory | str | None,
    qualified_on: When | None,
    qualified_by: Party | None,
    institution: Institution,
    relations: Sequence[Relation],
) -> None:
    lang = (language or "").strip().lower()
    if not re.fullmatch(r"[a-z]{3}", lang):
        raise NesError(f"language must be an ISO 639-2 three-letter code such as 'pol', not {language!r}")
    _sub(root, "jezyk", kod=lang)
    _opt(root, "opis", description, "description (opis)")
    if category is not None:
        if qualified_on is None:
            raise NesError("archival category given without the qualification date (qualified_on)")
        kw = _sub(root, "kwalifikacja")
        _sub(kw, "kategoria", _category(category, "archival category"))
        _sub(kw, "data", _when(qualified_on, "qualification date"))
        _party(kw, qualified_by or institution, "qualifying party")
    for i, rel in enumerate(relations):
        el = _sub(root, "relacja")
        _identifier(el, rel.target, f"relation {i + 1} target identifier")
        _sub(el, "typ", _clean(rel.typ, f"relation {i + 1} type", required=True))


def _tail_after_tematyka(
    root: etree._Element, creators: Sequence[Creator], kategoria: str, rodzaj: str | None, title: str
) -> None:
    for i, c in enumerate(creators):
        el = _sub(root, "tworca")
        _sub(el, "funkcja", _clean(c.funkcja, f"creator {i + 1} function", required=True))
        _party(el, c.party, f"creator {i + 1}")
    typ = _sub(root, "typ")
    _sub(typ, "kategoria", _clean(kategoria, "DCMI type (kategoria)", required=True))
    _opt(typ, "rodzaj", rodzaj, "document kind (rodzaj)")
    tytul = _sub(root, "tytul")
    _sub(tytul, "oryginalny", _clean(title, "title", required=True), jezyk="pol")


def _serialize(root: etree._Element, profile: Profile) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    errors = validate_metadata(data, profile)
    if errors:  # a bug in this module or input the schema forbids: never hand out invalid metadata
        raise NesError(f"generated metadata do not match {_schema_for(profile)}: {errors[0]}")
    return data


def _schema_for(profile: Profile) -> str:
    if profile == "root":
        return SCHEMA
    if profile == "validator":
        return VALIDATOR_SCHEMA
    raise NesError(f"unknown NES profile {profile!r}; expected 'root' or 'validator'")


def validate_metadata(data: bytes | etree._Element, profile: Profile = "root") -> list[str]:
    """Schema errors of NDAP metadata (empty list = valid)."""
    return xsd.validate(data, _schema_for(profile))


def document_metadata_xml(doc: NesDocument, *, profile: Profile = "root") -> bytes:
    """NDAP ``dokument`` metadata (UTF-8 XML bytes) for one document; raises :class:`NesError`."""
    _schema_for(profile)
    root = etree.Element(_q("dokument"), nsmap={None: NDAP_NS})
    for i, a in enumerate(doc.addressees):
        rec = a if isinstance(a, Recipient) else Recipient(a)
        if rec.rodzaj not in ("glowny", "do wiadomosci"):
            raise NesError(f"addressee {i + 1}: kind must be 'glowny' or 'do wiadomosci', not {rec.rodzaj!r}")
        el = _sub(root, "odbiorca")
        _party(el, rec.party, f"addressee {i + 1}")
        _sub(el, "rodzaj", rec.rodzaj)

    sent_word = "wysłany" if profile == "root" else "wyslany"
    dates = [("stworzony", doc.created), ("otrzymany", doc.received), (sent_word, doc.sent)]
    present = [(t, v) for t, v in dates if v is not None]
    if not present:
        raise NesError("a document needs at least one date: created, received or sent")
    for typ, value in present:
        assert value is not None
        _date_el(root, typ, value, f"date {typ}")

    if doc.access not in ("wszystko", "metadane", "niedostepne"):
        raise NesError(f"access (dostepnosc) must be wszystko, metadane or niedostepne, not {doc.access!r}")
    dostep = _sub(root, "dostep")
    _sub(dostep, "dostepnosc", doc.access)
    _opt(dostep, "uwagi", doc.access_note, "access note")

    fmt = _sub(root, "format")
    media = _clean(doc.media_type, "media type", required=True)
    assert media is not None
    if not re.fullmatch(r"[\w.+-]+/[\w.+-]+(\s*;.*)?", media):
        raise NesError(f"media type {media!r} is not of the form type/subtype")
    _sub(fmt, "typ", media)
    _opt(fmt, "specyfikacja", doc.format_spec, "format specification")
    if doc.size_bytes is not None:
        if isinstance(doc.size_bytes, bool) or not isinstance(doc.size_bytes, int) or doc.size_bytes < 0:
            raise NesError(f"size must be a non-negative number of bytes, not {doc.size_bytes!r}")
        _sub(fmt, "wielkosc", str(doc.size_bytes), jednostka="bajt")

    groupings = list(doc.groupings)
    if (sign := _clean(doc.case_sign, "case sign (znak sprawy)")) is not None:
        opis = _clean(doc.case_title, "case title")
        if opis is None:
            raise NesError("a case sign (znak sprawy) needs the case title for grupowanie/opis")
        groupings.insert(0, Grouping(ID_ZNAK_SPRAWY, sign, opis))
    if not groupings:
        raise NesError(
            "NDAP metadata need a grouping (grupowanie): give the case sign (znak sprawy) and case title"
        )
    for i, g in enumerate(groupings):
        el = _sub(root, "grupowanie")
        _sub(el, "typ", _clean(g.typ, f"grouping {i + 1} type", required=True))
        _sub(el, "kod", _clean(g.kod, f"grouping {i + 1} code", required=True))
        _sub(el, "opis", _clean(g.opis, f"grouping {i + 1} description", required=True))

    idents = [Identifier(ID_SYSTEM, doc.system_id)]
    if doc.rpw_number is not None:
        idents.append(Identifier(ID_RPW, doc.rpw_number))
    if doc.sender_reference is not None:
        idents.append(Identifier(ID_ZNAK_PISMA, doc.sender_reference))
    idents.extend(doc.other_identifiers)
    for i, ident in enumerate(idents):
        _identifier(root, ident, f"identifier {i + 1} ({ident.typ})")

    _common_tail(
        root,
        language=doc.language,
        description=doc.description,
        category=doc.category,
        qualified_on=doc.qualified_on,
        qualified_by=doc.qualified_by,
        institution=doc.institution,
        relations=doc.relations,
    )
    subjects = [s for s in (_clean(x, "subject") for x in doc.subjects) if s]
    if subjects or doc.registered is not None:
        tem = _sub(root, "tematyka")
        for s in subjects:
            _sub(tem, "przedmiot", s)
        if doc.registered is not None:
            inne = _sub(tem, "inne")
            _sub(inne, "klucz", "data rejestracji")
            _sub(inne, "wartosc", _when(doc.registered, "registration date"))

    creators = list(doc.creators)
    if doc.sender is not None:
        creators.insert(0, Creator(doc.sender, "utworzył"))
    if not creators:
        creators = [Creator(doc.institution, "utworzył")]
    _tail_after_tematyka(root, creators, doc.kategoria, doc.rodzaj, doc.title)
    return _serialize(root, profile)


def case_metadata_xml(case: NesCase, *, profile: Profile = "root") -> bytes:
    """NDAP ``dokument`` metadata (Collection / Sprawa) for a case; raises :class:`NesError`."""
    _schema_for(profile)
    root = etree.Element(_q("dokument"), nsmap={None: NDAP_NS})
    start, end = _when(case.date_from, "case start date"), _when(case.date_to, "case end date")
    if _as_date(case.date_to) < _as_date(case.date_from):
        raise NesError(f"case end date {end} is before its start date {start}")
    data = _sub(root, "data")
    _sub(data, "typ", "daty skrajne")
    _sub(data, "od", start)
    _sub(data, "do", end)
    if case.access not in ("wszystko", "metadane", "niedostepne"):
        raise NesError(f"access (dostepnosc) must be wszystko, metadane or niedostepne, not {case.access!r}")
    _sub(_sub(root, "dostep"), "dostepnosc", case.access)
    _sub(_sub(root, "format"), "typ", "text/xml")
    symbol = _clean(case.jrwa_symbol, "JRWA symbol", required=True)
    assert symbol is not None
    if not re.fullmatch(r"\d{1,4}", symbol):
        raise NesError(f"JRWA symbol must be 1 to 4 digits, not {symbol!r}")
    gr = _sub(root, "grupowanie")
    _sub(gr, "typ", "symbol klasyfikacyjny JRWA")
    _sub(gr, "kod", symbol)
    _sub(gr, "opis", _clean(case.jrwa_title, "JRWA class title", required=True))
    sign = _clean(case.case_sign, "case sign (znak sprawy)", required=True)
    assert sign is not None
    _identifier(root, Identifier(ID_ZNAK_SPRAWY, sign), "case sign")
    if case.system_id is not None:
        _identifier(root, Identifier(ID_SYSTEM, case.system_id), "case system id")
    _common_tail(
        root,
        language=case.language,
        description=case.description,
        category=case.category,
        qualified_on=case.qualified_on or case.date_to,
        qualified_by=case.qualified_by,
        institution=case.institution,
        relations=case.relations,
    )
    creators = list(case.creators) or [Creator(case.institution, "utworzył")]
    _tail_after_tematyka(root, creators, "Collection", "Sprawa", case.title)
    return _serialize(root, profile)


def _as_date(value: When) -> date:
    return value.date() if isinstance(value, datetime) else value
