"""``ezd verify`` finds detached content by the reference URI next to the signature file, takes
``--content`` repeatedly, and verifies a ``.xades`` detached signature of a PDF (the usual output
of Polish signing tools and podpis zaufany)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ezd.signatures.cli import app
from ezd.signatures.pkcs12 import Pkcs12Signer
from ezd.signatures.pki import DemoPki

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _verify(*args: str) -> tuple[int, dict]:
    res = CliRunner().invoke(app, ["verify", *args, "--json", "--offline"])
    return res.exit_code, json.loads(res.stdout) if res.stdout.startswith("{") else {}


def test_detached_content_found_beside_the_signature(
    pki: DemoPki, signer: Pkcs12Signer, tmp_path: Path
) -> None:
    (tmp_path / "wniosek.pdf").write_bytes(PDF)
    sig = tmp_path / "wniosek.pdf.xades"
    sig.write_bytes(signer.sign_detached(PDF, uri="wniosek.pdf", mime_type="application/pdf"))
    code, rep = _verify(str(sig), "--trust", str(pki.ca_pem))
    assert code == 0, rep
    assert rep["signatures"][0]["indication"] == "TOTAL_PASSED"

    (tmp_path / "wniosek.pdf").write_bytes(PDF + b"% changed\n")
    code, rep = _verify(str(sig), "--trust", str(pki.ca_pem))
    assert code == 2
    assert rep["signatures"][0]["subindication"] == "HASH_FAILURE"

    (tmp_path / "wniosek.pdf").unlink()
    code, rep = _verify(str(sig), "--trust", str(pki.ca_pem))
    assert code == 1
    assert (rep["signatures"][0]["indication"], rep["signatures"][0]["subindication"]) == (
        "INDETERMINATE",
        "SIGNED_DATA_NOT_FOUND",
    )


def test_uri_cannot_walk_the_file_system(pki: DemoPki, signer: Pkcs12Signer, tmp_path: Path) -> None:
    (tmp_path / "tajne.pdf").write_bytes(PDF)
    inner = tmp_path / "sub"
    inner.mkdir()
    sig = inner / "x.xades"
    sig.write_bytes(signer.sign_detached(PDF, uri="../tajne.pdf", mime_type="application/pdf"))
    code, rep = _verify(str(sig), "--trust", str(pki.ca_pem))
    assert code == 1
    assert rep["signatures"][0]["subindication"] == "SIGNED_DATA_NOT_FOUND"


def test_content_is_repeatable(pki: DemoPki, tmp_path: Path) -> None:
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    a.write_bytes(PDF)
    b.write_bytes(PDF + b"% b\n")
    signer = Pkcs12Signer(pki.eseal_p12, pki.password)
    sig_a = tmp_path / "elsewhere" / "a.pdf.xml"
    sig_a.parent.mkdir()
    sig_a.write_bytes(signer.sign_detached(PDF, uri="a.pdf", mime_type="application/pdf"))
    code, rep = _verify(str(sig_a), "--content", str(b), "--content", str(a), "--trust", str(pki.ca_pem))
    assert code == 0, rep
    # one --content for one reference is taken as that file whatever its name: here the wrong one
    code, rep = _verify(str(sig_a), "--content", str(b), "--trust", str(pki.ca_pem))
    assert code == 2
    assert rep["signatures"][0]["subindication"] == "HASH_FAILURE"
