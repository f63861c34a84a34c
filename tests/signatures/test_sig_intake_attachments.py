"""Intake verifies the signatures on a letter's attachments (signed PDFs, detached XAdES files),
not only on the ePUAP XML, and records each verdict in the metryka."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import MetrykaEntry
from ezd.services import intake
from ezd.signatures.pkcs12 import Pkcs12Signer
from ezd.signatures.pki import create_demo_pki
from ezd.workers.inprocess import run_pending
from tests.helpers import actor, letter
from tests.signatures.test_sig_pades import _signed_pdf

NS_STR = "http://crd.gov.pl/xml/schematy/struktura/2009/11/16/"


def _with_attachments(xml: bytes, files: dict[str, tuple[str, bytes]]) -> bytes:
    root = etree.fromstring(xml)
    zal = next(el for el in root.iter(f"{{{NS_STR}}}Zalaczniki"))
    for name, (media_type, data) in files.items():
        z = etree.SubElement(
            zal, f"{{{NS_STR}}}Zalacznik", format=media_type, kodowanie="base64", nazwaPliku=name
        )
        etree.SubElement(z, f"{{{NS_STR}}}DaneZalacznika").text = base64.b64encode(data).decode()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_attachment_signatures_recorded(seeded_app: App, tmp_path: Path) -> None:
    # a resident's own certificate (not one the office trusts): intact signatures come out
    # INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND, a changed file TOTAL-FAILED / HASH_FAILURE
    pki = create_demo_pki(tmp_path, "Jan Kowalski", b"haslo", key_type="ec")
    signer = Pkcs12Signer(pki.eseal_p12, b"haslo")
    wniosek = b"%PDF-1.4\n% wniosek\n"
    files = {
        "podpisany.pdf": ("application/pdf", _signed_pdf(pki)),
        "wniosek.pdf": ("application/pdf", wniosek),
        "wniosek.pdf.xades": (
            "application/xml",
            signer.sign_detached(wniosek, uri="wniosek.pdf", mime_type="application/pdf"),
        ),
        "inny.pdf.xades": (
            "application/xml",
            signer.sign_detached(b"%PDF-1.4\n% inny\n", uri="wniosek.pdf", mime_type="application/pdf"),
        ),
    }
    data = _with_attachments(letter(7), files)
    kanc = actor(seeded_app, "sw.kancelaria")
    with seeded_app.uow() as uow:
        intake.register_incoming(
            seeded_app.deps(uow.session), kanc, tenant="sp-swidnik", data=data, filename="a.xml"
        )
        uow.commit()
    run_pending(seeded_app)
    with seeded_app.uow() as uow:
        entry = uow.session.execute(
            select(MetrykaEntry).where(MetrykaEntry.action == "zapis_tresci")
        ).scalar_one()
        details = entry.details if isinstance(entry.details, dict) else json.loads(entry.details)
    got = {
        s["filename"]: (s["kind"], s["verdict"], s["subindication"], s["covers"])
        for s in details["attachment_signatures"]
    }
    assert got == {
        "podpisany.pdf": ("PAdES", "INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND", ["podpisany.pdf"]),
        "wniosek.pdf.xades": ("XAdES", "INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND", ["wniosek.pdf"]),
        "inny.pdf.xades": ("XAdES", "TOTAL-FAILED", "HASH_FAILURE", ["wniosek.pdf"]),
    }
