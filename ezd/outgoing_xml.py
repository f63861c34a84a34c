"""Outgoing letters as XML in the ePUAP "pismo ogólne" 1410 structure, carrying the case sign.

Built with lxml (no text templating: names and content go in as element text, so quotes, ``<`` or
``&`` in a resident's name can never change the structure).  The layout mirrors what
:mod:`ezd.epuap` reads, so a reply parsed back yields the same sender, addressee, title and
reference::

    wnio:Dokument
      wnio:OpisDokumentu/meta:Identyfikator/meta:Wartosc        outgoing register sign, if known
      wnio:DaneDokumentu
        str:Naglowek/str:NazwaDokumentu
        meta:Data[@typDaty=utworzony]/meta:Czas
        meta:Identyfikator[@typIdentyfikatora="znak sprawy"]/meta:Wartosc   the case sign
        str:Adresaci/meta:Podmiot/(oso:Osoba | inst:Instytucja)
        str:Nadawcy/meta:Podmiot/inst:Instytucja                 the office
      wnio:TrescDokumentu
        wnio:MiejscowoscDokumentu?, wnio:Tytul, wnio:Tresc+
        str:Zalaczniki/str:Zalacznik[@format,@kodowanie=base64,@nazwaPliku]/str:DaneZalacznika

Sealing (enveloped XAdES as the root's last child) happens later, in ``outgoing.sign_draft``.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from ezd.records.errors import InvalidInput

NS_WNIO = "http://crd.gov.pl/wzor/2013/12/12/1410/"
NS_META = "http://crd.gov.pl/xml/schematy/meta/2009/11/16/"
NS_STR = "http://crd.gov.pl/xml/schematy/struktura/2009/11/16/"
NS_ADR = "http://crd.gov.pl/xml/schematy/adres/2009/11/09/"
NS_OSO = "http://crd.gov.pl/xml/schematy/osoba/2009/11/16/"
NS_INST = "http://crd.gov.pl/xml/schematy/instytucja/2009/11/16/"
NSMAP = {"wnio": NS_WNIO, "meta": NS_META, "str": NS_STR, "adr": NS_ADR, "oso": NS_OSO, "inst": NS_INST}

# Characters XML 1.0 cannot carry at all; refusing them beats producing a letter no one can open.
_FORBIDDEN = {c for c in range(0x20) if c not in (0x9, 0xA, 0xD)}


@dataclass(frozen=True)
class PostalAddress:
    postal_code: str
    town: str
    street: str | None = None
    building: str | None = None
    flat: str | None = None


@dataclass(frozen=True)
class Party:
    """A person (``first_name`` + ``last_name``) or an institution (``institution``)."""

    institution: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    address: PostalAddress | None = None
    identifiers: tuple[tuple[str, str], ...] = ()  # ("PESEL", ...), ("REGON", ...), ("NIP", ...)

    @classmethod
    def named(cls, name: str, address: PostalAddress | None = None) -> Party:
        """A free-form name: an institution when it looks like one, else split into first/last."""
        parts = name.split()
        if len(parts) == 2 and not any(w[:1].islower() for w in parts):
            return cls(first_name=parts[0], last_name=parts[1], address=address)
        return cls(institution=name, address=address)

    @property
    def display_name(self) -> str:
        return self.institution or " ".join(x for x in (self.first_name, self.last_name) if x)


@dataclass(frozen=True)
class Attachment:
    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class OutgoingLetter:
    case_sign: str
    sender: Party  # the office
    addressee: Party
    title: str
    paragraphs: Sequence[str]
    letter_date: date
    document_name: str = "Pismo"
    place: str | None = None
    outgoing_sign: str | None = None
    attachments: Sequence[Attachment] = field(default_factory=tuple)


def _clean(value: str, what: str) -> str:
    if any(ord(ch) in _FORBIDDEN for ch in value):
        raise InvalidInput(f"{what} contains control characters")
    return value


def _el(parent: etree._Element, ns: str, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ns}}}{name}", **attrs)
    if text is not None:
        el.text = _clean(text, name)
    return el


def _party(container: etree._Element, party: Party) -> None:
    podmiot = _el(container, NS_META, "Podmiot")
    if party.institution:
        holder = _el(podmiot, NS_INST, "Instytucja")
        _el(holder, NS_INST, "NazwaInstytucji", party.institution)
        for kind, value in party.identifiers:
            _el(holder, NS_INST, kind, value)
    elif party.first_name or party.last_name:
        holder = _el(podmiot, NS_OSO, "Osoba")
        if party.first_name:
            _el(holder, NS_OSO, "Imie", party.first_name)
        if party.last_name:
            _el(holder, NS_OSO, "Nazwisko", party.last_name)
        if party.identifiers:
            ids = _el(holder, NS_OSO, "IdOsoby")
            for kind, value in party.identifiers:
                _el(ids, NS_OSO, kind, value)
    else:
        raise InvalidInput("a party needs a name")
    if party.address is not None:
        a = party.address
        adres = _el(holder, NS_ADR, "Adres")
        _el(adres, NS_ADR, "KodPocztowy", a.postal_code)
        _el(adres, NS_ADR, "Miejscowosc", a.town)
        if a.street:
            _el(adres, NS_ADR, "Ulica", a.street)
        if a.building:
            _el(adres, NS_ADR, "Budynek", a.building)
        if a.flat:
            _el(adres, NS_ADR, "Lokal", a.flat)


def build_letter(letter: OutgoingLetter) -> bytes:
    """The unsigned letter XML (UTF-8, with declaration)."""
    if not letter.case_sign.strip():
        raise InvalidInput("an outgoing letter must carry the case sign")
    if not letter.title.strip():
        raise InvalidInput("an outgoing letter needs a title")
    root = etree.Element(f"{{{NS_WNIO}}}Dokument", nsmap=NSMAP)
    opis = _el(root, NS_WNIO, "OpisDokumentu")
    ident = _el(opis, NS_META, "Identyfikator", typIdentyfikatora="znak pisma")
    _el(ident, NS_META, "Wartosc", letter.outgoing_sign or "")
    dane = _el(root, NS_WNIO, "DaneDokumentu")
    _el(_el(dane, NS_STR, "Naglowek"), NS_STR, "NazwaDokumentu", letter.document_name)
    data = _el(dane, NS_META, "Data", typDaty="utworzony")
    _el(data, NS_META, "Czas", letter.letter_date.isoformat())
    sign = _el(dane, NS_META, "Identyfikator", typIdentyfikatora="znak sprawy")
    _el(sign, NS_META, "Wartosc", letter.case_sign)
    _party(_el(dane, NS_STR, "Adresaci"), letter.addressee)
    _party(_el(dane, NS_STR, "Nadawcy"), letter.sender)
    tresc = _el(root, NS_WNIO, "TrescDokumentu", format="text/xml", kodowanie="XML")
    if letter.place:
        _el(tresc, NS_WNIO, "MiejscowoscDokumentu", letter.place)
    _el(tresc, NS_WNIO, "Tytul", letter.title)
    for paragraph in letter.paragraphs:
        _el(tresc, NS_WNIO, "Tresc", paragraph)
    if letter.attachments:
        zal = _el(tresc, NS_STR, "Zalaczniki")
        for att in letter.attachments:
            z = _el(
                zal, NS_STR, "Zalacznik", format=att.media_type, kodowanie="base64", nazwaPliku=att.filename
            )
            _el(z, NS_STR, "DaneZalacznika", base64.b64encode(att.data).decode())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


REPLY_TEXT = "W odpowiedzi na pismo w sprawie {case_sign} uprzejmie informuję, że sprawa została załatwiona."


def reply_letter(office: str, case_sign: str, addressee: str, subject: str, when: date) -> bytes:
    """A standard reply (same signature as the demo's former ``letters.reply_letter``)."""
    return build_letter(
        OutgoingLetter(
            case_sign=case_sign,
            sender=Party(institution=office),
            addressee=Party.named(addressee),
            title=f"Odpowiedź: {subject}",
            paragraphs=[REPLY_TEXT.format(case_sign=case_sign)],
            letter_date=when,
            document_name="Odpowiedź",
        )
    )


__all__ = ["Attachment", "OutgoingLetter", "Party", "PostalAddress", "build_letter", "reply_letter"]
