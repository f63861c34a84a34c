"""Reading and writing JRWA lists: the official NDAP ``WykazAkt`` XML and a simple CSV.

* XML: root ``wykaz`` in ns ``http://www.mswia.gov.pl/standardy/ndap`` with
  ``akta{symbol, haslo, kategoriaMerytoryczna?, kategoriaInna?}`` (schema ``ezd/data/xsd/WykazAkt.xsd``);
  input is parsed with :func:`ezd.xmlsafe.parse` and validated against the schema.
* CSV: header ``symbol;haslo;kategoria`` (``,`` also accepted, sniffed from the header), UTF-8 with
  optional BOM; leading lines starting with ``#`` are comments.

All errors are :class:`JrwaFormatError` (a :class:`ezd.records.jrwa.JrwaError`) with a one-line message;
hostile or malformed XML raises :class:`ezd.xmlsafe.XMLRejected`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from os import PathLike
from pathlib import Path

from lxml import etree

from ezd import xmlsafe, xsd
from ezd.records.jrwa import ArchivalCategory, InvalidCategory, JrwaEntry, JrwaError

NDAP_NS = "http://www.mswia.gov.pl/standardy/ndap"
WYKAZ_SCHEMA = "WykazAkt.xsd"
CSV_HEADER = ("symbol", "haslo", "kategoria")
MAX_JRWA_BYTES = 5 * 1024 * 1024

__all__ = [
    "JrwaFormatError",
    "load_jrwa_file",
    "parse_jrwa_bytes",
    "parse_jrwa_csv",
    "parse_wykaz_xml",
    "to_jrwa_csv",
    "to_wykaz_xml",
]


class JrwaFormatError(JrwaError):
    """A JRWA file that cannot be read (wrong format, schema violation, bad row)."""


def _q(name: str) -> str:
    return f"{{{NDAP_NS}}}{name}"


def _category(text: str | None, where: str) -> ArchivalCategory | None:
    if text is None or not text.strip():
        return None
    try:
        return ArchivalCategory.parse(text)
    except InvalidCategory as exc:
        raise JrwaFormatError(f"{where}: {exc}") from None


# -- XML ------------------------------------------------------------------------------------


def parse_wykaz_xml(data: bytes) -> list[JrwaEntry]:
    """Entries of an official ``WykazAkt`` XML (validated against WykazAkt.xsd)."""
    root = xmlsafe.parse(data, max_bytes=MAX_JRWA_BYTES)
    if root.tag != _q("wykaz"):
        raise JrwaFormatError(
            f"not a JRWA (WykazAkt) document: root element is {root.tag!r}, expected 'wykaz' in namespace "
            f"{NDAP_NS}"
        )
    errors = xsd.validate(root, WYKAZ_SCHEMA)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise JrwaFormatError(f"JRWA XML does not match WykazAkt.xsd: {errors[0]}{more}")
    entries: list[JrwaEntry] = []
    for akta in root.iterchildren(_q("akta")):
        symbol = (akta.findtext(_q("symbol")) or "").strip()
        title = " ".join((akta.findtext(_q("haslo")) or "").split())
        where = f"line {akta.sourceline}: akta {symbol!r}"
        entries.append(
            JrwaEntry(
                symbol=symbol,
                title=title,
                category=_category(akta.findtext(_q("kategoriaMerytoryczna")), where),
                other_category=_category(akta.findtext(_q("kategoriaInna")), where),
            )
        )
    return entries


def to_wykaz_xml(entries: Iterable[JrwaEntry], *, comment: str | None = None) -> bytes:
    """Serialise entries as a ``WykazAkt`` XML document (UTF-8, valid against WykazAkt.xsd)."""
    root = etree.Element(_q("wykaz"), nsmap={"ndap": NDAP_NS})
    if comment:
        root.addprevious(etree.Comment(" " + comment.replace("--", "- -") + " "))
    for entry in entries:
        akta = etree.SubElement(root, _q("akta"))
        etree.SubElement(akta, _q("symbol")).text = entry.symbol
        etree.SubElement(akta, _q("haslo")).text = entry.title
        if entry.category is not None:
            etree.SubElement(akta, _q("kategoriaMerytoryczna")).text = str(entry.category)
        if entry.other_category is not None:
            etree.SubElement(akta, _q("kategoriaInna")).text = str(entry.other_category)
    if len(root) == 0:
        raise JrwaFormatError("cannot write an empty JRWA: WykazAkt needs at least one 'akta'")
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- CSV ------------------------------------------------------------------------------------


def parse_jrwa_csv(text: str) -> list[JrwaEntry]:
    """Entries of a CSV with header ``symbol;haslo;kategoria`` (``;`` or ``,``)."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].lstrip().startswith("#")):
        start += 1
    if start >= len(lines):
        raise JrwaFormatError("JRWA CSV is empty")
    header_line = lines[start]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") and ";" in header_line else ","
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    if header[:3] != list(CSV_HEADER):
        raise JrwaFormatError(
            f"JRWA CSV must start with the header 'symbol;haslo;kategoria', got {delimiter.join(header)!r}"
        )
    entries: list[JrwaEntry] = []
    for offset, row in enumerate(reader):
        lineno = start + 2 + offset
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < 2:
            raise JrwaFormatError(f"JRWA CSV line {lineno}: expected symbol, haslo, kategoria; got {row!r}")
        if len(row) > 3 and any(c.strip() for c in row[3:]):
            raise JrwaFormatError(
                f"JRWA CSV line {lineno}: {len(row)} columns, expected 3 (quote titles that contain "
                f"'{delimiter}')"
            )
        symbol = row[0].strip()
        title = " ".join(row[1].split())
        raw_cat = row[2] if len(row) > 2 else ""
        entries.append(JrwaEntry(symbol, title, _category(raw_cat, f"JRWA CSV line {lineno}")))
    if not entries:
        raise JrwaFormatError("JRWA CSV has a header but no classes")
    return entries


def to_jrwa_csv(entries: Iterable[JrwaEntry], *, comments: Iterable[str] = ()) -> str:
    """Serialise entries as ``symbol;haslo;kategoria`` CSV (UTF-8 text, no BOM)."""
    out = io.StringIO()
    for line in comments:
        for part in line.splitlines():
            out.write(f"# {part}\n")
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for e in entries:
        writer.writerow([e.symbol, e.title, "" if e.category is None else str(e.category)])
    return out.getvalue()


# -- dispatch -------------------------------------------------------------------------------


def parse_jrwa_bytes(data: bytes) -> list[JrwaEntry]:
    """Entries from XML or CSV bytes, chosen by content (XML starts with ``<`` after BOM/space)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return parse_wykaz_xml(data)
    if len(data) > MAX_JRWA_BYTES:
        raise JrwaFormatError(f"JRWA file is {len(data)} bytes; the limit is {MAX_JRWA_BYTES}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JrwaFormatError(f"JRWA CSV is not valid UTF-8 (byte {exc.start})") from None
    return parse_jrwa_csv(text)


def load_jrwa_file(path: str | PathLike[str]) -> list[JrwaEntry]:
    """Entries from a JRWA file (WykazAkt XML or CSV), dispatching on content."""
    p = Path(path)
    size = p.stat().st_size
    if size > MAX_JRWA_BYTES:
        raise JrwaFormatError(f"JRWA file {p.name} is {size} bytes; the limit is {MAX_JRWA_BYTES}")
    return parse_jrwa_bytes(p.read_bytes())
