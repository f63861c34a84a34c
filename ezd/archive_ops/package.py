"""Paczka archiwalna: category A records for the state archive, as a BagIt bag.

Layout (the paczka folders are the bag's payload, so they live under ``data/``)::

    bagit.txt  bag-info.txt  manifest-sha256.txt  manifest-sha512.txt  tagmanifest-*.txt
    data/sprawy/<znak sprawy>.xml          NES metadata of each case (Collection / Sprawa)
    data/metadane/<file>.xml               NES metadata of each document file, one per file
    data/dokumenty/<file>                  the document files: every version of every document,
                                           the attachments (ePUAP attachments, UPP receipts) and
                                           the metryka sprawy (XML to verify, HTML to read)
    data/wniosek.xml                       transfer request (wniosek.xsd)
    data/spis.xml                          spis zdawczo-odbiorczy (SpisZdawczo-odbiorczy.xsd)

Every metadata file validates against both ``Metadane-1.7.xsd`` and
``schemat_paczka_archiwalna.xsd`` and states the size and SHA-256 of exactly its own file
(checked before it is written: a file that does not is a bug and stops the export).  Metadata
of transferred cases are generated from the register; an imported case is handed on exactly as
it came: its metadata files verbatim (keeping the source system's identifiers) and its file
names unchanged, so export -> import -> export gives the same payload.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd import nes
from ezd.archive_ops import metryka_doc
from ezd.archive_ops.bagit_export import BagWriter
from ezd.archive_ops.package_meta import (
    FileFacts,
    PackageError,
    case_xml,
    check_pair,
    checked,
    document_xml,
    package_errors,
    request_xml,
    safe_name,
)
from ezd.archive_ops.register import load_case_documents
from ezd.archive_ops.spis import spis_xml
from ezd.db.base import utcnow
from ezd.db.tables import IncomingItem, Tenant
from ezd.db.tables_archive import ArchiveEntry, ArchiveObject
from ezd.records.errors import InvalidInput, InvalidState
from ezd.records.plural import DOKUMENT, SPRAWA, count
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.storage.port import ObjectStore, sha256_hex

FILE_ROLES = ("content", "attachment", "metryka")  # objects that go to dokumenty/

__all__ = ["PackageError", "PackageResult", "export_package", "safe_name", "select_entries"]


@dataclass
class PackageResult:
    root: Path
    cases: list[str] = field(default_factory=list)
    documents: int = 0
    files: int = 0


@dataclass(frozen=True)
class PackageFile:
    name: str  # in dokumenty/ (and metadane/<name>.xml)
    data: bytes
    meta: bytes
    verbatim: bool = False  # the source system's metadata file, handed on as it came


class _Names:
    """File names unique within the package (a second ``x.pdf`` becomes ``x_2.pdf``)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, name: str) -> str:
        stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
        candidate, n = name, 1
        while candidate in self.used:
            n += 1
            candidate = f"{stem}_{n}{dot}{ext}"
        self.used.add(candidate)
        return candidate


def _sentence(text: str) -> str | None:
    return text[:1].upper() + text[1:] if text else None


def _with_suffix(name: str, suffix: str) -> str:
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    return f"{stem}{suffix}{dot}{ext}"


def _imported_files(
    store: ObjectStore, entry: ArchiveEntry, sign_file: str, tenant: Tenant
) -> Iterator[PackageFile]:
    """An imported case's files under the names they came with, each with its own metadata."""
    metadata = {o.filename: o for o in entry.objects if o.role == "metadata"}
    for obj in entry.objects:
        if obj.role not in FILE_ROLES:
            continue
        # an imported file keeps the name it came under (ours already carry the case sign: it is
        # never added twice); a register entry without a case of its own gets the sign in front
        keep = entry.source == "import" or obj.filename.startswith(f"{sign_file}_")
        name = obj.filename if keep else f"{sign_file}_{obj.filename}"
        data = store.get(obj.sha256)  # the store verifies the digest
        meta_obj = metadata.get(f"{obj.filename}.xml")
        meta = store.get(meta_obj.sha256) if meta_obj is not None else None
        if meta is not None and not package_errors(meta):
            yield PackageFile(name, data, meta, verbatim=True)
        else:
            yield PackageFile(
                name,
                data,
                document_xml(entry, tenant, _facts(obj, entry, obj.document_uid or obj.sha256, obj.title)),
            )


def _facts(
    obj: ArchiveObject,
    entry: ArchiveEntry,
    system_id: str,
    title: str,
    *,
    created: datetime | None = None,
    rodzaj: str = "dokument",
    item: IncomingItem | None = None,
    description: str | None = None,
    relations: Sequence[nes.Relation] = (),
) -> FileFacts:
    return FileFacts(
        system_id=system_id,
        title=title or obj.filename,
        media_type=obj.media_type,
        size=obj.size,
        sha256=obj.sha256,
        created=created or entry.closed_on,
        rodzaj=rodzaj,
        description=description,
        item=item,
        relations=relations,
    )


def _transferred_files(
    session: Session, store: ObjectStore, entry: ArchiveEntry, case_id: int, sign_file: str, tenant: Tenant
) -> Iterator[PackageFile]:
    """A transferred case: every version, every attachment, and the metryka sprawy."""
    content = load_case_documents(session, case_id)
    docs = {d.uid: d for d in content.documents}
    files = [o for o in entry.objects if o.role in ("content", "attachment")]
    attachments: dict[str, list[str]] = {}
    for o in files:
        if o.role == "attachment" and o.document_uid:
            attachments.setdefault(o.document_uid, []).append(f"{o.document_uid}:zalacznik:{o.sha256[:16]}")
    for obj in files:
        doc = docs.get(obj.document_uid or "")
        uid = obj.document_uid or obj.sha256
        item = content.item_of(doc) if doc else None
        base = safe_name(obj.filename or obj.sha256, 80)
        if obj.role == "attachment":
            parent = safe_name(doc.versions[-1].filename if doc and doc.versions else "dokument", 40)
            name = f"{sign_file}_{parent.rpartition('.')[0] or parent}_zalacznik_{base}"
            facts = _facts(
                obj,
                entry,
                f"{uid}:zalacznik:{obj.sha256[:16]}",
                f"{obj.filename} (załącznik do: {doc.title if doc else uid})",
                created=doc.created_at.replace(microsecond=0) if doc else None,
                rodzaj="załącznik",
                item=item,
                relations=[nes.Relation(nes.JEST_ZALACZNIKIEM, nes.Identifier(nes.ID_SYSTEM, uid))],
            )
        else:
            versions = list(doc.versions) if doc else []
            number = next((v.version for v in versions if v.sha256 == obj.sha256), 1)
            stored = [o for o in files if o.role == "content" and o.document_uid == obj.document_uid]
            name = f"{sign_file}_{_with_suffix(base, f'_wersja{number}') if len(stored) > 1 else base}"
            notes = [f"wersja {number} z {len(versions)}"] if len(versions) > 1 else []
            if doc is not None and doc.signed and versions and number == versions[-1].version:
                notes.append("dokument podpisany podpisem elektronicznym XAdES (podpis w pliku)")
            created = next((v.created_at for v in versions if v.sha256 == obj.sha256), None)
            facts = _facts(
                obj,
                entry,
                uid,
                doc.title if doc else obj.title,
                created=created.replace(microsecond=0) if created else None,
                rodzaj=doc.kind if doc else "dokument",
                item=item,
                description=_sentence("; ".join(notes)),
                relations=[
                    nes.Relation(nes.MA_ZALACZNIK, nes.Identifier(nes.ID_SYSTEM, a))
                    for a in attachments.get(uid, [])
                ],
            )
        yield PackageFile(name, store.get(obj.sha256), document_xml(entry, tenant, facts))
    chains = metryka_doc.case_chains(session, entry)
    if chains:
        last = metryka_doc.last_moment(chains)
        readable = metryka_doc.metryka_html(
            entry.case_sign, tenant.name, chains, metryka_doc.people(session, chains)
        )
        for data, media, ext in (
            (metryka_doc.metryka_xml(entry.case_sign, chains), "application/xml", "xml"),
            (readable, "text/html", "html"),
        ):
            facts = FileFacts(
                system_id=f"metryka:{entry.case_sign}:{ext}",
                title=f"Metryka sprawy {entry.case_sign}",
                media_type=media,
                size=len(data),
                sha256=sha256_hex(data),
                created=(last or utcnow()).replace(microsecond=0),
                rodzaj=metryka_doc.RODZAJ,
                description="łańcuch skrótów do weryfikacji" if ext == "xml" else "wersja do odczytu",
            )
            yield PackageFile(f"{sign_file}_metryka.{ext}", data, document_xml(entry, tenant, facts))


def _verbatim_case(store: ObjectStore, entry: ArchiveEntry) -> bytes | None:
    """The original case metadata of an imported case, if it satisfies every package schema."""
    for o in entry.objects:
        if o.role == "case_metadata":
            data = store.get(o.sha256)
            return data if not package_errors(data) else None
    return None


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
                "to nie są akta kategorii A przechowywane w archiwum (tylko takie przekazuje się "
                "do archiwum państwowego): " + ", ".join(missing)
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
    prepared_at: datetime | None = None,
) -> PackageResult:
    """Write the paczka archiwalna of the tenant's category A records as a BagIt bag at ``out``."""
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    entries = select_entries(session, t.id, signs, year_to)
    if not entries:
        raise InvalidState(f"{t.name}: w archiwum nie ma akt kategorii A do przekazania")
    prepared = prepared_at or utcnow()
    result = PackageResult(root=out)
    bag = BagWriter(out)
    names = _Names()
    for entry in entries:
        sign_file = safe_name(entry.case_sign)
        case_data = _verbatim_case(store, entry) or case_xml(entry, t)
        bag.add(f"sprawy/{names.take(sign_file + '.xml')}", checked(case_data, f"sprawa {entry.case_sign}"))
        result.cases.append(entry.case_sign)
        files = (
            _transferred_files(session, store, entry, entry.case_id, sign_file, t)
            if entry.case_id is not None
            else _imported_files(store, entry, sign_file, t)
        )
        for f in files:
            name = names.take(PurePosixPath(f.name).name)
            what = f"dokument {name} sprawy {entry.case_sign}"
            # what a metadata file states must be true; ours always state the digest, a source
            # system's file handed on verbatim may not (many EZD exports carry no SHA-256)
            check_pair(f.meta, len(f.data), sha256_hex(f.data), what, require_digest=not f.verbatim)
            bag.add(f"dokumenty/{name}", f.data)
            bag.add(f"metadane/{name}.xml", checked(f.meta, what))
            result.documents += 1
    label = request_sign or f"{tenant}/paczka/{prepared.date().isoformat()}"
    bag.add(
        "wniosek.xml",
        request_xml(entries, request_sign=label, documents=result.documents, prepared_at=prepared),
    )
    bag.add("spis.xml", spis_xml(entries))
    bag.finish(
        {
            "Source-Organization": t.name,
            "External-Identifier": label,
            "External-Description": (
                f"Paczka archiwalna: {count(len(entries), SPRAWA)} kategorii A, "
                f"{count(result.documents, DOKUMENT)}"
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
