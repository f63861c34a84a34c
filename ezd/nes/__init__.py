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
from datetime import date, datetime

from lxml import etree

from ezd.nes._xml import (
    _clean,
    _common_tail,
    _date_el,
    _identifier,
    _opt,
    _party,
    _q,
    _required,
    _schema_for,
    _serialize,
    _sub,
    _tail_after_tematyka,
    _when,
    validate_metadata,
)
from ezd.nes.model import (
    ID_RPW,
    ID_SYSTEM,
    ID_ZNAK_PISMA,
    ID_ZNAK_SPRAWY,
    JEST_DEKRETACJA,
    JEST_ZALACZNIKIEM,
    MA_DEKRETACJE,
    MA_ZALACZNIK,
    NDAP_NS,
    SCHEMA,
    VALIDATOR_SCHEMA,
    Access,
    Address,
    Creator,
    Employee,
    Grouping,
    Identifier,
    Institution,
    NesCase,
    NesDocument,
    NesError,
    Party,
    Person,
    Profile,
    Recipient,
    RecipientKind,
    Relation,
    When,
)

__all__ = [
    "ID_RPW",
    "ID_SYSTEM",
    "ID_ZNAK_PISMA",
    "ID_ZNAK_SPRAWY",
    "JEST_DEKRETACJA",
    "JEST_ZALACZNIKIEM",
    "MA_DEKRETACJE",
    "MA_ZALACZNIK",
    "NDAP_NS",
    "SCHEMA",
    "VALIDATOR_SCHEMA",
    "Access",
    "Address",
    "Creator",
    "Employee",
    "Grouping",
    "Identifier",
    "Institution",
    "NesCase",
    "NesDocument",
    "NesError",
    "Party",
    "Person",
    "Profile",
    "Recipient",
    "RecipientKind",
    "Relation",
    "When",
    "case_metadata_xml",
    "document_metadata_xml",
    "validate_metadata",
]


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
    for typ, value in dates:
        if value is not None:
            _date_el(root, typ, value, f"date {typ}")

    if doc.access not in ("wszystko", "metadane", "niedostepne"):
        raise NesError(f"access (dostepnosc) must be wszystko, metadane or niedostepne, not {doc.access!r}")
    dostep = _sub(root, "dostep")
    _sub(dostep, "dostepnosc", doc.access)
    _opt(dostep, "uwagi", doc.access_note, "access note")

    fmt = _sub(root, "format")
    media = _required(doc.media_type, "media type")
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
    symbol = _required(case.jrwa_symbol, "JRWA symbol")
    if not re.fullmatch(r"\d{1,4}", symbol):
        raise NesError(f"JRWA symbol must be 1 to 4 digits, not {symbol!r}")
    gr = _sub(root, "grupowanie")
    _sub(gr, "typ", "symbol klasyfikacyjny JRWA")
    _sub(gr, "kod", symbol)
    _sub(gr, "opis", _clean(case.jrwa_title, "JRWA class title", required=True))
    sign = _required(case.case_sign, "case sign (znak sprawy)")
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
