"""Derive the demo JRWA (ezd/data/jrwa_demo.csv + .xml) from a real, officially published list.

Source: JRWA of Ministerstwo Cyfryzacji, annex 2 to the 2024 instrukcja kancelaryjna, as transcribed
(PDF -> Markdown) in rkrol-dev/open-mercato-ezd; copy in
/work/shared/reference/jrwa/open-mercato-ezd/instrukcja-kancelaryjna-ministerstwo-cyfryzacji-2024/zal-02-jrwa.mdx
(see /work/shared/reference/SOURCES.md).  Only the common classes 0-3 (zarządzanie, kadry, środki
rzeczowe, finanse) are taken.

The transcription has PDF-extraction artefacts; this script repairs what it can deterministically and
drops what it cannot, printing every repair/drop:

* symbols shifted into another column (e.g. ``14`` in the last column) are found in any cell;
* categories glued to the title (``... oprogramowania A``) or a title fragment glued to the category
  (``podległych A``) are split;
* headings glued to the title of the preceding row (``... bibliotecznych AKTY NORMATYWNE, ...``) are split
  off and used for the missing parent class;
* glued prepositions (``wsprawach``) are fixed from a fixed list; ALL-CAPS headings are sentence-cased;
* missing parents are taken from the list's own "Tytuły klas I i II rzędu" table when it has them;
* leaves whose category does not parse (``B*)`` = "period from other provisions") are dropped, as are
  entries left without a parent or leaves left without a category.

Run from the repository root:  python scripts/jrwa_from_mdx.py [path/to/zal-02-jrwa.mdx]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ezd.jrwa_io import to_jrwa_csv, to_wykaz_xml  # noqa: E402
from ezd.records.jrwa import ArchivalCategory, InvalidCategory, JrwaEntry, JrwaTree  # noqa: E402

DEFAULT_SOURCE = Path(
    "/work/shared/reference/jrwa/open-mercato-ezd/"
    "instrukcja-kancelaryjna-ministerstwo-cyfryzacji-2024/zal-02-jrwa.mdx"
)
SOURCE_LABEL = (
    "JRWA Ministerstwa Cyfryzacji (zał. nr 2 do instrukcji kancelaryjnej, 2024), klasy 0-3, "
    "transkrypcja MDX z rkrol-dev/open-mercato-ezd (commit 93a054ef033ad7cc36500f68ec80a595ff364734)"
)
TOP_CLASSES = ("0", "1", "2", "3")

_SYMBOL_CELL = re.compile(r"^(\d{1,4})(?:\s*\d\))?$")
_CAT = r"(?:A|B\s?\d+|BE\s?\d+|Bc)"
_CAT_CELL = re.compile(rf"^{_CAT}$")
_TRAILING_CAT = re.compile(rf"^(?P<title>.*\S)\s+(?P<cat>{_CAT})$")
_UPPER_TAIL = re.compile(
    r"^(?P<head>.*[a-ząćęłńóśźż)].*?)\s+(?P<tail>[A-ZĄĆĘŁŃÓŚŹŻ][A-ZĄĆĘŁŃÓŚŹŻ ,\-]{10,})$"
)

# words the PDF conversion glued together (preposition + next word)
GLUED = {
    "wsprawach": "w sprawach",
    "wsprawie": "w sprawie",
    "wpracy": "w pracy",
    "wzakresie": "w zakresie",
    "warchiwum": "w archiwum",
    "wjednostkach": "w jednostkach",
    "wdzierżawę": "w dzierżawę",
    "wtym": "w tym",
    "wkraju": "w kraju",
    "zeszczególnymi": "ze szczególnymi",
    "iremonty": "i remonty",
    "wobiektach": "w obiektach",
    "wbudynkach": "w budynkach",
    "wrazie": "w razie",
    "wramach": "w ramach",
    "zzakresu": "z zakresu",
    "wcelu": "w celu",
    "wmiejscu": "w miejscu",
    "wykorzystaniemsamochodów": "wykorzystaniem samochodów",
    "cywilno- prawne": "cywilnoprawne",
    "naukowo- badawczych": "naukowo-badawczych",
}

# symbols whose transcription is unrecoverable or clearly mis-assembled; hand-checked against the table
MANUAL_TITLES: dict[str, str] = {
    # rows 3/30 of the table: "FINANSE ... FINANSOWO- KSIĘGOWA REGULACJE I ZASADY" + "EKONOMICZNO-FINANSOWE"
    # (the heading of 30 was split across the two rows); titles as in the list's overview table
    "3": "Finanse Ministerstwa oraz ich obsługa finansowo-księgowa",
    "30": "Regulacje i zasady ekonomiczno-finansowe",
}

log: list[str] = []


def note(msg: str) -> None:
    log.append(msg)


def sentence_case(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 3:
        low = text.lower()
        low = re.sub(r"\bministerstw", "Ministerstw", low)  # a defined term, capitalised in this list
        return low[0].upper() + low[1:]
    return text


def fix_glued(text: str) -> str:
    out = text
    for bad, good in GLUED.items():
        out = re.sub(rf"(?<![\wąćęłńóśźż]){re.escape(bad)}(?![\wąćęłńóśźż])", good, out, flags=re.I)
    return re.sub(r"\s+", " ", out).strip()


def split_cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|").removesuffix("|")
    return [c.strip() for c in body.split("|")]


def parse_rows(text: str) -> tuple[list[tuple[str, str, str | None]], dict[str, str]]:
    """Return (rows of (symbol, title, raw category or None), summary titles of classes I/II)."""
    rows: list[tuple[str, str, str | None]] = []
    summary: dict[str, str] = {}
    pending_heading: str | None = None
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.lstrip().startswith("|"):
            continue
        cells = split_cells(line)
        if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
            continue
        nonempty = [c for c in cells if c]
        if len(cells) == 2:  # the "Tytuły klas I i II rzędu" overview table
            m = _SYMBOL_CELL.match(cells[0])
            if m and cells[1]:
                summary[m.group(1)] = cells[1]
            continue
        if nonempty and nonempty[0].startswith("Symbol klasyfikacyjny"):
            continue
        sym_idx = [i for i, c in enumerate(cells) if _SYMBOL_CELL.match(c)]
        if not sym_idx:
            if nonempty:
                note(f"line {lineno}: row without a symbol dropped: {' | '.join(nonempty)[:80]!r}")
            continue
        if len(sym_idx) > 1:
            note(f"line {lineno}: several symbol-like cells, using the first: {[cells[i] for i in sym_idx]}")
        si = sym_idx[0]
        symbol = _SYMBOL_CELL.match(cells[si]).group(1)  # type: ignore[union-attr]
        if cells[si] != symbol:
            note(f"line {lineno}: footnote mark removed from symbol {cells[si]!r}")
        rest = [(i, c) for i, c in enumerate(cells) if i not in sym_idx and c]
        if not rest:
            note(f"line {lineno}: symbol {symbol} without a title dropped")
            continue
        ti, title = rest[0]
        if si > ti:
            note(f"line {lineno}: symbol {symbol} was shifted to column {si + 1}; repaired")
        category: str | None = None
        after = [c for i, c in rest[1:] if i > ti]
        if after and _CAT_CELL.match(after[0]):
            category = after[0]
        elif after and _TRAILING_CAT.match(after[0]) and len(after[0].split()) <= 3:
            m = _TRAILING_CAT.match(after[0])
            assert m is not None
            note(f"line {lineno}: {symbol}: title fragment {m['title']!r} glued to category {m['cat']!r}")
            category = m["cat"]
            title = f"{title} [{m['title']}]"
        elif after and after[0].startswith("B*"):
            category = after[0]
        elif (m2 := _TRAILING_CAT.match(title)) is not None:
            note(f"line {lineno}: {symbol}: category {m2['cat']!r} split off the title")
            title, category = m2["title"], m2["cat"]
        if (m3 := _UPPER_TAIL.match(title)) is not None:
            note(f"line {lineno}: {symbol}: heading {m3['tail']!r} split off the title (next class)")
            title = m3["head"]
            pending_heading = m3["tail"]
        rows.append((symbol, title, category))
        if pending_heading:
            # the heading's own symbol is usually the second symbol-like cell of the same row
            heading_symbol = cells[sym_idx[1]] if len(sym_idx) > 1 else "?"
            rows.append((heading_symbol, pending_heading, None))
            pending_heading = None
    return rows, summary


def clean_title(symbol: str, raw: str, summary: dict[str, str]) -> str:
    title = MANUAL_TITLES.get(symbol, raw)
    overview = summary.get(symbol)
    if overview and " ".join(overview.lower().split()) == " ".join(title.lower().split()):
        title = overview  # the overview table has the proper (non-capitals) spelling
    title = sentence_case(title)
    title = re.sub(r"([a-ząćęłńóśźż])- ([a-ząćęłńóśźż])", r"\1-\2", fix_glued(title))
    title = re.sub(r"\. ([a-ząćęłńóśźż])", lambda m: ". " + m.group(1).upper(), title)
    return title


def build_entries(text: str) -> list[JrwaEntry]:
    rows, summary = parse_rows(text)
    entries: dict[str, JrwaEntry] = {}
    for symbol, raw_title, raw_cat in rows:
        if symbol == "?":
            note(f"heading {raw_title!r} without a symbol dropped")
            continue
        if not symbol.startswith(TOP_CLASSES):
            continue
        title = clean_title(symbol, raw_title, summary)
        category: ArchivalCategory | None = None
        if raw_cat is not None:
            try:
                category = ArchivalCategory.parse(raw_cat)
            except InvalidCategory:
                note(f"{symbol}: category {raw_cat!r} does not parse; class {title!r} dropped")
                continue
        if symbol in entries:
            note(f"{symbol}: duplicate row {title!r} dropped (kept {entries[symbol].title!r})")
            continue
        entries[symbol] = JrwaEntry(symbol, title, category)

    # missing parents: recreate from the list's own overview table, otherwise drop the subtree
    for symbol in sorted(entries, key=len):
        if symbol not in entries or len(symbol) == 1:
            continue
        parent = symbol[:-1]
        if parent not in entries:
            if parent in summary:
                entries[parent] = JrwaEntry(parent, clean_title(parent, summary[parent], summary), None)
                note(f"{parent}: missing parent class recreated from the overview table")
            else:
                for s in [s for s in entries if s.startswith(symbol)]:
                    note(f"{s}: no parent class {parent!r}; dropped")
                    del entries[s]
    # a class with subclasses carries no category; a leaf must have one
    changed = True
    while changed:
        changed = False
        has_children = {s[:-1] for s in entries if len(s) > 1}
        for symbol in sorted(entries):
            e = entries[symbol]
            if symbol in has_children and e.category is not None:
                note(f"{symbol}: has subclasses but category {e.category}; category removed")
                entries[symbol] = JrwaEntry(symbol, e.title, None)
            elif symbol not in has_children and e.category is None:
                note(f"{symbol}: leaf {e.title!r} without a category dropped")
                del entries[symbol]
                changed = True
    return [entries[s] for s in sorted(entries)]


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    entries = build_entries(source.read_text(encoding="utf-8-sig"))
    tree = JrwaTree.build(entries)
    data_dir = ROOT / "ezd" / "data"
    comment = [
        f"Źródło: {SOURCE_LABEL}.",
        "Wygenerowano skryptem scripts/jrwa_from_mdx.py; naprawiono artefakty konwersji PDF "
        "(przesunięte kolumny, sklejone hasła/kategorie/nagłówki, sklejone przyimki, nagłówki WERSALIKAMI); "
        "pominięto klasy z kategorią 'B*)' (okres z odrębnych przepisów) i wiersze bez symbolu.",
    ]
    (data_dir / "jrwa_demo.csv").write_text(to_jrwa_csv(entries, comments=comment), encoding="utf-8")
    (data_dir / "jrwa_demo.xml").write_bytes(to_wykaz_xml(entries, comment=" ".join(comment)))
    for line in log:
        print(line)
    print(f"{len(tree)} classes, {len(tree.leaves())} leaves written to {data_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
