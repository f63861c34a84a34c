"""``ezd archive import``: bring the archive of another EZD system in, from its paczka archiwalna.

Accepted input: a folder, a ``.tar`` (optionally compressed) or a ``.zip`` holding ``sprawy/``,
``metadane/`` and ``dokumenty/`` -- bare (as the EZD systems export them) or as the payload of a
BagIt bag (``data/...``, as ``ezd archive export`` writes them; the bag is validated first).
Archives are unpacked by :mod:`ezd.archive_ops.unpack` (no traversal, no links, size caps).

Policy (all-or-nothing, decided for the issue "nothing is half-imported"):

1. The whole package is read and checked before anything is stored
   (:mod:`ezd.archive_ops.import_read`).  Every problem is reported against its file, with one
   of three severities:

   * ``error`` -- the package cannot be imported as it is: unreadable or hostile XML, a case
     without a sign, category or closing date, a document whose case is not in the package, a
     document file without metadata, metadata whose size or SHA-256 differ from their document,
     a metryka sprawy whose hash chain is broken, a case sign already in the register, a
     damaged bag;
   * ``invalid`` -- metadata not valid against any official NES 1.7 schema (the root
     ``Metadane-1.7.xsd``, the validator set's variant, ``schemat_paczka_archiwalna.xsd``),
     a document whose file is missing from ``dokumenty/``, a JRWA class that cannot be read;
   * ``note`` -- informational (an unexpected file that is not imported, a duplicate file,
     metadata that state no SHA-256 to check).

2. Default (strict): any ``error`` or ``invalid`` problem refuses the import; nothing is stored
   in the register.  With ``accept_invalid`` (``--accept-invalid``) ``invalid`` problems are
   accepted: the metadata file is kept byte-for-byte anyway (an archive must not rewrite what
   the source system recorded) and its problems stay in the import report; ``error`` always
   refuses.

3. Then every object is stored content-addressed and locked until the end of its retention, and
   all register rows, the metryka entries and the import record are added in the caller's one
   transaction.  If anything fails, the transaction rolls back: nothing is registered.  Objects
   already stored stay as unreferenced content-addressed blobs (harmless; a re-import reuses
   them).  File names and metadata files are kept as they came, so the case can be handed on
   (``ezd archive export``) exactly as it was received.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.archive_ops.import_read import ParsedCase, opened_package, read_package
from ezd.archive_ops.import_report import FileIssue, ImportReport, PackageRefused, Severity
from ezd.archive_ops.register import entry_chain
from ezd.archive_ops.searchtext import build_search_text, extract_text
from ezd.archive_ops.unpack import Limits
from ezd.db.tables_archive import ArchiveEntry, ArchiveObject, ImportBatch
from ezd.records.errors import InvalidInput
from ezd.records.retention import disposal_date, lock_until
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.storage.port import ObjectStore

__all__ = ["FileIssue", "ImportReport", "PackageRefused", "Severity", "import_package"]


def _objects(
    case: ParsedCase, base: Path, store: ObjectStore, report: ImportReport
) -> tuple[list[ArchiveObject], list[str]]:
    objects: list[ArchiveObject] = []
    texts: list[str] = []
    seen: dict[tuple[str, str], str] = {}

    def keep(data: bytes, role: str, media: str, filename: str, title: str, uid: str | None) -> None:
        stored = store.put(data, media)
        if (stored.sha256, role) in seen:
            report.add(filename, "note", f"ta sama treść co {seen[(stored.sha256, role)]}; zapisana raz")
            return
        seen[(stored.sha256, role)] = filename
        objects.append(
            ArchiveObject(
                role=role,
                sha256=stored.sha256,
                size=stored.size,
                media_type=media,
                filename=filename.rsplit("/", 1)[-1][-255:],  # the name, not the package path
                title=title,
                document_uid=uid[:100] if uid else None,
            )
        )

    keep(case.metadata, "case_metadata", "application/xml", case.path, case.title, None)
    for doc in case.documents:
        keep(doc.metadata, "metadata", "application/xml", doc.metadata_path, doc.title, doc.uid)
        texts.append(doc.title)
        if doc.payload_path is None:
            continue
        data = (base / doc.payload_path).read_bytes()
        if hashlib.sha256(data).hexdigest() != doc.payload_sha256:
            raise InvalidInput(f"plik {doc.payload_path} zmienił się w trakcie importu")
        keep(data, doc.role, doc.media_type, doc.payload_path, doc.title, doc.uid)
        if doc.role != "metryka":  # the metryka's words are actions and logins, not the case's content
            texts.append(extract_text(data, doc.media_type))
    return objects, texts


def import_package(
    session: Session,
    store: ObjectStore,
    actor: Actor,
    *,
    tenant: str,
    source: Path,
    accept_invalid: bool = False,
    dry_run: bool = False,
    limits: Limits | None = None,
) -> ImportReport:
    """Check and (unless ``dry_run``) import a paczka archiwalna; raises :class:`PackageRefused`."""
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    report = ImportReport(package=source.name, tenant=tenant, accept_invalid=accept_invalid)
    with opened_package(source, limits) as root:
        cases = read_package(root, report)
        existing = set(
            session.execute(
                select(ArchiveEntry.case_sign).where(
                    ArchiveEntry.tenant_id == t.id, ArchiveEntry.case_sign.in_([c.sign for c in cases])
                )
            ).scalars()
        )
        for c in cases:
            if c.sign in existing:
                report.add(c.path, "error", f"sprawa {c.sign} jest już w rejestrze archiwum ({t.name})")
        if not cases and not any(i.severity == "error" for i in report.issues):
            report.add(".", "error", "paczka nie zawiera żadnej sprawy")
        report.cases = [c.sign for c in cases]
        report.documents = sum(1 for c in cases for d in c.documents if d.payload_path)
        if not report.acceptable:
            raise PackageRefused(report)
        if dry_run:
            return report
        base = root / "data" if (root / "bagit.txt").is_file() else root
        entries: list[tuple[ArchiveEntry, ParsedCase]] = []
        for c in cases:
            objects, texts = _objects(c, base, store, report)
            until = lock_until(c.category, c.closed)
            for digest in sorted({o.sha256 for o in objects}):
                store.lock(digest, datetime(until.year, until.month, until.day, tzinfo=UTC))
            entry = ArchiveEntry(
                tenant_id=t.id,
                case_id=None,
                source="import",
                case_sign=c.sign,
                title=c.title[:1000],
                unit_code=c.unit,
                jrwa_symbol=c.jrwa_symbol,
                jrwa_title=c.jrwa_title,
                category=str(c.category),
                year=c.year,
                opened_on=c.opened,
                closed_on=c.closed,
                sender=None,
                # documents, not files: versions share their document's id (as in a transfer)
                documents=len({d.uid or d.metadata_path for d in c.documents if d.role == "content"}),
                retention_until=disposal_date(c.category, c.closed),
                search_text=build_search_text(
                    tenant=tenant,
                    unit=c.unit,
                    jrwa_symbol=c.jrwa_symbol,
                    category=str(c.category),
                    year=c.year,
                    case_sign=c.sign,
                    title=c.title,
                    jrwa_title=c.jrwa_title,
                    texts=texts,
                ),
            )
            entry.objects = objects
            session.add(entry)
            entries.append((entry, c))
        session.flush()
        for entry, c in entries:
            invalid = [d.metadata_path for d in c.documents if not d.valid] + ([] if c.valid else [c.path])
            audit.record(
                session,
                chain_key=entry_chain(entry),
                tenant_id=t.id,
                actor=actor.login,
                action="import_z_innego_ezd",
                details={
                    "package": report.package,
                    "case_sign": c.sign,
                    "objects": len(entry.objects),
                    "invalid_metadata": invalid,
                    "missing_documents": [d.metadata_path for d in c.documents if d.payload_path is None],
                },
            )
        report.imported = True
        session.add(
            ImportBatch(
                tenant_id=t.id,
                package_name=report.package[:300],
                imported_by=actor.login,
                cases=len(cases),
                files=report.metadata_files + report.documents,
                report=report.to_dict(),
            )
        )
        audit.record(
            session,
            chain_key=audit.tenant_chain(tenant),
            tenant_id=t.id,
            actor=actor.login,
            action="import_paczki_archiwalnej",
            details={
                "package": report.package,
                "cases": report.cases,
                "documents": report.documents,
                "issues": len(report.issues),
            },
        )
        session.flush()
    return report
