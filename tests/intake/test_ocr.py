"""OCR of scans with ocrmypdf and tesseract's Polish model: text and a searchable PDF/A beside the
unchanged original, as a worker step the clerk never waits for; refusals recorded, nothing lost."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from ezd import ocr
from ezd.bootstrap import App
from ezd.db.tables import IncomingItem, MetrykaEntry
from ezd.records.intake import Channel, IncomingMetadata
from ezd.services.actor import system_actor
from ezd.services.intake import register_incoming
from ezd.services.letter_view import document_view
from ezd.workers.inprocess import run_pending
from tests.conftest import need_service
from tests.intake.scans import page_pdf, page_png


@pytest.fixture(autouse=True)
def _ocrmypdf() -> None:
    if not ocr.available():
        need_service("ocrmypdf is not installed (Debian packages ocrmypdf and tesseract-ocr-pol)")


def _register(app: App, data: bytes, media_type: str, name: str) -> str:
    meta = IncomingMetadata(
        sender="Anna Nowak",
        title="Wniosek o zaświadczenie",
        letter_date=None,
        received_date=date.today(),
        channel=Channel.POST,
        format=media_type,
    )
    with app.uow() as uow:
        reg = register_incoming(
            app.deps(uow.session),
            system_actor("test"),
            tenant="ug-melgiew",
            data=data,
            filename=name,
            media_type=media_type,
            metadata=meta,
            channel=Channel.POST,
        )
        uow.commit()
    run_pending(app)
    return reg.sign


def test_a_scan_gets_its_text_and_a_pdfa_beside_the_unchanged_original(seeded_app: App) -> None:
    scan = page_png()
    sign = _register(seeded_app, scan, "image/png", "skan.png")
    with seeded_app.uow() as uow:
        item = uow.session.execute(select(IncomingItem).where(IncomingItem.sign == sign)).scalar_one()
        original = item.document.versions
        assert len(original) == 1 and original[0].sha256 == hashlib.sha256(scan).hexdigest()
        rendition = [a for a in item.document.attachments if a.filename == "skan-ocr.pdf"]
        assert len(rendition) == 1
        pdf = seeded_app.store.get(rendition[0].sha256)
        assert b"pdfaid" in pdf  # PDF/A identification in the XMP metadata
        assert "zaświadczenia" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        view = document_view(
            seeded_app.deps(uow.session), system_actor("test"), tenant="ug-melgiew", uid=item.document.uid
        )
        assert view.ocr_text and "Wniosek o wydanie zaświadczenia" in view.ocr_text
        entry = uow.session.execute(
            select(MetrykaEntry).where(
                MetrykaEntry.action == "rozpoznanie_tekstu", MetrykaEntry.document_ref == item.document.uid
            )
        ).scalar_one()
        assert entry.details["pdfa"] is True and entry.details["sha256"] == rendition[0].sha256


def test_an_encrypted_pdf_or_an_image_bomb_is_refused_and_the_scan_kept(seeded_app: App) -> None:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(page_pdf())))
    writer.encrypt("tajne")
    locked = io.BytesIO()
    writer.write(locked)
    Image.MAX_IMAGE_PIXELS = None
    try:
        bomb = io.BytesIO()
        Image.new("1", (12000, 12000), 1).save(bomb, format="PNG")
    finally:
        Image.MAX_IMAGE_PIXELS = 89_478_485
    for data, mt, name, why in (
        (locked.getvalue(), "application/pdf", "zaszyfrowany.pdf", "encrypted"),
        (bomb.getvalue(), "image/png", "bomba.png", "too large"),
    ):
        sign = _register(seeded_app, data, mt, name)
        with seeded_app.uow() as uow:
            item = uow.session.execute(select(IncomingItem).where(IncomingItem.sign == sign)).scalar_one()
            assert seeded_app.store.get(item.document.versions[0].sha256) == data  # the record is kept
            assert not any(a.filename.endswith("-ocr.pdf") for a in item.document.attachments)
            entry = uow.session.execute(
                select(MetrykaEntry).where(
                    MetrykaEntry.action == "rozpoznanie_tekstu",
                    MetrykaEntry.document_ref == item.document.uid,
                )
            ).scalar_one()
            assert why in entry.details["refused"]
