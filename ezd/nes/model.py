"""NES 1.7 metadata: what ezd knows about a document or a case, before it becomes XML."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from ezd.records.errors import EzdError
from ezd.records.jrwa import ArchivalCategory

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
