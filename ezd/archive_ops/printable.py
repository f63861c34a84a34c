"""Printable HTML documents of the archive (A4, one table, no scripts, no external resources)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_STYLE = (
    "@page{size:A4 landscape;margin:15mm}body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt}"
    "h1{font-size:14pt;text-align:center}table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #000;padding:3px 5px;vertical-align:top}th{background:#eee}"
    ".meta td{border:none}.sign{margin-top:30mm;display:flex;justify-content:space-between}"
)


def render(
    title: str,
    header: Sequence[tuple[str, str]],
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    signatures: Sequence[str] = (),
    footer: str = "",
) -> bytes:
    meta = "".join(f"<tr><td>{escape(k)}:</td><td><b>{escape(v)}</b></td></tr>" for k, v in header)
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    signs = "".join(f"<div>....................................<br>{escape(s)}</div>" for s in signatures)
    html = (
        '<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f'<h1>{escape(title)}</h1><table class="meta">{meta}</table><br>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f'<p>{escape(footer)}</p><div class="sign">{signs}</div></body></html>'
    )
    return html.encode("utf-8")
