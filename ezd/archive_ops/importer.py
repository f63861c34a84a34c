"""``ezd archive import``: bring the archive of another EZD system in, from its paczka archiwalna.

Accepted input: a folder, a ``.tar`` (optionally compressed) or a ``.zip`` holding ``sprawy/``,
``metadane/`` and ``dokumenty/`` -- bare (as the EZD systems export them) or as the payload of a
BagIt bag (``data/...``, as ``ezd archive export`` writes them; the bag is validated first).
Archives are unpacked by :mod:`ezd.archive_ops.unpack` (no traversal, no links, size caps).

Policy (all-or-nothing, decided for the issue "nothing is half-imported"):

1. The whole package is read and checked before anything is stored.  Every problem is reported
   against its file, with one of three severities:

   * ``error`` -- the package cannot be imported as it is: unreadable or hostile XML, a case
     without a sign, category or closing date, a document whose case is not in the package, a
     document file without metadata, a case sign already in the register, a damaged bag;
   * ``invalid`` -- metadata not valid against any official NES 1.7 schema (the root
     ``Metadane-1.7.xsd``, the validator set's variant, ``schemat_paczka_archiwalna.xsd``),
     a document whose file is missing from ``dokumenty/``, a JRWA class that cannot be read;
   * ``note`` -- informational (an unexpected file that is not imported, a duplicate file).

2. Default (strict): any ``error`` or ``invalid`` problem refuses the import; nothing is stored
   in the register.  With ``accept_invalid`` (``--accept-invalid``) ``invalid`` problems are
   accepted: the metadata file is kept byte-for-byte anyway (an archive must not rewrite what
   the source system recorded) and its problems stay in the import report; ``error`` always
   refuses.

3. Then every object is stored content-addressed and locked until the end of its retention, and
   all register rows, the metryka entries and the import record are added in the caller's one
   transaction.  If anything fails, the transaction rolls back: nothing is registered.  Objects
   already stored stay as unreferenced content-addressed blobs (harmless; a re-import reuses
   them).
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd import xmlsafe, xsd
from ezd.archive_ops.bagit_export import validate_bag
from ezd.archive_ops.register import entry_chain
from ezd.archive_ops.searchtext import build_search_text, extract_text
from ezd.archive_ops.unpack import Limits, UnsafePackage, unpack
from ezd.db.tables_archive import ArchiveEntry, ArchiveObject, ImportBatch
from ezd.records.errors import InvalidInput
from ezd.records.jrwa import ArchivalCategory, InvalidCategory
from ezd.records.retention import disposal_date, lock_until
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.storage.port import ObjectStore

NDAP = "http://www.mswia.gov.pl/standardy/ndap"
NES_SCHEMAS = ("Metadane-1.7.xsd", "Metadane-1.7-validator.xsd", "schemat_paczka_archiwalna.xsd")
MAX_METADATA_BYTES = 5 * 1024 * 1024
Severity = Literal["error", "invalid", "note"]


class PackageRefused(InvalidInput):
    """The package is not imported; ``report`` says why, file by file."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        problems = [i for i in report.issues if i.blocks(report.accept_invalid)]
        super().__init__(
            f"package {report.package} not imported: {len(problems)} problem(s) in "
            f"{len({i.path for i in problems})} file(s); nothing was registered"
        )


@dataclass(frozen=True)
class FileIssue:
    path: str
    severity: Severity
    problem: str

    def blocks(self, accept_invalid: bool) -> bool:
        return self.severity == "error" or (self.severity == "invalid" and not accept_invalid)


@dataclass
class ParsedDocument:
    metadata_path: str
    metadata: bytes
    valid: bool
    case_sign: str
    title: str
    uid: str | None
    media_type: str
    payload_path: str | None
    payload_sha256: str | None = None
    payload_size: int = 0


@dataclass
class ParsedCase:
    path: str
    metadata: bytes
    valid: bool
    sign: str
    title: str
    category: ArchivalCategory
    opened: date | None
    closed: date
    unit: str
    jrwa_symbol: str
    jrwa_title: str
    year: int
    documents: list[ParsedDocument] = field(default_factory=list)


@dataclass
class ImportReport:
    package: str
    tenant: str
    accept_invalid: bool = False
    imported: bool = False
    cases: list[str] = field(default_factory=list)
    documents: int = 0
    metadata_files: int = 0
    issues: list[FileIssue] = field(default_factory=list)

    def add(self, path: str, severity: Severity, problem: str) -> None:
        self.issues.append(FileIssue(path, severity, problem))

    @property
    def acceptable(self) -> bool:
        return not any(i.blocks(self.accept_invalid) for i in self.issues)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


# -- reading -----------------------------------------------------------------------------------


def _q(name: str) -> str:
    return f"{{{NDAP}}}{name}"


def _text(el: etree._Element | None, path: str) -> str:
    if el is None:
        return ""
    found = el.find(path, {"n": NDAP})
    return (found.text or "").strip() if found is not None else ""


def _pairs(root: etree._Element, element: str, key: str, value: str) -> list[tuple[str, str]]:
    return [(_text(e, f"n:{key}"), _text(e, f"n:{value}")) for e in root.findall(f"n:{element}", {"n": NDAP})]


def _typed(pairs: list[tuple[str, str]], wanted: str) -> str:
    for typ, val in pairs:
        if typ.strip().casefold() == wanted and val:
            return val
    return ""


def _parse_day(value: str) -> date | None:
    v = value.strip()
    if not v:
        return None
    with contextlib.suppress(ValueError):
        return date.fromisoformat(v[:10])
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", v)
    if m:
        return date(int(m.group(1)), int(m.group(2) or 12), 1)
    return None


def _schema_errors(data: bytes) -> list[str]:
    """[] when any official NES 1.7 schema accepts the file, else the first error of each."""
    errors = []
    for schema in NES_SCHEMAS:
        found = xsd.validate(data, schema)
        if not found:
            return []
        errors.append(f"{schema}: {found[0]}")
    return errors


def _split_sign(sign: str) -> tuple[str, str, int] | None:
    """UNIT.JRWA.seq.year (the instrukcja kancelaryjna shape) -> (unit, jrwa, year)."""
    parts = sign.split(".")
    if len(parts) >= 4 and re.fullmatch(r"\d{4}", parts[-1]) and re.fullmatch(r"\d{1,4}", parts[-3]):
        unit = ".".join(parts[:-3])
        if unit:
            return unit, parts[-3], int(parts[-1])
    return None


def _load_xml(path: Path, rel: str, report: ImportReport) -> tuple[bytes, etree._Element, bool] | None:
    data = path.read_bytes()
    try:
        root = xmlsafe.parse(data, max_bytes=MAX_METADATA_BYTES)
    except xmlsafe.XMLRejected as exc:
        report.add(rel, "error", f"unreadable metadata: {exc}")
        return None
    if root.tag != _q("dokument"):
        report.add(rel, "error", f"not NES metadata: root element is {root.tag!r}, expected ndap:dokument")
        return None
    errors = _schema_errors(data)
    if errors:
        report.add(rel, "invalid", "metadata not valid against any NES 1.7 schema: " + " | ".join(errors))
    report.metadata_files += 1
    return data, root, not errors


def _read_case(path: Path, rel: str, report: ImportReport) -> ParsedCase | None:
    loaded = _load_xml(path, rel, report)
    if loaded is None:
        return None
    data, root, valid = loaded
    sign = _typed(_pairs(root, "identyfikator", "typ", "wartosc"), "znak sprawy")
    if not sign:
        report.add(rel, "error", "case metadata without a case sign (identyfikator typ 'znak sprawy')")
        return None
    raw_category = _text(root, "n:kwalifikacja/n:kategoria")
    try:
        category = ArchivalCategory.parse(raw_category)
    except InvalidCategory as exc:
        report.add(rel, "error", f"case {sign}: no usable archival category ({exc})")
        return None
    span = next(
        (d for d in root.findall("n:data", {"n": NDAP}) if _text(d, "n:typ").casefold() == "daty skrajne"),
        None,
    )
    opened, closed = _parse_day(_text(span, "n:od")), _parse_day(_text(span, "n:do"))
    if closed is None:
        report.add(rel, "error", f"case {sign}: no closing date (data typ 'daty skrajne' / do)")
        return None
    groups = [
        (_text(g, "n:typ"), _text(g, "n:kod"), _text(g, "n:opis"))
        for g in root.findall("n:grupowanie", {"n": NDAP})
    ]
    jrwa = next(((k, o) for t, k, o in groups if "jrwa" in t.casefold() and k), None)
    split = _split_sign(sign)
    symbol = jrwa[0] if jrwa else (split[1] if split else "")
    if not re.fullmatch(r"\d{1,8}", symbol):
        report.add(rel, "invalid", f"case {sign}: the JRWA class cannot be read from the metadata or sign")
        symbol = ""
    opis = _text(root, "n:opis")
    jrwa_title = jrwa[1] if jrwa else re.sub(r"^\(JRWA\)\s*", "", opis)
    return ParsedCase(
        path=rel,
        metadata=data,
        valid=valid,
        sign=sign,
        title=_text(root, "n:tytul/n:oryginalny") or sign,
        category=category,
        opened=opened,
        closed=closed,
        unit=(split[0] if split else "IMPORT")[:30],
        jrwa_symbol=symbol,
        jrwa_title=jrwa_title[:500],
        year=split[2] if split else closed.year,
    )


def _read_document(path: Path, rel: str, payload_root: Path, report: ImportReport) -> ParsedDocument | None:
    loaded = _load_xml(path, rel, report)
    if loaded is None:
        return None
    data, root, valid = loaded
    sign = _typed(_pairs(root, "grupowanie", "typ", "kod"), "znak sprawy")
    if not sign:
        report.add(rel, "error", "document metadata without its case (grupowanie typ 'znak sprawy')")
        return None
    payload_name = path.name[: -len(".xml")] if path.name.lower().endswith(".xml") else path.name
    payload = payload_root / "dokumenty" / payload_name
    media = _text(root, "n:format/n:typ")
    if not re.fullmatch(r"[\w.+-]+/[\w.+-]+", media):  # ".pdf" in some exports: guess from the name
        media = mimetypes.guess_type(payload_name)[0] or "application/octet-stream"
    idents = _pairs(root, "identyfikator", "typ", "wartosc")
    doc = ParsedDocument(
        metadata_path=rel,
        metadata=data,
        valid=valid,
        case_sign=sign,
        title=(_text(root, "n:tytul/n:oryginalny") or payload_name)[:1000],
        uid=next((v for _, v in idents if v), None),
        media_type=media[:100],
        payload_path=None,
    )
    if payload.is_file():
        h = hashlib.sha256()
        with open(payload, "rb") as f:
            while chunk := f.read(1024 * 1024):
                h.update(chunk)
                doc.payload_size += len(chunk)
        doc.payload_path = f"dokumenty/{payload_name}"
        doc.payload_sha256 = h.hexdigest()
    else:
        report.add(rel, "invalid", f"document file dokumenty/{payload_name} is missing from the package")
    return doc


def _payload_root(root: Path, report: ImportReport) -> Path:
    if (root / "bagit.txt").is_file():
        for problem in validate_bag(root):
            report.add("bagit.txt", "error", f"BagIt validation: {problem}")
        return root / "data"
    return root


def read_package(root: Path, report: ImportReport) -> list[ParsedCase]:
    """Read and check a package folder; every problem goes to ``report`` against its file."""
    base = _payload_root(root, report)
    if not (base / "sprawy").is_dir():
        report.add(".", "error", "not a paczka archiwalna: there is no sprawy/ folder")
        return []
    cases: dict[str, ParsedCase] = {}
    for path in sorted((base / "sprawy").rglob("*")):
        rel = path.relative_to(base).as_posix()
        if path.is_dir():
            continue
        if path.suffix.lower() != ".xml":
            report.add(rel, "note", "not an XML file; not imported")
            continue
        case = _read_case(path, rel, report)
        if case is None:
            continue
        if case.sign in cases:
            report.add(rel, "error", f"case {case.sign} is described twice (also {cases[case.sign].path})")
            continue
        cases[case.sign] = case
    described: set[str] = set()
    for path in sorted((base / "metadane").rglob("*")) if (base / "metadane").is_dir() else []:
        rel = path.relative_to(base).as_posix()
        if path.is_dir():
            continue
        doc = _read_document(path, rel, base, report)
        if doc is None:
            continue
        if doc.payload_path:
            described.add(doc.payload_path)
        owner = cases.get(doc.case_sign)
        if owner is None:
            report.add(rel, "error", f"document belongs to case {doc.case_sign}, which is not in sprawy/")
            continue
        owner.documents.append(doc)
    for path in sorted((base / "dokumenty").rglob("*")) if (base / "dokumenty").is_dir() else []:
        rel = path.relative_to(base).as_posix()
        if path.is_file() and rel not in described:
            report.add(rel, "error", f"document file without metadata (no metadane/{path.name}.xml)")
    for path in sorted(base.iterdir()):
        if path.name not in ("sprawy", "metadane", "dokumenty", "wniosek.xml", "spis.xml"):
            report.add(path.name, "note", "not part of the paczka layout; not imported")
    return list(cases.values())


@contextlib.contextmanager
def opened_package(source: Path, limits: Limits | None = None) -> Iterator[Path]:
    """The package folder: ``source`` itself, or a private unpacked copy of an archive."""
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise InvalidInput(f"package {source} does not exist")
    with tempfile.TemporaryDirectory(prefix="ezd-import-") as tmp:
        try:
            root = unpack(source, Path(tmp) / "pkg", limits)
        except UnsafePackage as exc:
            raise InvalidInput(f"package {source.name} refused: {exc}") from None
        yield root


# -- importing ---------------------------------------------------------------------------------


def _objects(
    case: ParsedCase, base: Path, store: ObjectStore, report: ImportReport
) -> tuple[list[ArchiveObject], list[str]]:
    objects: list[ArchiveObject] = []
    texts: list[str] = []
    seen: dict[tuple[str, str], str] = {}

    def keep(data: bytes, role: str, media: str, filename: str, title: str, uid: str | None) -> None:
        stored = store.put(data, media)
        if (stored.sha256, role) in seen:
            report.add(filename, "note", f"same content as {seen[(stored.sha256, role)]}; stored once")
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
            raise InvalidInput(f"{doc.payload_path} changed while the package was being imported")
        keep(data, "content", doc.media_type, doc.payload_path, doc.title, doc.uid)
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
                report.add(c.path, "error", f"case {c.sign} is already in the archive register of {tenant}")
        if not cases and not any(i.severity == "error" for i in report.issues):
            report.add(".", "error", "the package holds no cases")
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
                documents=len(c.documents),
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
