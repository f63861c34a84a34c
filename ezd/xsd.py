"""Vendored XML schemas (``ezd/data/xsd/``), compiled once per process, fully offline.

``validate(root_or_bytes, "WykazAkt.xsd")`` returns a list of one-line error messages
(empty when the document is valid).  Bytes are parsed with the hardened :func:`ezd.xmlsafe.parse`.
See ``ezd/data/xsd/SOURCES.md`` for where each schema comes from.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from lxml import etree

from ezd import xmlsafe
from ezd.records.errors import EzdError

XSD_DIR = Path(__file__).resolve().parent / "data" / "xsd"

_lock = threading.Lock()


class SchemaNotFound(EzdError, LookupError):
    pass


class _NoNetworkResolver(etree.Resolver):
    """Refuse every non-local schemaLocation: vendored schemas must only import local files."""

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> None:
        url = system_url or ""
        if url.startswith(("http:", "https:", "ftp:")):
            raise etree.XMLSchemaParseError(f"schema import {url!r} is not vendored; refusing network access")
        return None


def available_schemas() -> list[str]:
    return sorted(p.name for p in XSD_DIR.glob("*.xsd"))


def _schema_path(name: str) -> Path:
    if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".xsd"):
        raise SchemaNotFound(f"invalid schema name {name!r}")
    path = XSD_DIR / name
    if not path.is_file():
        raise SchemaNotFound(f"no vendored schema {name!r} (have: {', '.join(available_schemas())})")
    return path


@cache
def _compile(name: str) -> etree.XMLSchema:
    path = _schema_path(name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    parser.resolvers.add(_NoNetworkResolver())
    doc = etree.parse(str(path), parser=parser)
    return etree.XMLSchema(doc)


def get_schema(name: str) -> etree.XMLSchema:
    """The compiled schema ``ezd/data/xsd/<name>`` (compiled on first use, then cached)."""
    with _lock:
        return _compile(name)


def validate(root_or_bytes: etree._Element | etree._ElementTree | bytes, schema_name: str) -> list[str]:
    """Validate against a vendored schema; returns error lines (``line N: message``), [] if valid.

    Bytes that are not acceptable XML raise :class:`ezd.xmlsafe.XMLRejected`.
    """
    if isinstance(root_or_bytes, bytes | bytearray):
        root: etree._Element = xmlsafe.parse(bytes(root_or_bytes))
    elif isinstance(root_or_bytes, etree._ElementTree):
        root = root_or_bytes.getroot()
    else:
        root = root_or_bytes
    schema = get_schema(schema_name)
    with _lock:  # XMLSchema objects keep an error log: do not share one concurrently
        ok = schema.validate(root)
        if ok:
            return []
        return [f"line {e.line}: {e.message}" for e in schema.error_log]
