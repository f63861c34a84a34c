"""The XML files of a paczka archiwalna: case and document metadata, the transfer request, and
the integrity facts (size, SHA-256) that a metadata file states about its document.

Every metadata file states the size (``format/wielkosc``) and the SHA-256 (``identyfikator``
typ ``SHA-256``) of exactly the file it describes; :func:`integrity_problems` compares them with
the file, on export (a package whose metadata lie is never written) and on import (one that
lies is refused).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from ezd import nes, xmlsafe, xsd
from ezd.db.tables import IncomingItem, Tenant
from ezd.db.tables_archive import ArchiveEntry
from ezd.records.errors import EzdError
from ezd.records.plural import DOKUMENT, SPRAWA, count

PACKAGE_SCHEMAS = ("Metadane-1.7.xsd", "schemat_paczka_archiwalna.xsd")
REQUEST_SCHEMA = "wniosek.xsd"
SHA256_TYPES = ("sha-256", "sha256")


class PackageError(EzdError, ValueError):
    """The package cannot be produced (a metadata file would not validate or would lie)."""


def safe_name(value: str, limit: int = 120) -> str:
    """A portable file name: ASCII letters, digits, ``._-``; Polish letters folded."""
    folded = unicodedata.normalize("NFKD", value.replace("ł", "l").replace("Ł", "L"))
    ascii_only = folded.encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_only).strip("._") or "plik"
    return name[:limit]


def package_errors(data: bytes) -> list[str]:
    """Schema errors of one package metadata file against every schema it must satisfy."""
    return [f"{s}: {e}" for s in PACKAGE_SCHEMAS for e in xsd.validate(data, s)]


def checked(data: bytes, what: str) -> bytes:
    errors = package_errors(data)
    if errors:
        raise PackageError(f"{what}: {errors[0]}")
    return data


def institution(tenant: Tenant) -> nes.Institution:
    return nes.Institution(nazwa=tenant.name, regon=tenant.regon)


def _day(value: date | datetime | None, fallback: date) -> date:
    if value is None:
        return fallback
    return value.date() if isinstance(value, datetime) else value


# -- integrity facts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """What a metadata file says about its document file."""

    size: int | None
    sha256: str | None


def declared(root: etree._Element) -> Declared:
    ns = {"n": nes.NDAP_NS}
    raw_size = (root.findtext("n:format/n:wielkosc", namespaces=ns) or "").strip()
    size = int(raw_size) if raw_size.isdigit() else None
    digest = None
    for ident in root.findall("n:identyfikator", ns):
        if (ident.findtext("n:typ", namespaces=ns) or "").strip().casefold() in SHA256_TYPES:
            digest = (ident.findtext("n:wartosc", namespaces=ns) or "").strip().lower()
            break
    return Declared(size, digest)


def integrity_problems(facts: Declared, size: int, sha256: str) -> list[str]:
    """Where the metadata's size or SHA-256 differ from the file's (Polish, for the report)."""
    problems = []
    if facts.size is not None and facts.size != size:
        problems.append(f"metadane podają rozmiar {facts.size} B, a plik ma {size} B")
    if facts.sha256 is not None and facts.sha256 != sha256:
        problems.append("skrót SHA-256 w metadanych nie zgadza się z plikiem")
    return problems


def check_pair(
    meta: bytes, payload_size: int, payload_sha256: str, what: str, *, require_digest: bool = True
) -> None:
    """Export's self-check: the metadata written beside a file state that file's facts."""
    facts = declared(xmlsafe.parse(meta))
    problems = integrity_problems(facts, payload_size, payload_sha256)
    if facts.sha256 is None and require_digest:
        problems.append("metadane nie podają skrótu SHA-256 pliku")
    if problems:
        raise PackageError(f"{what}: {problems[0]}")


# -- metadata --------------------------------------------------------------------------------


def case_xml(entry: ArchiveEntry, tenant: Tenant) -> bytes:
    opened = entry.opened_on or entry.closed_on
    return nes.case_metadata_xml(
        nes.NesCase(
            case_sign=entry.case_sign,
            title=entry.title,
            institution=institution(tenant),
            date_from=opened,
            date_to=entry.closed_on,
            jrwa_symbol=entry.jrwa_symbol,
            jrwa_title=entry.jrwa_title or f"klasa {entry.jrwa_symbol}",
            category=entry.category,
            qualified_on=opened,  # a date: schemat_paczka_archiwalna types it xsd:date
            system_id=f"archiwum:{entry.id}",
        )
    )


@dataclass(frozen=True)
class FileFacts:
    """One document file of the package, as its metadata describe it."""

    system_id: str
    title: str
    media_type: str
    size: int
    sha256: str
    created: date | datetime
    rodzaj: str
    description: str | None = None
    item: IncomingItem | None = None
    relations: Sequence[nes.Relation] = field(default=())


def document_xml(entry: ArchiveEntry, tenant: Tenant, f: FileFacts) -> bytes:
    opened = entry.opened_on or entry.closed_on
    item = f.item
    return nes.document_metadata_xml(
        nes.NesDocument(
            system_id=f.system_id,
            title=f.title,
            institution=institution(tenant),
            media_type=f.media_type,
            size_bytes=f.size,
            rpw_number=item.sign if item else None,
            sender_reference=item.sender_reference if item else None,
            other_identifiers=[nes.Identifier("SHA-256", f.sha256)],
            created=f.created,
            received=item.received_date if item else None,
            sender=nes.Institution(nazwa=item.sender) if item else None,
            case_sign=entry.case_sign,
            case_title=entry.title,
            category=entry.category,
            qualified_on=_day(opened, entry.closed_on),
            rodzaj=f.rodzaj,
            description=f.description,
            relations=f.relations,
        )
    )


def request_xml(
    entries: Sequence[ArchiveEntry], *, request_sign: str, documents: int, prepared_at: datetime
) -> bytes:
    """Wniosek o przejęcie materiałów archiwalnych (``wniosek.xsd``, no namespace)."""
    now = prepared_at.replace(microsecond=0)
    root = etree.Element("wniosek")
    etree.SubElement(root, "znak_sprawy_wysylajacego").text = request_sign
    etree.SubElement(root, "typ").text = "ORGANIZED"
    etree.SubElement(root, "data_przygotowania").text = now.isoformat()
    spis = etree.SubElement(root, "szczegoly_spisu_zo")
    etree.SubElement(
        spis, "opis"
    ).text = f"Materiały archiwalne kategorii A: {count(len(entries), SPRAWA)}, {count(documents, DOKUMENT)}"
    etree.SubElement(spis, "data_utworzenia").text = now.date().isoformat()
    first = min((e.opened_on or e.closed_on) for e in entries)
    last = max(e.closed_on for e in entries)
    etree.SubElement(spis, "najwczesniejsza_data_w_spisie").text = first.isoformat()
    etree.SubElement(spis, "najpozniejsza_data_w_spisie").text = last.isoformat()
    etree.SubElement(spis, "ilosc_materialow").text = str(documents)
    etree.SubElement(spis, "ilosc_pozycji").text = str(len(entries))
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    errors = xsd.validate(data, REQUEST_SCHEMA)
    if errors:
        raise PackageError(f"wniosek niezgodny z {REQUEST_SCHEMA}: {errors[0]}")
    return data
