"""The XML building blocks of NES 1.7 metadata (one element type per function)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from lxml import etree

from ezd import xsd
from ezd.nes.model import (
    NDAP_NS,
    SCHEMA,
    VALIDATOR_SCHEMA,
    Address,
    Creator,
    Identifier,
    Institution,
    NesError,
    Party,
    Person,
    Profile,
    Relation,
    When,
)
from ezd.records.jrwa import ArchivalCategory, InvalidCategory


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


def _required(value: str | None, what: str) -> str:
    """:func:`_clean` for a field NES cannot do without: the text, or :class:`NesError`."""
    text = _clean(value, what, required=True)
    if text is None:  # _clean raises first; kept so the type says what the caller gets
        raise NesError(f"{what} is required")
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
