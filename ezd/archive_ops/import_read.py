"""Reading and checking a paczka archiwalna before anything of it is stored.

Every problem goes to the :class:`~ezd.archive_ops.import_report.ImportReport` against its
file, in Polish.  Besides the schemas, every metadata file is held to what it states about its
document: a size (``format/wielkosc``) or SHA-256 (``identyfikator`` typ ``SHA-256``) that
differs from the file is an ``error`` -- a package whose metadata lie about a document is never
accepted, also not with ``--accept-invalid``.  A metryka sprawy in the package has its hash
chains verified from the package alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

from ezd import xmlsafe, xsd
from ezd.archive_ops import metryka_doc
from ezd.archive_ops.bagit_export import validate_bag
from ezd.archive_ops.import_report import ImportReport
from ezd.archive_ops.package_meta import declared, integrity_problems
from ezd.archive_ops.unpack import Limits, UnsafePackage, unpack
from ezd.nes import JEST_ZALACZNIKIEM
from ezd.records.errors import InvalidInput
from ezd.records.jrwa import ArchivalCategory, InvalidCategory

NDAP = "http://www.mswia.gov.pl/standardy/ndap"
NES_SCHEMAS = ("Metadane-1.7.xsd", "Metadane-1.7-validator.xsd", "schemat_paczka_archiwalna.xsd")
MAX_METADATA_BYTES = 5 * 1024 * 1024
LAYOUT = ("sprawy", "metadane", "dokumenty", "wniosek.xml", "spis.xml")


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
    role: str = "content"  # content | attachment | metryka (from the metadata)
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
        report.add(rel, "error", f"nieczytelne metadane: {exc}")
        return None
    if root.tag != _q("dokument"):
        report.add(
            rel, "error", f"to nie są metadane NES: główny element to {root.tag!r}, a nie ndap:dokument"
        )
        return None
    errors = _schema_errors(data)
    if errors:
        report.add(rel, "invalid", "metadane niezgodne z żadnym schematem NES 1.7: " + " | ".join(errors))
    report.metadata_files += 1
    return data, root, not errors


def _read_case(path: Path, rel: str, report: ImportReport) -> ParsedCase | None:
    loaded = _load_xml(path, rel, report)
    if loaded is None:
        return None
    data, root, valid = loaded
    sign = _typed(_pairs(root, "identyfikator", "typ", "wartosc"), "znak sprawy")
    if not sign:
        report.add(rel, "error", "metadane sprawy bez znaku sprawy (identyfikator typu 'znak sprawy')")
        return None
    raw_category = _text(root, "n:kwalifikacja/n:kategoria")
    try:
        category = ArchivalCategory.parse(raw_category)
    except InvalidCategory as exc:
        report.add(rel, "error", f"sprawa {sign}: brak poprawnej kategorii archiwalnej ({exc})")
        return None
    span = next(
        (d for d in root.findall("n:data", {"n": NDAP}) if _text(d, "n:typ").casefold() == "daty skrajne"),
        None,
    )
    opened, closed = _parse_day(_text(span, "n:od")), _parse_day(_text(span, "n:do"))
    if closed is None:
        report.add(rel, "error", f"sprawa {sign}: brak daty zakończenia (data typu 'daty skrajne', do)")
        return None
    groups = [
        (_text(g, "n:typ"), _text(g, "n:kod"), _text(g, "n:opis"))
        for g in root.findall("n:grupowanie", {"n": NDAP})
    ]
    jrwa = next(((k, o) for t, k, o in groups if "jrwa" in t.casefold() and k), None)
    split = _split_sign(sign)
    symbol = jrwa[0] if jrwa else (split[1] if split else "")
    if not re.fullmatch(r"\d{1,8}", symbol):
        report.add(rel, "invalid", f"sprawa {sign}: nie da się odczytać klasy JRWA z metadanych ani ze znaku")
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


def _role(root: etree._Element) -> str:
    if _text(root, "n:typ/n:rodzaj").casefold() == metryka_doc.RODZAJ:
        return "metryka"
    relations = [t for _, t in _pairs(root, "relacja", "identyfikator/n:wartosc", "typ")]
    return "attachment" if JEST_ZALACZNIKIEM in relations else "content"


def _hash_file(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _read_document(path: Path, rel: str, payload_root: Path, report: ImportReport) -> ParsedDocument | None:
    loaded = _load_xml(path, rel, report)
    if loaded is None:
        return None
    data, root, valid = loaded
    sign = _typed(_pairs(root, "grupowanie", "typ", "kod"), "znak sprawy")
    if not sign:
        report.add(rel, "error", "metadane dokumentu bez jego sprawy (grupowanie typu 'znak sprawy')")
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
        role=_role(root),
    )
    if not payload.is_file():
        report.add(rel, "invalid", f"brak pliku dokumenty/{payload_name} w paczce")
        return doc
    doc.payload_path = f"dokumenty/{payload_name}"
    doc.payload_sha256, doc.payload_size = _hash_file(payload)
    facts = declared(root)
    for problem in integrity_problems(facts, doc.payload_size, doc.payload_sha256):
        report.add(rel, "error", f"dokument {doc.payload_path}: {problem}")
    if facts.sha256 is None:
        report.add(rel, "note", "metadane nie podają skrótu SHA-256 dokumentu: integralności nie sprawdzono")
    if doc.role == "metryka" and media.endswith("xml"):
        for problem in metryka_doc.verify_metryka_xml(payload.read_bytes()):
            report.add(doc.payload_path, "error", problem)
    return doc


def _payload_root(root: Path, report: ImportReport) -> Path:
    if (root / "bagit.txt").is_file():
        for problem in validate_bag(root):
            report.add("bagit.txt", "error", f"walidacja BagIt: {problem}")
        return root / "data"
    return root


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def read_package(root: Path, report: ImportReport) -> list[ParsedCase]:
    """Read and check a package folder; every problem goes to ``report`` against its file."""
    base = _payload_root(root, report)
    if not (base / "sprawy").is_dir():
        report.add(".", "error", "to nie jest paczka archiwalna: brak folderu sprawy/")
        return []
    cases: dict[str, ParsedCase] = {}
    for path in _files(base / "sprawy"):
        rel = path.relative_to(base).as_posix()
        if path.suffix.lower() != ".xml":
            report.add(rel, "note", "to nie jest plik XML; pominięty")
            continue
        case = _read_case(path, rel, report)
        if case is None:
            continue
        if case.sign in cases:
            report.add(
                rel, "error", f"sprawa {case.sign} jest opisana dwa razy (także w {cases[case.sign].path})"
            )
            continue
        cases[case.sign] = case
    described: set[str] = set()
    for path in _files(base / "metadane"):
        rel = path.relative_to(base).as_posix()
        doc = _read_document(path, rel, base, report)
        if doc is None:
            continue
        if doc.payload_path:
            described.add(doc.payload_path)
        owner = cases.get(doc.case_sign)
        if owner is None:
            report.add(rel, "error", f"dokument należy do sprawy {doc.case_sign}, której nie ma w sprawy/")
            continue
        owner.documents.append(doc)
    for path in _files(base / "dokumenty"):
        rel = path.relative_to(base).as_posix()
        if rel not in described:
            report.add(rel, "error", f"plik dokumentu bez metadanych (brak metadane/{path.name}.xml)")
    for path in sorted(base.iterdir()):
        if path.name not in LAYOUT:
            report.add(path.name, "note", "poza układem paczki archiwalnej; pominięty")
    return list(cases.values())


@contextlib.contextmanager
def opened_package(source: Path, limits: Limits | None = None) -> Iterator[Path]:
    """The package folder: ``source`` itself, or a private unpacked copy of an archive."""
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise InvalidInput(f"paczka {source} nie istnieje")
    with tempfile.TemporaryDirectory(prefix="ezd-import-") as tmp:
        try:
            root = unpack(source, Path(tmp) / "pkg", limits)
        except UnsafePackage as exc:
            raise InvalidInput(f"paczka {source.name} odrzucona: {exc}") from None
        yield root
