"""Text extraction for the archive's full-text index: PDF and DOCX as well as XML and text."""

from __future__ import annotations

import io
import zipfile

from ezd.archive_ops.searchtext import DOCX, extract_text


def _pdf(text: str) -> bytes:
    """A minimal one-page PDF with ``text`` in Helvetica, with a correct xref table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _docx(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buf.getvalue()


def test_pdf_text() -> None:
    assert "Wniosek o wydanie decyzji" in extract_text(_pdf("Wniosek o wydanie decyzji"), "application/pdf")


def test_docx_text() -> None:
    assert extract_text(_docx("Decyzja o warunkach zabudowy"), DOCX) == "Decyzja o warunkach zabudowy"


def test_broken_or_hostile_files_give_no_text() -> None:
    assert extract_text(b"%PDF-1.4 garbage", "application/pdf") == ""
    assert extract_text(b"not a zip", DOCX) == ""
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("word/document.xml", '<!DOCTYPE d [<!ENTITY a "x">]><d>&a;</d>')
    assert extract_text(evil.getvalue(), DOCX) == ""
