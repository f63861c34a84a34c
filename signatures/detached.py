"""Detached content of a XAdES signature: the files its external ``ds:Reference/@URI`` name.

Polish signing tools (and podpis zaufany) write ``pismo.pdf.xades`` / ``pismo.pdf.xml`` beside
``pismo.pdf``; the reference URI is the file name.  Only plain file names are looked up, and only
in the signature's own directory: a URI is untrusted input and must not walk the file system.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from pathlib import Path

from ezd import xmlsafe

DS = "http://www.w3.org/2000/09/xmldsig#"


def external_uris(signature_xml: bytes) -> list[str]:
    """External reference URIs of the top-level signatures (no ``#id``, not the whole document)."""
    root = xmlsafe.parse(signature_xml)
    uris: list[str] = []
    for ref in root.iter(f"{{{DS}}}Reference"):
        uri = ref.get("URI")
        if uri and not uri.startswith("#") and uri not in uris:
            uris.append(uri)
    return uris


def _plain_name(uri: str) -> str | None:
    parsed = urllib.parse.urlsplit(uri)
    if parsed.scheme or parsed.netloc or parsed.query or parsed.fragment:
        return None
    name = urllib.parse.unquote(parsed.path)
    if not name or name != Path(name).name or name in {".", ".."}:
        return None
    return name


def content_beside(signature: Path, uris: Iterable[str]) -> dict[str, bytes]:
    """URI → bytes for every referenced plain file name that lies next to ``signature``."""
    out: dict[str, bytes] = {}
    for uri in uris:
        name = _plain_name(uri)
        if name is None:
            continue
        candidate = signature.parent / name
        if candidate.is_file() and candidate.resolve() != signature.resolve():
            out[uri] = candidate.read_bytes()
    return out


def content_given(files: Iterable[Path], uris: Iterable[str]) -> dict[str, bytes]:
    """URI → bytes for files given by the user (``--content``, repeatable): matched by file name;
    one file and one external reference go together whatever the name."""
    files = list(files)
    uris = list(uris)
    by_name = {f.name: f for f in files}
    out: dict[str, bytes] = {}
    for uri in uris:
        name = _plain_name(uri) or urllib.parse.unquote(urllib.parse.urlsplit(uri).path).rsplit("/", 1)[-1]
        if name in by_name:
            out[uri] = by_name[name].read_bytes()
    if not out and len(files) == 1 and len(uris) == 1:
        out[uris[0]] = files[0].read_bytes()
    return out
