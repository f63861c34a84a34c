"""Cells of generated CSV files that a spreadsheet will not run as formulas.

A cell starting with ``=``, ``+``, ``-`` or ``@`` is a formula in Excel and LibreOffice (a tab
or carriage return in front still makes it one in some of them), so text that came from
outside -- an ePUAP title such as ``=HYPERLINK("http://...")`` -- could run in the archivist's
spreadsheet.  Such cells get a leading apostrophe, the OWASP-recommended neutraliser: the
spreadsheet shows the text as it was and never evaluates it.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text, with a leading apostrophe if it could be read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable[object]) -> list[str]:
    return [safe_cell(v) for v in values]
