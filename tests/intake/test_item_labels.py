"""Labels for paper letters: a PDF with the office, RPW number, received date and a QR code;
the code (scanned or typed) finds the item, through the same access check as opening it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from ezd.bootstrap import App
from ezd.records.errors import InvalidInput, NotFound
from ezd.records.intake import Channel, IncomingMetadata
from ezd.services import item_labels
from ezd.services.actor import system_actor
from ezd.services.intake import register_incoming


def _paper(app: App) -> str:
    meta = IncomingMetadata(
        sender="Anna Nowak",
        title="Wniosek o wydanie zezwolenia",
        letter_date=date(2026, 11, 30),
        received_date=date(2026, 12, 2),
        channel=Channel.POST,
        format="application/pdf",
    )
    with app.uow() as uow:
        reg = register_incoming(
            app.deps(uow.session),
            system_actor("test"),
            tenant="ug-melgiew",
            data=b"%PDF-1.4\n% skan\n",
            filename="skan.pdf",
            media_type="application/pdf",
            metadata=meta,
            channel=Channel.POST,
            received=date(2026, 12, 2),
        )
        uow.commit()
    return reg.sign


def test_the_label_carries_office_number_date_and_the_code(seeded_app: App) -> None:
    sign = _paper(seeded_app)
    with seeded_app.uow() as uow:
        lab = item_labels.label(uow.session, system_actor("test"), tenant="ug-melgiew", rpw=sign)
    assert lab.code == f"EZD:ug-melgiew:{sign}" and lab.office_name == "Urząd Gminy Mełgiew"
    text = PdfReader(io.BytesIO(item_labels.label_pdf(lab))).pages[0].extract_text()
    assert sign in text and "Urząd Gminy Mełgiew" in text and "02.12.2026" in text
    assert "<svg" in item_labels.label_html(lab)


def test_a_scanned_or_typed_code_finds_the_item(seeded_app: App) -> None:
    sign = _paper(seeded_app)
    actor = system_actor("test")
    with seeded_app.uow() as uow:
        s = uow.session
        assert item_labels.find(s, actor, text=f"EZD:ug-melgiew:{sign}", default_tenant="sp-swidnik") == (
            "ug-melgiew",
            sign,
        )
        # a scanner on a Polish keyboard layout, lower case, spaces around: the same item
        scanned = f"  ezd;ug-melgiew;{sign.lower()} "
        assert item_labels.find(s, actor, text=scanned, default_tenant="sp-swidnik") == ("ug-melgiew", sign)
        assert item_labels.find(s, actor, text=sign, default_tenant="ug-melgiew") == ("ug-melgiew", sign)
        with pytest.raises(InvalidInput, match="not an RPW number"):
            item_labels.find(s, actor, text="DROP TABLE", default_tenant="ug-melgiew")
        with pytest.raises(NotFound):
            item_labels.find(s, actor, text="RPW/99999/2026", default_tenant="ug-melgiew")


def test_another_office_cannot_open_an_item_by_its_code(seeded_app: App) -> None:
    from ezd.records.errors import PermissionDenied
    from ezd.services.actor import load_actor

    sign = _paper(seeded_app)
    with seeded_app.uow() as uow:
        other = load_actor(uow.session, "sw.kancelaria", date.today())
        with pytest.raises((PermissionDenied, NotFound)):
            item_labels.find(uow.session, other, text=f"EZD:ug-melgiew:{sign}", default_tenant="sp-swidnik")
        with pytest.raises((PermissionDenied, NotFound)):
            item_labels.label(uow.session, other, tenant="ug-melgiew", rpw=sign)
