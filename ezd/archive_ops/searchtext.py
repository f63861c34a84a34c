"""What goes into an entry's search document: stemmed words plus facet tokens.

Facet tokens (``zzt<tenant>``, ``zzu<unit>``, ``zzj<jrwa>``, ``zzc<category>``, ``zzy<year>``,
``zzs<sender stem>``) put the equality filters into the same inverted index as the words, so a
filtered full-text query is one index intersection on both SQLite FTS5 and PostgreSQL GIN instead
of a scan of every row that contains a frequent word.  The SQL predicates are applied as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ezd import xmlsafe
from ezd.archive_ops.stemmer import stems, suffix_stem, tokens

MAX_EXTRACT_CHARS = 200_000
_NON_ALNUM = re.compile(r"[^0-9a-z]")


def _norm(value: str) -> str:
    return _NON_ALNUM.sub("", value.lower())


def facet(kind: str, value: str | int) -> str:
    """One facet token; kinds: t tenant, u unit, j JRWA symbol, c category, y year, s sender stem."""
    return f"zz{kind}{_norm(str(value))}"


def sender_facets(sender: str | None) -> list[str]:
    # one key a word (the light stem): the same on both sides, also for entries indexed before
    # the dictionary keys, and a filter needs every one of them (AND)
    return [facet("s", suffix_stem(t)) for t in tokens(sender or "")]


def build_search_text(
    *,
    tenant: str,
    unit: str,
    jrwa_symbol: str,
    category: str,
    year: int,
    case_sign: str,
    title: str,
    jrwa_title: str = "",
    sender: str | None = None,
    texts: Iterable[str] = (),
) -> str:
    words: list[str] = []
    words += stems(title) * 2  # the title twice: a hit in the title outranks one in the body
    words += stems(jrwa_title)
    words += stems(case_sign)
    words += stems(sender or "")
    for text in texts:
        words += stems(text[:MAX_EXTRACT_CHARS])
    facets = [
        facet("t", tenant),
        facet("u", unit),
        facet("j", jrwa_symbol),
        facet("c", category),
        facet("y", year),
        *sender_facets(sender),
    ]
    return " ".join(words + facets)


MAX_PDF_PAGES = 200
MAX_DOCX_XML = 20 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = reader.pages[:MAX_PDF_PAGES]  # a hostile PDF cannot keep the indexer busy for ever
        return " ".join(page.extract_text() or "" for page in pages)
    except Exception:
        return ""


def _docx_text(data: bytes) -> str:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML:  # zip bomb: refuse before inflating
                return ""
            root = xmlsafe.parse(z.read(info), max_bytes=MAX_DOCX_XML)
    except (zipfile.BadZipFile, KeyError, xmlsafe.XMLRejected):
        return ""
    return " ".join(t for t in root.itertext() if isinstance(t, str) and t.strip())


def extract_text(data: bytes, media_type: str) -> str:
    """Plain text of a document for indexing (text, XML, HTML, PDF, DOCX); other formats give ""."""
    mt = media_type.split(";")[0].strip().lower()
    if mt == "application/pdf":
        return _pdf_text(data)
    if mt == DOCX:
        return _docx_text(data)
    if mt.startswith("text/html"):
        return re.sub(r"<[^>]+>", " ", data.decode("utf-8", "replace"))
    if mt.startswith("text/"):
        return data.decode("utf-8", "replace")
    if mt in ("application/xml", "text/xml") or mt.endswith("+xml"):
        try:
            root = xmlsafe.parse(data)
        except xmlsafe.XMLRejected:
            return ""
        return " ".join(t.strip() for t in root.itertext() if isinstance(t, str) and t.strip())
    return ""


__all__ = ["build_search_text", "extract_text", "facet", "sender_facets"]
