"""Paczka archiwalna: category A records for the state archive, as a BagIt bag.

Layout (the paczka folders are the bag's payload, so they live under ``data/``)::

    bagit.txt  bag-info.txt  manifest-sha256.txt  manifest-sha512.txt  tagmanifest-*.txt
    data/sprawy/<znak sprawy>.xml          NES metadata of each case (Collection / Sprawa)
    data/metadane/<file>.xml               NES metadata of each document file
    data/dokumenty/<file>                  the document files themselves
    data/wniosek.xml                       transfer request (wniosek.xsd)
    data/spis.xml                          spis zdawczo-odbiorczy (SpisZdawczo-odbiorczy.xsd)

Every metadata file validates against both ``Metadane-1.7.xsd`` and
``schemat_paczka_archiwalna.xsd`` (they differ: the paczka schema wants ``xsd:date`` for the
qualification date and one institution id, so we emit exactly that); a file that does not is a bug
and stops the export.  Metadata are generated from the register; for imported cases the original
metadata file is reused verbatim when it is valid against both schemas (keeps the source
system's identifiers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd import nes, xsd
from ezd.archive_ops.bagit_export import BagWriter
from ezd.archive_ops.spis import spis_xml
from ezd.db.base import utcnow
from ezd.db.tables import Document, IncomingItem, Tenant
from ezd.db.tables_archive import ArchiveEntry, ArchiveObject
from ezd.records.errors import EzdError, InvalidInput, InvalidState
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.storage.port import ObjectStore, sha256_hex

PACKAGE_SCHEMAS = ("Metadane-1.7.xsd", "schemat_paczka_archiwalna.xsd")
REQUEST_SCHEMA = "wniosek.xsd"


class PackageError(EzdError, ValueError):
    """The package cannot be produced (a metadata file would not validate)."""


@dataclass
class PackageResult:
    root: Path
    cases: list[str] = field(default_factory=list)
    documents: int = 0
    files: int = 0


def safe_name(value: str, limit: int = 120) -> str:
    """A portable file name: ASCII letters, digits, ``._-``; Polish letters folded."""
    folded = unicodedata.normalize("NFKD", value.replace("ł", "l").replace("Ł", "L"))
    ascii_only = folded.encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_only).strip("._") or "plik"
    return name[:limit]


def package_errors(data: bytes) -> list[str]:
    """Schema errors of one package metadata file against every schema it must satisfy."""
    return [f"{s}: {e}" for s in PACKAGE_SCHEMAS for e in xsd.validate(data, s)]


def _institution(tenant: Tenant) -> nes.Institution:
    return nes.Institution(nazwa=tenant.name, regon=tenant.regon)


def _day(value: date | datetime | None, fallback: date) -> date:
    if value is None:
        return fallback
    return value.date() if isinstance(value, datetime) else value


def case_xml(entry: ArchiveEntry, tenant: Tenant) -> bytes:
    opened = entry.opened_on or entry.closed_on
    return nes.case_metadata_xml(
        nes.NesCase(
            case_sign=entry.case_sign,
            title=entry.title,
            institution=_institution(tenant),
            date_from=opened,
            date_to=entry.closed_on,
            jrwa_symbol=entry.jrwa_symbol,
            jrwa_title=entry.jrwa_title or f"klasa {entry.jrwa_symbol}",
            category=entry.category,
            qualified_on=opened,  # a date: schemat_paczka_archiwalna types it xsd:date
            system_id=f"archiwum:{entry.id}",
        )
    )


def document_xml(session: Session, entry: ArchiveEntry, obj: ArchiveObject, tenant: Tenant) -> bytes:
    doc = (
        session.execute(select(Document).where(Document.uid == obj.document_uid)).scalar_one_or_none()
        if obj.document_uid
        else None
    )
    item = (
        session.execute(select(IncomingItem).where(IncomingItem.document_id == doc.id)).scalar_one_or_none()
        if doc is not None
        else None
    )
    opened = entry.opened_on or entry.closed_on
    return nes.document_metadata_xml(
        nes.NesDocument(
            system_id=obj.document_uid or obj.sha256,
            title=obj.title or obj.filename,
            institution=_institution(tenant),
            media_type=obj.media_type,
            size_bytes=obj.size,
            rpw_number=item.sign if item else None,
            sender_reference=item.sender_reference if item else None,
            other_identifiers=[nes.Identifier("SHA-256", obj.sha256)],
            created=(doc.created_at.replace(microsecond=0) if doc else None) or entry.closed_on,
            received=item.received_date if item else None,
            sender=nes.Institution(nazwa=item.sender) if item else None,
            case_sign=entry.case_sign,
            case_title=entry.title,
            category=entry.category,
            qualified_on=_day(opened, entry.closed_on),
            rodzaj=doc.kind if doc else "dokument",
        )
    )


def request_xml(entries: Sequence[ArchiveEntry], *, request_sign: str, documents: int) -> bytes:
    """Wniosek o przejęcie materiałów archiwalnych (``wniosek.xsd``, no namespace)."""
    now = utcnow().replace(microsecond=0)
    root = etree.Element("wniosek")
    etree.SubElement(root, "znak_sprawy_wysylajacego").text = request_sign
    etree.SubElement(root, "typ").text = "ORGANIZED"
    etree.SubElement(root, "data_przygotowania").text = now.isoformat()
    spis = etree.SubElement(root, "szczegoly_spisu_zo")
    etree.SubElement(spis, "opis").text = f"Materiały archiwalne kategorii A: {len(entries)} spraw"
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
        raise PackageError(f"transfer request does not match {REQUEST_SCHEMA}: {errors[0]}")
    return data


def _verbatim(store: ObjectStore, entry: ArchiveEntry, role: str, uid: str | None) -> bytes | None:
    """The original metadata of an imported case, if it satisfies every package schema."""
    for o in entry.objects:
        if o.role == role and (role == "case_metadata" or o.document_uid == uid):
            data = store.get(o.sha256)
            return data if not package_errors(data) else None
    return None


def _checked(data: bytes, what: str) -> bytes:
    errors = package_errors(data)
    if errors:
        raise PackageError(f"{what}: {errors[0]}")
    return data


def select_entries(
    session: Session, tenant_id: int, signs: Sequence[str] = (), year_to: int | None = None
) -> list[ArchiveEntry]:
    q = select(ArchiveEntry).where(
        ArchiveEntry.tenant_id == tenant_id,
        ArchiveEntry.category == "A",
        ArchiveEntry.status == "held",
    )
    if signs:
        q = q.where(ArchiveEntry.case_sign.in_(list(signs)))
    if year_to is not None:
        q = q.where(ArchiveEntry.year <= year_to)
    entries = list(session.execute(q.order_by(ArchiveEntry.jrwa_symbol, ArchiveEntry.case_sign)).scalars())
    if signs:
        found = {e.case_sign for e in entries}
        missing = [s for s in signs if s not in found]
        if missing:
            raise InvalidInput(
                "not category A records held in the archive (only those go to the state archive): "
                + ", ".join(missing)
            )
    return entries


def export_package(
    session: Session,
    store: ObjectStore,
    actor: Actor,
    *,
    tenant: str,
    out: Path,
    signs: Sequence[str] = (),
    year_to: int | None = None,
    request_sign: str | None = None,
) -> PackageResult:
    """Write the paczka archiwalna of the tenant's category A records as a BagIt bag at ``out``."""
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    entries = select_entries(session, t.id, signs, year_to)
    if not entries:
        raise InvalidState(f"{tenant} has no category A records held in the archive to hand over")
    result = PackageResult(root=out)
    bag = BagWriter(out)
    used: set[str] = set()
    for entry in entries:
        sign_file = safe_name(entry.case_sign)
        case_data = _verbatim(store, entry, "case_metadata", None) or case_xml(entry, t)
        bag.add(f"sprawy/{sign_file}.xml", _checked(case_data, f"case {entry.case_sign}"))
        result.cases.append(entry.case_sign)
        for obj in entry.objects:
            if obj.role != "content":
                continue
            name = f"{sign_file}_{safe_name(obj.filename or obj.sha256, 80)}"
            stem, dot, ext = name.rpartition(".") if "." in name[len(sign_file) + 1 :] else (name, "", "")
            n = 1
            while name in used:  # versions of one document share a file name
                n += 1
                name = f"{stem}_{n}{dot}{ext}"
            used.add(name)
            meta = _verbatim(store, entry, "metadata", obj.document_uid) if obj.document_uid else None
            meta = meta or document_xml(session, entry, obj, t)
            bag.add(f"dokumenty/{name}", store.get(obj.sha256))  # the store verifies the digest
            bag.add(f"metadane/{name}.xml", _checked(meta, f"document {name} of {entry.case_sign}"))
            result.documents += 1
    label = request_sign or f"{tenant}/paczka/{utcnow().date().isoformat()}"
    bag.add("wniosek.xml", request_xml(entries, request_sign=label, documents=result.documents))
    bag.add("spis.xml", spis_xml(entries))
    bag.finish(
        {
            "Source-Organization": t.name,
            "External-Identifier": label,
            "External-Description": (
                f"Paczka archiwalna: {len(entries)} spraw kategorii A, {result.documents} dokumentów"
            ),
        }
    )
    result.files = 2 + len(entries) + 2 * result.documents
    manifest = (out / "manifest-sha256.txt").read_bytes()
    audit.record(
        session,
        chain_key=audit.tenant_chain(tenant),
        tenant_id=t.id,
        actor=actor.login,
        action="paczka_archiwalna",
        details={
            "request": label,
            "cases": result.cases,
            "documents": result.documents,
            "manifest_sha256": sha256_hex(manifest),
        },
    )
    return result
